package dev.rote.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.DeadLetters;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AlertingTopologyTest {

  static final Instant T0 = AlertingDriver.T0;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AlertingMetrics metrics = new AlertingMetrics();
  private final RuleSet rules = RuleSet.parse("""
      rules:
        - name: flips
          monitor: prediction_flip_rate
          patience: 2
        - name: gap
          monitor: generalization_gap
          mode: min
          divergence_threshold: 0.3
          action: warn
      """, "test");
  private final AlertingDriver driver;
  private final TestInputTopic<String, byte[]> in;
  private final TestOutputTopic<String, byte[]> alerts;
  private final TestOutputTopic<String, byte[]> control;
  private final TestOutputTopic<String, byte[]> dead;

  AlertingTopologyTest() {
    metrics.bindTo(registry);
    driver = new AlertingDriver(rules, metrics);
    in = driver.indicators;
    alerts = driver.alerts;
    control = driver.control;
    dead = driver.dead;
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private void send(String run, String name, long step, double value) {
    Indicator i = Indicator.newBuilder().setRunId(run).setName(name).setStep(step).setValue(value)
        .setSourceTimeMs(T0.toEpochMilli()).build();
    in.pipeInput(new TestRecord<>(run, i.toByteArray(), T0.plusMillis(step)));
  }

  private static StopSignal parse(byte[] b) {
    return AlertingDriver.parse(b);
  }

  @Test
  void shouldEmitStopSignalWhenFlipRateRisesForPatienceEvaluations() {
    double[] flips = {0.30, 0.20, 0.15, 0.16, 0.18, 0.25};
    for (int i = 0; i < flips.length; i++) {
      send("run-a", "prediction_flip_rate", 10L * (i + 1), flips[i]);
    }
    var out = control.readRecordsToList();
    assertThat(out).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("run-a");
      StopSignal s = parse(r.value());
      assertThat(s.getStep()).isEqualTo(50);
      assertThat(s.getRestoreStep()).isEqualTo(30);
      assertThat(s.getRule()).isEqualTo("flips");
      assertThat(s.getSignalId()).isEqualTo("run-a/flips");
    });
    assertThat(alerts.readValuesToList()).map(AlertingTopologyTest::parse).extracting(StopSignal::getRule)
        .containsExactly("flips");
    assertThat(registry.get(AlertingMetrics.STOP_SIGNALS).tag("rule", "flips").tag("run", "run-a").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get(AlertingMetrics.EVALUATIONS).tag("rule", "flips").counter().count())
        .as("no evaluations after the rule fired").isEqualTo(5.0);
  }

  @Test
  void shouldKeepRunsApartAndFireOncePerRun() {
    for (long step = 10; step <= 100; step += 10) {
      send("run-a", "prediction_flip_rate", step, 0.5); // never improves: fires at step 30
      send("run-b", "prediction_flip_rate", step, 1.0 / step); // always improves: never fires
    }
    // the whole of run-a again, as after a re-delivery: nothing new
    for (long step = 10; step <= 100; step += 10) {
      send("run-a", "prediction_flip_rate", step, 0.5);
    }
    assertThat(control.readValuesToList()).map(AlertingTopologyTest::parse)
        .extracting(StopSignal::getRunId, StopSignal::getStep)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("run-a", 30L));
  }

  @Test
  void shouldSendWarnRulesToAlertsOnly() {
    send("run-a", "generalization_gap", 10, 0.1);
    send("run-a", "generalization_gap", 20, 0.35);
    assertThat(control.isEmpty()).isTrue();
    assertThat(alerts.readValuesToList()).map(AlertingTopologyTest::parse).singleElement().satisfies(s -> {
      assertThat(s.getAction()).isEqualTo(SignalAction.SIGNAL_ACTION_WARN);
      assertThat(s.getReason()).contains("diverged beyond 0.3");
    });
    assertThat(registry.get(AlertingMetrics.ALERTS).tag("action", "warn").counter().count()).isEqualTo(1.0);
  }

  @Test
  void shouldDeadLetterPoisonPillsAndGoOn() {
    in.pipeInput(new TestRecord<>("run-a", new byte[] {(byte) 0xff, 0x01, 0x02}, T0));
    in.pipeInput(new TestRecord<>("run-a", (byte[]) null, T0));
    Indicator wrongKey = Indicator.newBuilder().setRunId("run-b").setName("x").setStep(1).build();
    in.pipeInput(new TestRecord<>("run-a", wrongKey.toByteArray(), T0));
    send("run-a", "prediction_flip_rate", 10, 0.5);
    send("run-a", "prediction_flip_rate", 20, 0.5);
    send("run-a", "prediction_flip_rate", 30, 0.5);
    var letters = dead.readRecordsToList();
    assertThat(letters).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
        .containsExactly("deserialization", "null_record", "run_id_mismatch");
    assertThat(letters).allSatisfy(r -> {
      assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE)).isEqualTo("alerting");
      assertThat(DeadLetters.header(r.headers(), DeadLetters.TOPIC)).isEqualTo("rote.indicators");
    });
    assertThat(letters.get(0).value()).isEqualTo(new byte[] {(byte) 0xff, 0x01, 0x02});
    assertThat(new String(letters.get(2).headers().lastHeader("rote.error.message").value(), StandardCharsets.UTF_8))
        .contains("run-b");
    assertThat(metrics.deadLetteredCount()).isEqualTo(3);
    assertThat(control.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldLeaveReplaysToTheReplayItself() {
    for (long step = 10; step <= 50; step += 10) {
      send("run-a@replay-1", "prediction_flip_rate", step, 0.5);
    }
    assertThat(alerts.isEmpty()).isTrue();
    assertThat(control.isEmpty()).isTrue();
  }

  @Test
  void shouldIgnoreIndicatorsNoRuleMonitors() {
    send("run-a", "loss_sensitivity_gini", 10, 0.5);
    send("run-a", "loss_sensitivity_gini", 20, 0.4);
    assertThat(alerts.isEmpty()).isTrue();
    assertThat(dead.isEmpty()).isTrue();
    assertThat(List.of(registry.get(AlertingMetrics.PROCESSED).counter().count())).containsExactly(2.0);
  }
}
