package dev.rote.report.internal;

import dev.rote.report.ExperimentRun;
import dev.rote.report.Point;
import dev.rote.report.Targets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;

/** The results page's plots: clean test accuracy per cell and noise condition, and the overview of every cell. */
public final class ResultsPlots {

  public static final int WIDTH = 900;
  public static final int HEIGHT = 450;

  private ResultsPlots() {}

  /** The file name of the plot for a cell and noise condition, e.g. {@code central-asym40.png}. */
  public static String fileName(String cell, ExperimentRun run) {
    return cell + "-" + run.noiseKey() + ".png";
  }

  /**
   * Each seed's test accuracy (and its baseline run's, when that is a different curve), Rote's stop as a
   * dashed line and the baseline's stop as a dotted line, both in the seed's colour.
   */
  public static byte[] png(String title, List<ExperimentRun> runs) {
    Map<String, List<Point>> series = new LinkedHashMap<>();
    List<Charts.VLine> lines = new ArrayList<>();
    for (ExperimentRun run : runs) {
      String seed = "seed " + run.seed();
      series.put(seed, run.testAccuracy());
      if (!run.baselineTestAccuracy().isEmpty() && !run.baselineTestAccuracy().equals(run.testAccuracy())) {
        series.put(seed + " baseline", run.baselineTestAccuracy());
      }
      if (run.stopStep() != null) {
        lines.add(new Charts.VLine(run.stopStep(), seed + ": Rote stop (step " + run.stopStep() + ")", false, seed));
      }
      if (run.baselineStopStep() != null) {
        lines.add(new Charts.VLine(run.baselineStopStep(),
            seed + ": baseline stop (step " + run.baselineStopStep() + ")", true, seed));
      }
    }
    return Charts.png(WIDTH, HEIGHT, title, "test accuracy", series, lines);
  }

  /**
   * Bars per cell: the mean share of the best accuracy kept on noisy runs by Rote and by the baseline, and
   * the lowest share kept on a clean run, with the targets as reference bars.
   */
  public static byte[] overview(Map<String, List<ExperimentRun>> byCell) {
    Charts.ensureHeadless();
    List<String> cells = new ArrayList<>(byCell.keySet());
    List<Double> rote = new ArrayList<>();
    List<Double> baseline = new ArrayList<>();
    List<Double> clean = new ArrayList<>();
    for (List<ExperimentRun> runs : byCell.values()) {
      Targets.Verdict v = Targets.verdict(runs);
      rote.add(percentOrZero(v.meanKept()));
      baseline.add(percentOrZero(v.meanBaseline()));
      clean.add(percentOrZero(runs.stream().filter(Targets::clean).map(r -> Targets.ofBest(Targets.kept(r), r))
          .min(Double::compare).orElse(null)));
    }
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title("Share of the run's best clean test accuracy kept, per cell").xAxisTitle("cell")
        .yAxisTitle("% of the full run's best").build();
    chart.getStyler().setOverlapped(false);
    chart.getStyler().setXAxisLabelRotation(45);
    chart.getStyler().setYAxisMin(80.0).setYAxisMax(102.0);
    chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
    chart.addSeries("noisy runs: Rote (mean)", cells, rote);
    chart.addSeries("noisy runs: baseline (mean)", cells, baseline);
    chart.addSeries("clean runs: Rote (lowest)", cells, clean);
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the overview chart as PNG", e);
    }
  }

  private static double percentOrZero(Double ratio) {
    return ratio == null ? 0 : ratio * 100;
  }
}
