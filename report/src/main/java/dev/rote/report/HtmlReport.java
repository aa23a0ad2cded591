package dev.rote.report;

import static dev.rote.report.internal.Html.escape;

import dev.rote.report.internal.ChartGroups;
import dev.rote.report.internal.ChartGroups.ChartGroup;
import dev.rote.report.internal.Charts;
import dev.rote.report.internal.Thumbnails;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes one run's timeline as a single self-contained HTML file: no external resources, no script.
 * The page shows the title, the facts table, PNG charts embedded as {@code data:} URIs (accuracy,
 * loss, then one chart per other indicator or indicator family, every marker as a vertical dashed
 * line), the markers, the alerts table and, when given, the top suspect labels as image thumbnails
 * with their assigned and predicted labels. All text is HTML-escaped.
 *
 * <p>Charts need no display: the first chart sets {@code java.awt.headless=true} unless the property
 * is already set.
 */
public final class HtmlReport {

  /** Width of every chart, in pixels. */
  public static final int CHART_WIDTH = Charts.WIDTH;
  /** Height of every chart, in pixels. */
  public static final int CHART_HEIGHT = Charts.HEIGHT;

  private static final String STYLE = """
      body { font-family: sans-serif; margin: 2em; color: #222; }
      table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
      th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
      th { background: #f3f3f3; }
      figure { margin: 0 0 1em; }
      .suspects figure { display: inline-block; margin: 0 0.6em 0.8em 0; text-align: center; font-size: 0.8em; }
      .suspects img { image-rendering: pixelated; border: 1px solid #ccc; }
      code { background: #f3f3f3; padding: 0 0.2em; }
      """;

  private HtmlReport() {}

  /**
   * Writes the report for {@code timeline} to {@code file} (UTF-8), creating parent directories and
   * replacing any existing file.
   */
  public static void write(RunTimeline timeline, Path file) throws IOException {
    write(timeline, List.of(), file);
  }

  /** {@link #write(RunTimeline, Path)} with a section showing {@code suspects}, most suspect first. */
  public static void write(RunTimeline timeline, List<SuspectImage> suspects, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, render(timeline, suspects), StandardCharsets.UTF_8);
  }

  /** The report for {@code timeline} as an HTML document. */
  public static String render(RunTimeline timeline) {
    return render(timeline, List.of());
  }

  /** The report for {@code timeline} with the top {@code suspects} as image thumbnails. */
  public static String render(RunTimeline timeline, List<SuspectImage> suspects) {
    StringBuilder h = new StringBuilder(64 * 1024);
    String title = escape(timeline.title());
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(title).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
        .append("<h1>").append(title).append("</h1>\n")
        .append("<p>Run <code>").append(escape(timeline.runId())).append("</code></p>\n");
    if (!timeline.facts().isEmpty()) {
      h.append("<table class=\"facts\">\n");
      timeline.facts().forEach((k, v) -> h.append("<tr><th>").append(escape(k)).append("</th><td>")
          .append(escape(v)).append("</td></tr>\n"));
      h.append("</table>\n");
    }
    h.append("<h2>Charts</h2>\n");
    List<ChartGroup> groups = ChartGroups.of(timeline.series());
    if (groups.isEmpty()) {
      h.append("<p>No data.</p>\n");
    }
    for (ChartGroup g : groups) {
      byte[] png = chartPng(g.title(), g.yLabel(), g.series(), timeline.markers());
      h.append("<figure><img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
          .append("\" width=\"").append(CHART_WIDTH).append("\" height=\"").append(CHART_HEIGHT)
          .append("\" alt=\"").append(escape(g.title())).append("\"></figure>\n");
    }
    if (!timeline.markers().isEmpty()) {
      h.append("<h2>Markers</h2>\n<table class=\"markers\">\n<tr><th>step</th><th>event</th></tr>\n");
      timeline.markers().forEach(m -> h.append("<tr><td>").append(m.step()).append("</td><td>")
          .append(escape(m.label())).append("</td></tr>\n"));
      h.append("</table>\n");
    }
    h.append("<h2>Alerts</h2>\n");
    if (timeline.alerts().isEmpty()) {
      h.append("<p>No alerts.</p>\n");
    } else {
      h.append("<table class=\"alerts\">\n<tr><th>step</th><th>rule</th><th>action</th><th>reason</th></tr>\n");
      timeline.alerts().forEach(a -> h.append("<tr><td>").append(a.step()).append("</td><td>")
          .append(escape(a.rule())).append("</td><td>").append(escape(a.action())).append("</td><td>")
          .append(escape(a.reason())).append("</td></tr>\n"));
      h.append("</table>\n");
    }
    if (!suspects.isEmpty()) {
      Thumbnails.section(suspects, h);
    }
    return h.append("</body>\n</html>\n").toString();
  }

  /**
   * A {@value #CHART_WIDTH}x{@value #CHART_HEIGHT} PNG line chart of {@code series} (legend name to
   * points, in order; x = training step; non-finite values left out) with each marker drawn as a
   * vertical dashed line across the data's y range, its label in the legend.
   */
  public static byte[] chartPng(
      String title, String yLabel, Map<String, List<Point>> series, List<Marker> markers) {
    List<Charts.VLine> lines = markers.stream()
        .map(m -> new Charts.VLine(m.step(), m.label(), false, null)).toList();
    return Charts.png(title, yLabel, series, lines);
  }
}
