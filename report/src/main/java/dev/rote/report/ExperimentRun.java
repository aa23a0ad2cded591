package dev.rote.report;

import java.util.List;

/**
 * One training run of the stopping experiment, with Rote's stop and a baseline stopping rule's stop
 * on the same setting. Stored by {@link ExperimentJson} under snake_case names ({@code label_noise},
 * {@code stop_step}, ..., {@code baseline_test_accuracy}); absent values are written as JSON null.
 * Accuracies are clean test accuracies in [0, 1].
 *
 * @param labelNoise fraction of training labels replaced by wrong ones, in [0, 1]
 * @param seed the run's random seed
 * @param stopStep the trainer step at which Rote's stop signal arrived (where an obeying trainer
 *     stops), or {@code null} when Rote never signalled
 * @param testAccAtStop test accuracy of the model Rote leaves at its stop: the checkpoint restored after
 *     the stop when the signal recommends one (the trainer's default), else the model at {@code
 *     stopStep}; or {@code null}
 * @param testAccAtRestore test accuracy of the checkpoint restored after the stop, or {@code null}
 * @param restoreStep the step of that checkpoint, or {@code null}
 * @param bestTestAcc the best test accuracy over the whole run
 * @param bestStep the step of {@code bestTestAcc}
 * @param finalTestAcc test accuracy when training ended
 * @param finalStep the last step
 * @param stopRule the name of the rule that stopped the run, or {@code null}
 * @param baselineStopStep the step the baseline rule would have stopped at, or {@code null}
 * @param baselineTestAccAtStop test accuracy at {@code baselineStopStep}, or {@code null}
 * @param baselineBestTestAcc the best test accuracy of the baseline run, or {@code null}
 * @param testAccuracy test accuracy by step (sorted by step on construction)
 * @param baselineTestAccuracy the baseline run's test accuracy by step; empty when it is the same run
 * @param testAccAtStopStep test accuracy of the model at {@code stopStep} itself, not restored, or
 *     {@code null}
 * @param testAccAtRestoreAverage test accuracy of the average of the checkpoints around the restore
 *     step (measured, not what the trainer restores), or {@code null}
 * @param cell the matrix cell the run belongs to, or {@code null} (results of a single setting)
 * @param cellSettings the cell's setting in one line (model, data, optimizer, ...), or {@code null}
 * @param noiseMode {@code none}, {@code symmetric} or {@code asymmetric}; {@code null} (older results)
 *     reads as symmetric
 * @param restores each restore policy measured at the stop (see {@link RestoreResult}); empty without a
 *     stop
 * @param minutes wall-clock minutes of the run and its baseline, or {@code null}
 * @param epochIndicators the epoch-level indicators the analyzer committed for the run (the series the
 *     built-in rule reads, with their standard errors), by step; empty in results recorded without them
 */
public record ExperimentRun(
    double labelNoise,
    long seed,
    Long stopStep,
    Double testAccAtStop,
    Double testAccAtRestore,
    Long restoreStep,
    double bestTestAcc,
    long bestStep,
    double finalTestAcc,
    long finalStep,
    String stopRule,
    Long baselineStopStep,
    Double baselineTestAccAtStop,
    Double baselineBestTestAcc,
    List<Point> testAccuracy,
    List<Point> baselineTestAccuracy,
    Double testAccAtStopStep,
    Double testAccAtRestoreAverage,
    String cell,
    String cellSettings,
    String noiseMode,
    List<RestoreResult> restores,
    Double minutes,
    List<EpochValue> epochIndicators) {

  /** A run of a single setting, without cell, noise mode, restore policies or time. */
  public ExperimentRun(double labelNoise, long seed, Long stopStep, Double testAccAtStop, Double testAccAtRestore,
      Long restoreStep, double bestTestAcc, long bestStep, double finalTestAcc, long finalStep, String stopRule,
      Long baselineStopStep, Double baselineTestAccAtStop, Double baselineBestTestAcc, List<Point> testAccuracy,
      List<Point> baselineTestAccuracy, Double testAccAtStopStep, Double testAccAtRestoreAverage) {
    this(labelNoise, seed, stopStep, testAccAtStop, testAccAtRestore, restoreStep, bestTestAcc, bestStep,
        finalTestAcc, finalStep, stopRule, baselineStopStep, baselineTestAccAtStop, baselineBestTestAcc, testAccuracy,
        baselineTestAccuracy, testAccAtStopStep, testAccAtRestoreAverage, null, null, null, List.of(), null, List.of());
  }

  /**
   * One epoch-level indicator value of the run, as the analyzer committed it.
   *
   * @param name e.g. {@code epoch_prediction_flip_rate}, {@code epoch_fit_progress}
   * @param step the step of the pass's last presentation
   * @param epoch the pass's index as the analyzer numbered it
   * @param standardError the value's standard error, or {@code null} when the analyzer sent none
   */
  public record EpochValue(String name, long step, int epoch, double value, Double standardError) {
    public EpochValue {
      java.util.Objects.requireNonNull(name, "name");
    }
  }

  /**
   * One restore policy measured at Rote's stop: the clean test accuracy of the model it restores from the
   * checkpoints held at the signal.
   *
   * @param policy e.g. {@code closest}, {@code average_steps_80}, {@code average_epochs_3}
   * @param testAcc its clean test accuracy
   * @param steps the steps of the checkpoints it used
   */
  public record RestoreResult(String policy, double testAcc, List<Long> steps) {
    public RestoreResult {
      java.util.Objects.requireNonNull(policy, "policy");
      accuracy("restores.testAcc", testAcc);
      steps = steps == null ? List.of() : List.copyOf(steps);
    }
  }

  public ExperimentRun {
    if (!(labelNoise >= 0 && labelNoise <= 1)) {
      throw new IllegalArgumentException("labelNoise must be in [0, 1], was " + labelNoise);
    }
    step("stopStep", stopStep);
    accuracy("testAccAtStop", testAccAtStop);
    accuracy("testAccAtRestore", testAccAtRestore);
    accuracy("testAccAtStopStep", testAccAtStopStep);
    accuracy("testAccAtRestoreAverage", testAccAtRestoreAverage);
    step("restoreStep", restoreStep);
    accuracy("bestTestAcc", bestTestAcc);
    step("bestStep", bestStep);
    accuracy("finalTestAcc", finalTestAcc);
    step("finalStep", finalStep);
    step("baselineStopStep", baselineStopStep);
    accuracy("baselineTestAccAtStop", baselineTestAccAtStop);
    accuracy("baselineBestTestAcc", baselineBestTestAcc);
    testAccuracy = RunTimeline.sortedByStep(testAccuracy, "testAccuracy");
    baselineTestAccuracy = RunTimeline.sortedByStep(baselineTestAccuracy, "baselineTestAccuracy");
    if (noiseMode != null && !List.of("none", "symmetric", "asymmetric").contains(noiseMode)) {
      throw new IllegalArgumentException("noiseMode must be none, symmetric or asymmetric, was " + noiseMode);
    }
    restores = restores == null ? List.of() : List.copyOf(restores);
    epochIndicators = epochIndicators == null ? List.of() : List.copyOf(epochIndicators);
  }

  /** The cell, {@code default} for results of a single setting. */
  public String cellName() {
    return cell == null ? "default" : cell;
  }

  /** The noise condition: {@code clean}, {@code symmetric 40%}, {@code asymmetric 40%}. */
  public String noiseLabel() {
    if (labelNoise == 0) {
      return "clean";
    }
    return (noiseMode == null ? "symmetric" : noiseMode) + " " + dev.rote.report.internal.Format.percent(labelNoise);
  }

  /** The noise condition as a key: {@code clean}, {@code sym40}, {@code asym40} (as in plot file names). */
  public String noiseKey() {
    if (labelNoise == 0) {
      return "clean";
    }
    return ("asymmetric".equals(noiseMode) ? "asym" : "sym") + dev.rote.report.internal.Format.percentNumber(labelNoise);
  }

  /** The accuracy of the restore policy named {@code policy}, or {@code null} when it was not measured. */
  public Double restoreAcc(String policy) {
    return restores.stream().filter(r -> r.policy().equals(policy)).map(RestoreResult::testAcc).findFirst()
        .orElse(null);
  }

  private static void step(String name, Long value) {
    if (value != null && value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + value);
    }
  }

  static void accuracy(String name, Double value) {
    if (value != null && !(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], was " + value);
    }
  }
}
