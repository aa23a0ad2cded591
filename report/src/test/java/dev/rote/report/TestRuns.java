package dev.rote.report;

import java.util.List;

/** Hand-built experiment runs for the tests; curves are tiny and made up, not from training. */
final class TestRuns {

  private TestRuns() {}

  /** A run whose best accuracy is {@code best} at step 700 and whose baseline shares the run's curve. */
  static ExperimentRun run(double noise, long seed, Long stopStep, Double accAtStop, double best,
      Long baselineStopStep, Double baselineAccAtStop) {
    return new ExperimentRun(noise, seed, stopStep, accAtStop, accAtStop == null ? null : best - 0.001,
        stopStep == null ? null : 700L, best, 700, 0.5, 2000, stopStep == null ? null : "nmf_depth_rising",
        baselineStopStep, baselineAccAtStop, best, curve(best), List.of(), accAtStop, null);
  }

  /** {@code base} in a matrix cell, with a noise mode and restore policies measured at its stop. */
  static ExperimentRun inCell(ExperimentRun base, String cell, String noiseMode,
      List<ExperimentRun.RestoreResult> restores) {
    return new ExperimentRun(base.labelNoise(), base.seed(), base.stopStep(), base.testAccAtStop(),
        base.testAccAtRestore(), base.restoreStep(), base.bestTestAcc(), base.bestStep(), base.finalTestAcc(),
        base.finalStep(), base.stopRule(), base.baselineStopStep(), base.baselineTestAccAtStop(),
        base.baselineBestTestAcc(), base.testAccuracy(), base.baselineTestAccuracy(), base.testAccAtStopStep(),
        base.testAccAtRestoreAverage(), cell, "setting of " + cell, noiseMode, restores, 1.5,
        List.of(new ExperimentRun.EpochValue("epoch_prediction_flip_rate", 79, 1, 0.25, 0.0043),
            new ExperimentRun.EpochValue("epoch_fit_progress", 316, 4, 0.031, null)));
  }

  /** Rising to {@code best} at step 700, then falling to 0.5 at step 2000 (points out of order on purpose). */
  static List<Point> curve(double best) {
    return List.of(new Point(700, best), new Point(0, 0.1), new Point(300, best - 0.05), new Point(1200, 0.7),
        new Point(2000, 0.5));
  }
}
