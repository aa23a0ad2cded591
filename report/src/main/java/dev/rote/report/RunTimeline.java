package dev.rote.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link HtmlReport} shows about one run. The constructor copies every collection, keeps
 * the iteration order of {@code facts} and {@code series}, and sorts each series by step (stable, so
 * points sharing a step keep their order).
 *
 * @param runId the run's id
 * @param title the page title
 * @param facts key facts shown as a table at the top, in the given order, e.g. {@code "label noise" -> "40%"}
 * @param series points by indicator or metric name, e.g. {@code "test_accuracy"}, {@code "nmf_nonlinearity/0"}
 * @param markers events drawn as vertical lines on every chart, e.g. {@code "stop signal (step 812)"}
 * @param alerts alerts raised during the run, listed in a table at the bottom
 */
public record RunTimeline(
    String runId,
    String title,
    Map<String, String> facts,
    Map<String, List<Point>> series,
    List<Marker> markers,
    List<Alert> alerts) {

  public RunTimeline {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(title, "title");
    facts = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(facts, "facts")));
    facts.forEach((k, v) -> {
      Objects.requireNonNull(k, "facts key");
      Objects.requireNonNull(v, "facts[" + k + "]");
    });
    series = sortedCopy(Objects.requireNonNull(series, "series"));
    markers = List.copyOf(Objects.requireNonNull(markers, "markers"));
    alerts = List.copyOf(Objects.requireNonNull(alerts, "alerts"));
  }

  /** A copy of {@code points} sorted by step, unmodifiable; the copy every report uses. */
  static List<Point> sortedByStep(List<Point> points, String name) {
    List<Point> copy = new ArrayList<>(Objects.requireNonNull(points, name));
    copy.forEach(p -> Objects.requireNonNull(p, name + " point"));
    copy.sort(Comparator.comparingLong(Point::step));
    return List.copyOf(copy);
  }

  private static Map<String, List<Point>> sortedCopy(Map<String, List<Point>> series) {
    Map<String, List<Point>> copy = new LinkedHashMap<>();
    series.forEach((name, points) -> {
      Objects.requireNonNull(name, "series name");
      copy.put(name, sortedByStep(points, "series[" + name + "]"));
    });
    return Collections.unmodifiableMap(copy);
  }
}
