package dev.rote.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.service.RunEviction;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bounded state in the alerting topology: finished runs leave {@code alert-state} and their series go. */
class EvictionTopologyTest {

  static final Instant T0 = AlertingDriver.T0;
  static final Duration GRACE = Duration.ofMinutes(10);

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final AlertingMetrics metrics = new AlertingMetrics();
  final RuleSet rules = RuleSet.parse("""
      rules:
        - name: flips
          monitor: prediction_flip_rate
          patience: 2
      """, "eviction");
  AlertingDriver driver;
  KeyValueStore<String, Object> state;

  void start(Duration grace) {
    metrics.bindTo(registry);
    driver = new AlertingDriver(rules, metrics, grace);
    state = driver.driver.getKeyValueStore("alert-state");
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  void send(String run, long step, double value) {
    Indicator i = Indicator.newBuilder().setRunId(run).setName("prediction_flip_rate").setStep(step).setValue(value)
        .setSourceTimeMs(T0.toEpochMilli()).build();
    driver.indicators.pipeInput(new TestRecord<>(run, i.toByteArray(), T0.plusMillis(step)));
  }

  /** Flip rates that fall, then rise for the rule's patience: the stop rule fires at step 50. */
  void train(String run) {
    double[] flips = {0.30, 0.20, 0.15, 0.16, 0.18, 0.25};
    for (int i = 0; i < flips.length; i++) {
      send(run, 10L * (i + 1), flips[i]);
    }
  }

  void status(String run, RunStatus status) {
    driver.runs.pipeInput(run, RunMetadata.newBuilder().setRunId(run).setStatus(status).build().toByteArray());
  }

  List<Meter> series(String run) {
    return registry.getMeters().stream().filter(m -> run.equals(m.getId().getTag("run"))).toList();
  }

  @Test
  void shouldEvictAFinishedRunsRuleStateAndSeriesAfterTheGracePeriod() {
    start(GRACE);
    for (String run : List.of("done", "busy")) {
      status(run, RunStatus.RUN_STATUS_RUNNING);
      train(run);
    }
    assertThat(driver.control.readRecordsToList()).hasSize(2);
    status("done", RunStatus.RUN_STATUS_STOPPED);
    assertThat(series("done")).extracting(m -> m.getId().getName())
        .contains(AlertingMetrics.ALERTS, AlertingMetrics.STOP_SIGNALS);

    driver.driver.advanceWallClockTime(GRACE.minusSeconds(1));
    assertThat(state.get("done")).isNotNull();

    driver.driver.advanceWallClockTime(Duration.ofSeconds(31));
    assertThat(state.get("done")).isNull();
    assertThat(series("done")).isEmpty();
    assertThat(registry.get(AlertingMetrics.RUNS_EVICTED).counter().count()).isEqualTo(1);
    assertThat(state.get("busy")).as("the running run keeps its state").isNotNull();
    assertThat(registry.get(AlertingMetrics.STOP_SIGNALS).tag("run", "busy").counter().count()).isEqualTo(1);
    assertThat(driver.dead.isEmpty()).isTrue();
  }

  @Test
  void shouldEvictAtOnceOnATombstone() {
    start(GRACE);
    train("gone");
    assertThat(state.get("gone")).isNotNull();

    driver.runs.pipeInput(new TestRecord<>("gone", (byte[]) null));

    assertThat(state.get("gone")).isNull();
    assertThat(series("gone")).isEmpty();
  }

  @Test
  void shouldStartAFreshStateForAnIndicatorThatArrivesAfterItsRunWasEvictedAndEvictItAgain() {
    start(Duration.ZERO);
    train("late");
    status("late", RunStatus.RUN_STATUS_COMPLETED);
    assertThat(state.get("late")).isNull();
    assertThat(series("late")).isEmpty();

    send("late", 70, 0.3);

    assertThat(driver.dead.isEmpty()).as("a late record is no bad record").isTrue();
    assertThat(state.get("late")).as("a fresh state").isNotNull();
    assertThat(series("late")).as("the run's series, at 0 again").isNotEmpty()
        .allSatisfy(m -> assertThat(m.measure().iterator().next().getValue()).isZero());
    assertThat(driver.driver.getKeyValueStore(RunEviction.STORE).get("late")).isNotNull();

    driver.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(state.get("late")).isNull();
    assertThat(series("late")).isEmpty();
  }
}
