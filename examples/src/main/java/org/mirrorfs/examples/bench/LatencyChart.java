package org.mirrorfs.examples.bench;

import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The cumulative distribution of one workload's operation latency, one line per system. */
final class LatencyChart {
  private LatencyChart() {}

  /** Writes a PNG; returns false (and writes nothing) if no system has latencies. */
  static boolean write(ResultTable table, Workload w, File png) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(560)
        .title(w.id + ": latency of write 64 KiB + hflush, all measured runs")
        .xAxisTitle("latency (microseconds, log scale)").yAxisTitle("fraction of flushes <= x")
        .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    boolean any = false;
    for (String system : table.systemNames()) {
      Histogram h = table.mergedLatency(system, w);
      if (h == null || h.getTotalCount() == 0) {
        continue;
      }
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (HistogramIterationValue v : h.percentiles(8)) {
        x.add(Math.max(1.0, v.getValueIteratedTo() / 1000.0));
        y.add(v.getPercentileLevelIteratedTo() / 100.0);
      }
      XYSeries s = chart.addSeries(system, x, y);
      s.setMarker(SeriesMarkers.NONE);
      any = true;
    }
    if (!any) {
      return false;
    }
    File dir = png.getAbsoluteFile().getParentFile();
    if (!dir.isDirectory() && !dir.mkdirs()) {
      throw new IOException("cannot create " + dir);
    }
    BitmapEncoder.saveBitmap(chart, png.getPath(), BitmapEncoder.BitmapFormat.PNG);
    return true;
  }
}
