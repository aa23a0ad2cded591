package dev.rote.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rote.contract.DeadLetters;
import dev.rote.contract.IndicatorNames;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.DatasetInfo;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rules in scale-free units on the alerting topology: epochs through the run's metadata on
 * {@code rote.runs}, changes in standard errors and percent, smoothing, the restore window, and
 * the errors a rule reports instead of guessing.
 */
class RuleUnitsTopologyTest {

  static final Instant T0 = AlertingDriver.T0;
  static final String FLIPS = IndicatorNames.EPOCH_PREDICTION_FLIP_RATE;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private AlertingDriver driver;
  private TestInputTopic<String, byte[]> in;
  private TestInputTopic<String, byte[]> runs;
  private TestOutputTopic<String, byte[]> alerts;
  private TestOutputTopic<String, byte[]> control;
  private TestOutputTopic<String, byte[]> dead;
  private AlertingMetrics metrics;

  private void start(String yaml) {
    metrics = new AlertingMetrics();
    metrics.bindTo(registry);
    driver = new AlertingDriver(RuleSet.parse(yaml, "test.yaml"), metrics);
    in = driver.indicators;
    runs = driver.runs;
    alerts = driver.alerts;
    control = driver.control;
    dead = driver.dead;
  }

  @AfterEach
  void close() {
    driver.close();
  }

  /** Metadata of a run with {@code trainSize} examples in batches of {@code batch} (null: none given). */
  private void metadata(String run, long trainSize, String batch) {
    RunMetadata.Builder m = RunMetadata.newBuilder().setRunId(run)
        .setDataset(DatasetInfo.newBuilder().setTrainSize(trainSize));
    if (batch != null) {
      m.putHyperparameters("batch_size", batch);
    }
    runs.pipeInput(run, m.build().toByteArray());
  }

  private void send(String run, String name, long step, double value, Double se) {
    Indicator.Builder i = Indicator.newBuilder().setRunId(run).setName(name).setStep(step).setValue(value)
        .setSourceTimeMs(T0.toEpochMilli());
    if (se != null) {
      i.setStandardError(se).setSampleSize(1000);
    }
    in.pipeInput(new TestRecord<>(run, i.build().toByteArray(), T0.plusMillis(step)));
  }

  private static StopSignal parse(byte[] b) {
    return AlertingDriver.parse(b);
  }

  private List<StopSignal> stops() {
    return control.readValuesToList().stream().map(RuleUnitsTopologyTest::parse).toList();
  }

  private List<StopSignal> alertsOut() {
    return alerts.readValuesToList().stream().map(RuleUnitsTopologyTest::parse).toList();
  }

  @Test
  void shouldCountPatienceInEpochsThroughTheRunsMetadataEvenWhenAPassEndsAStepEarly() {
    start("rules:\n  - name: wave\n    monitor: " + FLIPS + "\n    patience: 2 epochs\n");
    metadata("r", 3000, "128"); // 24 steps per epoch
    // One value per pass; the best at step 48; the pass after next ends at step 95, not 96.
    send("r", FLIPS, 24, 0.30, null);
    send("r", FLIPS, 48, 0.20, null);
    send("r", FLIPS, 72, 0.25, null);
    assertThat(stops()).as("one epoch without improvement").isEmpty();
    send("r", FLIPS, 95, 0.26, null);
    assertThat(stops()).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(95);
      assertThat(s.getRestoreStep()).isEqualTo(48);
      assertThat(s.getValuesMap()).containsEntry("steps_per_epoch", 24.0);
      assertThat(s.getReason()).contains("for 1.96 epochs (47 steps)");
    });
  }

  @Test
  void shouldCountPatienceInStepsOnARollingIndicator() {
    start("rules:\n  - name: s\n    monitor: prediction_flip_rate\n    patience: 30 steps\n");
    for (long step = 10; step <= 40; step += 10) {
      send("r", "prediction_flip_rate", step, step == 10 ? 0.1 : 0.2, null);
    }
    assertThat(stops()).singleElement().extracting(StopSignal::getStep).isEqualTo(40L);
  }

  @Test
  void shouldJudgeImprovementsAndReboundsInStandardErrors() {
    start("rules:\n  - name: se\n    monitor: " + FLIPS + "\n    patience: 1\n    min_delta: 1 se\n"
        + "    rebound: 4 se\n");
    // se 0.01 on every value: the difference's se is sqrt(2) * 0.01 = 0.01414.
    send("r", FLIPS, 1, 0.50, 0.01);
    send("r", FLIPS, 2, 0.49, 0.01); // 0.01 better: within 1 se, no improvement (wait 1)
    send("r", FLIPS, 3, 0.47, 0.01); // 0.03 better: improves, best 0.47
    send("r", FLIPS, 4, 0.52, 0.01); // 0.05 worse: below 4 se (0.0566), no rebound yet
    assertThat(stops()).isEmpty();
    send("r", FLIPS, 5, 0.53, 0.01); // 0.06 worse: a rebound
    assertThat(stops()).singleElement().satisfies(s -> {
      assertThat(s.getRestoreStep()).isEqualTo(3);
      assertThat(s.getReason()).contains("more than 4 se (0.0566) off it").contains("more than 1 se (0.0141)");
    });
  }

  @Test
  void shouldJudgeAReboundInPercentOfTheBest() {
    start("rules:\n  - name: pct\n    monitor: " + FLIPS + "\n    patience: 1\n    rebound: 10%\n");
    send("r", FLIPS, 1, 0.20, null);
    send("r", FLIPS, 2, 0.215, null); // 7.5% above the best
    assertThat(stops()).isEmpty();
    send("r", FLIPS, 3, 0.225, null); // 12.5% above
    assertThat(stops()).singleElement().extracting(StopSignal::getStep).isEqualTo(3L);
  }

  @Test
  void shouldSmoothOverEvaluationsAndRestoreTheMiddleOfTheBestWindow() {
    start("rules:\n  - name: smooth\n    monitor: " + FLIPS + "\n    smoothing: 3\n    patience: 2\n"
        + "    min_delta: 1 se\n");
    double[] values = {0.9, 0.5, 0.4, 0.3, 0.35, 0.45, 0.5, 0.6};
    for (int k = 0; k < values.length; k++) {
      send("r", FLIPS, 10L * (k + 1), values[k], 0.02);
    }
    // Means from step 30: 0.6, 0.4, 0.35, 0.3667, 0.4333, 0.5167; the best window is steps 30..50
    // (mean 0.35, an improvement of 0.05 > 1 se = sqrt(2 * 3 * 0.02^2) / 3 = 0.0163).
    assertThat(stops()).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(70);
      assertThat(s.getRestoreStep()).isEqualTo(40);
      assertThat(s.getValuesMap().get("best")).isCloseTo(0.35, within(1e-12));
      assertThat(s.getValuesMap().get(FLIPS + "/mean")).isCloseTo((0.35 + 0.45 + 0.5) / 3, within(1e-12));
    });
  }

  @Test
  void shouldStartFromAnEpochAndRecommendARestoreWindow() {
    start("rules:\n  - name: w\n    monitor: " + FLIPS + "\n    patience: 1\n    start_from: 2 epochs\n"
        + "    restore_average: 1 epochs\n");
    metadata("r", 1000, "100"); // 10 steps per epoch
    send("r", FLIPS, 10, 0.01, null); // before step 20: ignored, or it would be the best
    send("r", FLIPS, 20, 0.30, null);
    send("r", FLIPS, 30, 0.20, null);
    send("r", FLIPS, 40, 0.25, null);
    assertThat(stops()).singleElement().satisfies(s -> {
      assertThat(s.getRestoreStep()).isEqualTo(30);
      assertThat(s.getRestoreFromStep()).isEqualTo(20);
      assertThat(s.getRestoreToStep()).isEqualTo(40);
    });
  }

  @Test
  void shouldReportAnEpochRuleOnARunWithoutTrainingSetSizeOnceAndNeverFire() {
    start("rules:\n  - name: wave\n    monitor: " + FLIPS + "\n    patience: 2 epochs\n");
    runs.pipeInput("r", RunMetadata.newBuilder().setRunId("r").putHyperparameters("batch_size", "128").build()
        .toByteArray());
    for (long step = 10; step <= 100; step += 10) {
      send("r", FLIPS, step, 0.5, null); // would fire at once in any unit
    }
    assertThat(stops()).isEmpty();
    assertThat(alertsOut()).singleElement().satisfies(s -> {
      assertThat(s.getAction()).isEqualTo(SignalAction.SIGNAL_ACTION_WARN);
      assertThat(s.getSignalId()).isEqualTo("r/wave/error");
      assertThat(RuleEvaluator.isRuleError(s)).isTrue();
      assertThat(s.getStep()).isEqualTo(10);
      assertThat(s.getReason()).contains("rule wave counts in epochs (patience: 2 epochs)")
          .contains("lacks dataset.train_size");
    });
    assertThat(registry.get(AlertingMetrics.RULE_ERRORS).tag("rule", "wave").tag("reason", "missing_train_size")
        .counter().count()).isEqualTo(1.0);
    assertThat(registry.get(AlertingMetrics.ALERTS).tag("rule", "wave").counter().count()).isZero();
  }

  @Test
  void shouldReportAMissingBatchSizeOrMissingMetadataAlike() {
    start("rules:\n  - name: wave\n    monitor: " + FLIPS + "\n    patience: 1 epochs\n");
    metadata("a", 3000, null);
    send("a", FLIPS, 10, 0.5, null);
    send("b", FLIPS, 10, 0.5, null);
    assertThat(alertsOut()).extracting(StopSignal::getReason)
        .satisfiesExactly(r -> assertThat(r).contains("lacks hyperparameters[\"batch_size\"]"),
            r -> assertThat(r).contains("lacks run metadata"));
  }

  @Test
  void shouldReportAStandardErrorRuleOnValuesWithoutOne() {
    start("rules:\n  - name: se\n    monitor: train_loss\n    patience: 1\n    rebound: 2 se\n");
    send("r", "train_loss", 10, 0.5, null);
    send("r", "train_loss", 20, 0.9, null);
    assertThat(stops()).isEmpty();
    assertThat(alertsOut()).singleElement().satisfies(s -> assertThat(s.getReason())
        .contains("judges changes in standard errors").contains("train_loss at step 10 carries no standard_error"));
    assertThat(registry.get(AlertingMetrics.RULE_ERRORS).tag("reason", "missing_standard_error").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void shouldSeeThePassFitProgressThatIsEmittedBeforeItsFlipRate() {
    start("rules:\n  - name: wave\n    monitor: " + FLIPS + "\n    patience: 1\n"
        + "    when:\n      - indicator: epoch_fit_progress\n        below: 0.02\n");
    send("r", FLIPS, 10, 0.30, null);
    send("r", IndicatorNames.EPOCH_FIT_PROGRESS, 20, 0.10, null);
    send("r", FLIPS, 20, 0.35, null); // patience met, but still learning: waits
    assertThat(stops()).isEmpty();
    send("r", IndicatorNames.EPOCH_FIT_PROGRESS, 30, 0.01, null);
    send("r", FLIPS, 30, 0.36, null); // the same pass's fit progress is on a plateau: fires now
    assertThat(stops()).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(30);
      assertThat(s.getValuesMap()).containsEntry(IndicatorNames.EPOCH_FIT_PROGRESS, 0.01);
    });
  }

  @Test
  void shouldDeadLetterPoisonPillsOnTheRunsTopicAndUseTheValidMetadata() {
    start("rules:\n  - name: wave\n    monitor: " + FLIPS + "\n    patience: 1 epochs\n");
    runs.pipeInput("r", new byte[] {(byte) 0xff, 0x01});
    runs.pipeInput(new TestRecord<>("r", (byte[]) null));
    metadata("r", 100, "10");
    send("r", FLIPS, 10, 0.3, null);
    send("r", FLIPS, 20, 0.4, null);
    assertThat(dead.readRecordsToList()).singleElement().satisfies(d -> {
      assertThat(DeadLetters.header(d.headers(), DeadLetters.REASON)).isEqualTo("deserialization");
      assertThat(DeadLetters.header(d.headers(), DeadLetters.SOURCE)).isEqualTo("alerting");
      assertThat(DeadLetters.header(d.headers(), DeadLetters.TOPIC)).isEqualTo(Topics.RUNS.name());
    });
    assertThat(metrics.deadLetteredCount()).isEqualTo(1);
    assertThat(stops()).singleElement().extracting(StopSignal::getStep).isEqualTo(20L);
  }
}
