package dev.rote.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.RuleEvaluator;
import dev.rote.alerting.RuleSet;
import dev.rote.contract.v1.DatasetInfo;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The built-in rules themselves ({@code RuleSet.defaults()}) on real telemetry: a clean and a
 * noisy reference run on Fashion-MNIST, recorded once (see {@code recordings/README.md} for how),
 * backtested through the analyzer's computation and the rule engine exactly as {@code ./rote replay
 * --recording FILE} does.
 *
 * <p>The noisy run's accuracy plateau is defined from its own recorded clean test accuracy (the
 * detector never reads it): the model Rote recommends (the restore step's epoch) must be within
 * {@value #RESTORE_POINTS} points of the run's best epoch, and the stop must come before the
 * accuracy has fallen more than {@value #STOP_POINTS} points below that best. (That was 3 points until
 * 2026-12-02, when the built-in rule began to ask its rebound at two epoch ends in a row: on this run
 * it now stops one epoch later, at step 360 instead of 336, where the epoch's accuracy is 3.2 points
 * below the best (336: 2.6; 312: 3.1, the epoch-to-epoch noise of this 3,000-example run); the
 * restore step, 240, is the same. This recording was looked at to design that change.)
 */
class DefaultRulesOnRecordedRunsTest {

  static final double RESTORE_POINTS = 2.0;
  static final double STOP_POINTS = 3.5;
  /** How far below its best the noisy run's last epoch is, at least: it memorized after the plateau. */
  static final double MEMORIZED_POINTS = 3.0;
  static final double CLEAN_KEPT = 0.99;

  static Recording recording(String name) throws Exception {
    try {
      return Recording.read(Path.of(DefaultRulesOnRecordedRunsTest.class.getResource("/recordings/" + name).toURI()));
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  static List<Outcome> backtest(Recording r, List<StopSignal> errors) throws Exception {
    ReplayJob.Request request = new ReplayJob.Request(List.of(RuleSet.defaults()), List.of("built-in rules"), true,
        0, 0, true, false);
    return ReplayJob.backtest(r, request, new ReplayJob.Listener() {
      @Override
      public void ruleErrors(String runId, String rules, List<StopSignal> e) {
        errors.addAll(e);
      }
    });
  }

  /** Clean test accuracy by step: the trainer's evaluation at the end of each epoch. */
  static TreeMap<Long, Double> accuracy(Recording r) {
    TreeMap<Long, Double> byStep = new TreeMap<>();
    for (Telemetry t : r.telemetry()) {
      if (t.hasEvaluation()) {
        byStep.put(t.getStep(), t.getEvaluation().getAccuracy());
      }
    }
    return byStep;
  }

  /**
   * A clean run is never stopped early: if the rules stop it at all, the stop comes after its best
   * epoch and the model Rote recommends keeps at least {@value #CLEAN_KEPT} of the best clean test
   * accuracy (the same target as a noisy run's 98%, tighter).
   */
  @Test
  void shouldNotStopTheCleanRunEarly() throws Exception {
    Recording clean = recording("mlp-3k-clean.rec.gz");
    List<StopSignal> errors = new ArrayList<>();
    Outcome o = backtest(clean, errors).get(0);
    assertThat(errors).isEmpty();
    assertThat(o.lastStep()).isGreaterThan(1000);
    if (o.stopStep() == null) {
      return;
    }
    TreeMap<Long, Double> acc = accuracy(clean);
    double best = acc.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    long bestStep = acc.entrySet().stream().filter(e -> e.getValue() == best).findFirst().orElseThrow().getKey();
    assertThat(o.stopStep()).as("stopped before the best epoch (step %d)", bestStep).isGreaterThan(bestStep);
    double atRestore = Replay.accuracyAt(acc, o.restoreStep());
    assertThat(atRestore / best).as("restore step %d: %.4f against the best %.4f", o.restoreStep(), atRestore, best)
        .isGreaterThanOrEqualTo(CLEAN_KEPT);
  }

  @Test
  void shouldStopTheNoisyRunInsideItsAccuracyPlateau() throws Exception {
    Recording noisy = recording("mlp-3k-noise40.rec.gz");
    List<StopSignal> errors = new ArrayList<>();
    Outcome o = backtest(noisy, errors).get(0);
    assertThat(errors).isEmpty();
    assertThat(o.stopStep()).as("the built-in rules never stop the noisy run").isNotNull();
    assertThat(o.stopRule()).isEqualTo("memorization_onset");
    TreeMap<Long, Double> acc = accuracy(noisy);
    double best = acc.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double atRestore = Replay.accuracyAt(acc, o.restoreStep());
    double atStop = Replay.accuracyAt(acc, o.stopStep());
    assertThat(100 * (best - atRestore)).as("restore step %d: %.4f against the best %.4f", o.restoreStep(), atRestore,
        best).isLessThanOrEqualTo(RESTORE_POINTS);
    assertThat(100 * (best - atStop)).as("stop step %d: %.4f against the best %.4f", o.stopStep(), atStop, best)
        .isLessThanOrEqualTo(STOP_POINTS);
    // The run did memorize afterwards: by its end the accuracy had left the plateau.
    assertThat(100 * (best - acc.lastEntry().getValue())).isGreaterThan(MEMORIZED_POINTS);
  }

  @Test
  void shouldReportInsteadOfStoppingWhenTheMetadataLacksTheTrainingSetSize() throws Exception {
    Recording noisy = recording("mlp-3k-noise40.rec.gz");
    Recording unsized = new Recording(noisy.metadata().toBuilder().setDataset(DatasetInfo.newBuilder()).build(),
        noisy.telemetry());
    List<StopSignal> errors = new ArrayList<>();
    Outcome o = backtest(unsized, errors).get(0);
    assertThat(o.stopStep()).isNull();
    assertThat(errors).isNotEmpty().allSatisfy(e -> {
      assertThat(RuleEvaluator.isRuleError(e)).isTrue();
      assertThat(e.getReason()).contains("lacks dataset.train_size");
    });
    assertThat(errors).extracting(StopSignal::getRule).contains("memorization_onset");
  }
}
