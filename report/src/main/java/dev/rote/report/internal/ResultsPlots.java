package dev.rote.report.internal;

import dev.rote.report.ExperimentRun;
import dev.rote.report.Point;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results page's plot for one label-noise level: clean test accuracy by step, one line per seed. */
public final class ResultsPlots {

  public static final int WIDTH = 900;
  public static final int HEIGHT = 450;

  private ResultsPlots() {}

  /** The file name of the plot for {@code labelNoise}, e.g. {@code test-accuracy-noise-40.png}. */
  public static String fileName(double labelNoise) {
    return "test-accuracy-noise-" + Format.percentNumber(labelNoise) + ".png";
  }

  /**
   * Each seed's test accuracy (and its baseline run's, when that is a different curve), Rote's stop as
   * a dashed line and the baseline's stop as a dotted line, both in the seed's colour.
   */
  public static byte[] png(double labelNoise, List<ExperimentRun> runs) {
    Map<String, List<Point>> series = new LinkedHashMap<>();
    List<Charts.VLine> lines = new ArrayList<>();
    for (ExperimentRun run : runs) {
      String seed = "seed " + run.seed();
      series.put(seed, run.testAccuracy());
      if (!run.baselineTestAccuracy().isEmpty() && !run.baselineTestAccuracy().equals(run.testAccuracy())) {
        series.put(seed + " baseline", run.baselineTestAccuracy());
      }
      if (run.stopStep() != null) {
        lines.add(new Charts.VLine(run.stopStep(),
            seed + ": Rote stop (step " + run.stopStep() + ")", false, seed));
      }
      if (run.baselineStopStep() != null) {
        lines.add(new Charts.VLine(run.baselineStopStep(),
            seed + ": baseline stop (step " + run.baselineStopStep() + ")", true, seed));
      }
    }
    String title = "Clean test accuracy, label noise " + Format.percent(labelNoise);
    return Charts.png(WIDTH, HEIGHT, title, "test accuracy", series, lines);
  }
}
