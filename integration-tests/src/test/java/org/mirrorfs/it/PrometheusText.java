package org.mirrorfs.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for tests: every
 * line must be a HELP, a TYPE, a comment or a well-formed sample of a family whose TYPE came
 * first; anything else fails with the line. No other parser is at hand (the Prometheus Java
 * client writes the format but does not read it).
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary",
      "untyped");

  /** One sample: its full name (with any suffix), labels and value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A metric family: name, type, help and samples. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private PrometheusText() {}

  public static Map<String, Family> parse(String text) {
    Map<String, Family> families = new LinkedHashMap<>();
    Map<String, String> help = new HashMap<>();
    String[] lines = text.split("\n", -1);
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition must end with a line feed");
    }
    for (int n = 0; n < lines.length - 1; n++) {
      String line = lines[n];
      try {
        if (line.isEmpty()) {
          continue;
        }
        if (line.startsWith("# HELP ")) {
          String[] p = line.substring(7).split(" ", 2);
          name(p[0]);
          help.put(p[0], p.length > 1 ? p[1] : "");
        } else if (line.startsWith("# TYPE ")) {
          String[] p = line.substring(7).split(" ");
          if (p.length != 2 || !TYPES.contains(p[1])) {
            throw new IllegalArgumentException("bad TYPE line");
          }
          name(p[0]);
          if (families.containsKey(p[0])) {
            throw new IllegalArgumentException("second TYPE for " + p[0]);
          }
          families.put(p[0], new Family(p[0], p[1], help.getOrDefault(p[0], ""),
              new ArrayList<>()));
        } else if (line.startsWith("#")) {
          continue;
        } else {
          Sample s = sample(line);
          Family f = familyOf(families, s.name());
          if (f == null) {
            throw new IllegalArgumentException("sample before the TYPE of its family");
          }
          f.samples().add(s);
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + (n + 1) + " '" + line + "': "
            + e.getMessage(), e);
      }
    }
    return families;
  }

  private static Family familyOf(Map<String, Family> families, String sampleName) {
    Family f = families.get(sampleName);
    if (f != null) {
      return f;
    }
    for (String suffix : List.of("_total", "_created", "_count", "_sum", "_bucket")) {
      if (sampleName.endsWith(suffix)) {
        f = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
        if (f != null) {
          return f;
        }
      }
    }
    return null;
  }

  private static void name(String s) {
    if (!NAME.matcher(s).matches()) {
      throw new IllegalArgumentException("'" + s + "' is not a metric name");
    }
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    name(name);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        if (!LABEL.matcher(label).matches()) {
          throw new IllegalArgumentException("'" + label + "' is not a label name");
        }
        if (line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("label value of " + label + " is not quoted");
        }
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        for (; line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char e = line.charAt(++j);
            v.append(switch (e) {
              case '\\' -> '\\';
              case '"' -> '"';
              case 'n' -> '\n';
              default -> throw new IllegalArgumentException("bad escape \\" + e);
            });
          } else {
            v.append(c);
          }
        }
        if (labels.put(label, v.toString()) != null) {
          throw new IllegalArgumentException("label " + label + " twice");
        }
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        } else if (line.charAt(i) != '}') {
          throw new IllegalArgumentException("expected , or } at " + i);
        }
      }
      i++;
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new IllegalArgumentException("no value");
    }
    String[] rest = line.substring(i + 1).split(" ");
    if (rest.length > 2) {
      throw new IllegalArgumentException("trailing text");
    }
    if (rest.length == 2) {
      Long.parseLong(rest[1]);
    }
    double value = switch (rest[0]) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(rest[0]);
    };
    return new Sample(name, labels, value);
  }

  /** The value of the one sample of {@code name} (full sample name) with these labels. */
  public static double value(Map<String, Family> families, String name, String... labels) {
    Map<String, String> want = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    for (Family f : families.values()) {
      for (Sample s : f.samples()) {
        if (s.name().equals(name) && s.labels().equals(want)) {
          return s.value();
        }
      }
    }
    throw new AssertionError("no sample " + name + want + " in " + families.keySet());
  }
}
