package dev.rote.report.internal;

import dev.rote.report.Point;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Renders step-indexed line charts to PNG with XChart, on a headless AWT. */
public final class Charts {

  public static final int WIDTH = 900;
  public static final int HEIGHT = 300;
  /** Series with at most this many points also get a dot per point, so short series stay visible. */
  private static final int MAX_POINTS_WITH_MARKERS = 30;
  private static final BasicStroke DASHED =
      new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {8f, 5f}, 0f);
  private static final BasicStroke DOTTED =
      new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {1f, 4f}, 0f);

  static {
    ensureHeadless();
  }

  /**
   * A vertical line across the chart at {@code step}, named {@code label} in the legend.
   *
   * @param dotted dotted rather than dashed
   * @param colorOf the data series whose colour the line takes, or {@code null} for the next colour
   */
  public record VLine(long step, String label, boolean dotted, String colorOf) {

    public VLine {
      Objects.requireNonNull(label, "label");
    }
  }

  private Charts() {}

  /**
   * Sets {@code java.awt.headless=true} unless the property is already set. Must run before the AWT
   * toolkit starts; every chart calls it first.
   */
  public static void ensureHeadless() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  /** {@link #png(int, int, String, String, Map, List)} at {@value #WIDTH}x{@value #HEIGHT} pixels. */
  public static byte[] png(String title, String yLabel, Map<String, List<Point>> series, List<VLine> lines) {
    return png(WIDTH, HEIGHT, title, yLabel, series, lines);
  }

  /**
   * A PNG of {@code width}x{@code height} pixels: one line per series (non-finite values left out, empty
   * series skipped), x = training step, then the vertical lines spanning the data's y range.
   */
  public static byte[] png(
      int width, int height, String title, String yLabel, Map<String, List<Point>> series, List<VLine> lines) {
    return png(width, height, title, "training step", yLabel, series, lines);
  }

  /** The same with another x axis title (x is then what {@link Point#step()} holds, e.g. an epoch). */
  public static byte[] png(int width, int height, String title, String xLabel, String yLabel,
      Map<String, List<Point>> series, List<VLine> lines) {
    ensureHeadless();
    XYChart chart = new XYChartBuilder().width(width).height(height)
        .title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE).setChartTitleVisible(true);
    Color[] palette = chart.getStyler().getSeriesColors();
    Set<String> names = new HashSet<>();
    Map<String, Color> colors = new HashMap<>();
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, List<Point>> e : series.entrySet()) {
      List<Point> finite = e.getValue().stream().filter(p -> Double.isFinite(p.value()))
          .sorted(Comparator.comparingLong(Point::step)).toList();
      if (finite.isEmpty()) {
        continue;
      }
      double[] xs = finite.stream().mapToDouble(Point::step).toArray();
      double[] ys = finite.stream().mapToDouble(Point::value).toArray();
      Color color = palette[colors.size() % palette.length];
      XYSeries s = chart.addSeries(unique(e.getKey(), names), xs, ys);
      s.setMarker(finite.size() <= MAX_POINTS_WITH_MARKERS ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
      s.setLineColor(color);
      s.setMarkerColor(color);
      colors.put(e.getKey(), color);
      for (double y : ys) {
        yMin = Math.min(yMin, y);
        yMax = Math.max(yMax, y);
      }
    }
    if (yMin > yMax) {
      yMin = 0;
      yMax = 1;
    } else if (yMin == yMax) {
      double pad = yMin == 0 ? 1 : Math.abs(yMin) * 0.1;
      yMin -= pad;
      yMax += pad;
    }
    int next = colors.size();
    for (VLine line : lines) {
      Color color = line.colorOf() != null && colors.containsKey(line.colorOf())
          ? colors.get(line.colorOf()) : palette[next++ % palette.length];
      XYSeries s = chart.addSeries(unique(line.label(), names),
          new double[] {line.step(), line.step()}, new double[] {yMin, yMax});
      s.setMarker(SeriesMarkers.NONE);
      s.setLineStyle(line.dotted() ? DOTTED : DASHED);
      s.setLineColor(color);
    }
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode chart " + title + " as PNG", e);
    }
  }

  /** XChart rejects duplicate series names; later duplicates get " (2)", " (3)", ... */
  private static String unique(String name, Set<String> used) {
    String candidate = name;
    for (int i = 2; !used.add(candidate); i++) {
      candidate = name + " (" + i + ")";
    }
    return candidate;
  }
}
