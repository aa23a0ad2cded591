package dev.rote.report.internal;

import dev.rote.report.Point;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which series share a chart in the HTML report: every {@code *accuracy} series plus {@code
 * noisy_memorized_fraction}; every {@code *loss} series; series named {@code prefix/part} by prefix
 * (e.g. {@code nmf_nonlinearity/0}, {@code nmf_nonlinearity/1}); anything else alone.
 */
public final class ChartGroups {

  public static final String NOISY_MEMORIZED_FRACTION = "noisy_memorized_fraction";

  /** One chart: its title, y-axis label and series by legend name. */
  public record ChartGroup(String title, String yLabel, Map<String, List<Point>> series) {}

  private ChartGroups() {}

  /**
   * The charts for {@code series}: accuracy first, then loss, then the others in the order their first
   * series appears. Series with no finite value are left out, and so are charts left with none.
   */
  public static List<ChartGroup> of(Map<String, List<Point>> series) {
    Map<String, List<Point>> accuracy = new LinkedHashMap<>();
    Map<String, List<Point>> loss = new LinkedHashMap<>();
    Map<String, Map<String, List<Point>>> others = new LinkedHashMap<>();
    series.forEach((name, points) -> {
      if (points.stream().noneMatch(p -> Double.isFinite(p.value()))) {
        return;
      }
      if (name.endsWith("accuracy") || name.equals(NOISY_MEMORIZED_FRACTION)) {
        accuracy.put(name, points);
      } else if (name.endsWith("loss")) {
        loss.put(name, points);
      } else {
        int slash = name.indexOf('/');
        String key = slash > 0 ? name.substring(0, slash) : name;
        others.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(name, points);
      }
    });
    List<ChartGroup> groups = new ArrayList<>();
    if (!accuracy.isEmpty()) {
      groups.add(new ChartGroup("Accuracy", "accuracy", accuracy));
    }
    if (!loss.isEmpty()) {
      groups.add(new ChartGroup("Loss", "loss", loss));
    }
    others.forEach((key, members) -> groups.add(new ChartGroup(key, key, members)));
    return groups;
  }
}
