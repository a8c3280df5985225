package org.mirrorfs.examples.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** The median of several runs' figure, with the lowest and highest. */
record Spread(double median, double min, double max) {
  /** Null when no run has the figure (every value NaN). */
  static <T> Spread of(List<T> runs, ToDoubleFunction<T> figure) {
    double[] v = runs.stream().mapToDouble(figure).filter(d -> !Double.isNaN(d)).sorted()
        .toArray();
    if (v.length == 0) {
      return null;
    }
    int mid = v.length / 2;
    double median = v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    return new Spread(median, v[0], v[v.length - 1]);
  }
}
