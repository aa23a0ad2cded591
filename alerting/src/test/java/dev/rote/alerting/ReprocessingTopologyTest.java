package dev.rote.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * A record that Kafka Streams processes again after an aborted transaction (its state rolled back,
 * the same offsets read again) is counted once: here the abort is a test driver closed before a
 * commit, and the new driver, on the same meters, reads the same records at the same offsets.
 */
class ReprocessingTopologyTest {

  private static final RuleSet RULES = RuleSet.parse("""
      rules:
        - name: flips
          monitor: prediction_flip_rate
          patience: 2
        - name: epochs
          monitor: train_loss
          patience: 2 epochs
      """, "test");

  @Test
  void shouldCountEveryRecordOnceWhenTheRecordsSinceTheLastCommitAreProcessedAgain() {
    SimpleMeterRegistry twin = new SimpleMeterRegistry();
    AlertingMetrics once = new AlertingMetrics();
    once.bindTo(twin);
    try (AlertingDriver d = new AlertingDriver(RULES, once, Duration.ZERO)) {
      feed(d, 0, 8);
      feed(d, 8, 12);
    }

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AlertingMetrics metrics = new AlertingMetrics();
    metrics.bindTo(registry);
    try (AlertingDriver d = new AlertingDriver(RULES, metrics, Duration.ZERO)) {
      feed(d, 0, 8);
    } // aborted: nothing committed
    try (AlertingDriver d = new AlertingDriver(RULES, metrics, Duration.ZERO)) {
      feed(d, 0, 8); // the same records again, at the same offsets
      assertThat(d.dead.readRecordsToList().size()).as("dead-lettered again, in the new transaction").isEqualTo(8);
      feed(d, 8, 12);
    }

    assertThat(counts(twin)).containsEntry(AlertingMetrics.STOP_SIGNALS + "{rule=flips,run=run-a}", 1.0)
        .containsEntry(AlertingMetrics.RUNS_EVICTED + "{}", 1.0);
    assertThat(counts(registry)).as("every counter as if each record had been processed once")
        .isEqualTo(counts(twin));
    // Processed again: 16 indicators and 4 bad ones (evaluate-rules), 4 bad rote.runs records
    // (validate-runs) and run-b's end (evict-finished-runs).
    assertThat(registry.get(AlertingMetrics.REPROCESSED).functionCounter().count()).isEqualTo(16 + 4 + 4 + 1);
    assertThat(twin.get(AlertingMetrics.REPROCESSED).functionCounter().count()).isZero();
  }

  /**
   * Steps {@code from} to {@code to} (exclusive) of a fixed sequence: indicators of run-a, whose flip
   * rate fires its rule, and of run-b, bad indicators and bad run metadata, then run-b's end, which
   * evicts it at once (a grace of 0), and more of run-a.
   */
  private static void feed(AlertingDriver d, int from, int to) {
    double[] flips = {0.30, 0.20, 0.15, 0.16, 0.18, 0.25, 0.3, 0.4};
    for (int n = from; n < to; n++) {
      if (n < flips.length) {
        indicator(d, "run-a", "prediction_flip_rate", 10L * (n + 1), flips[n]);
        indicator(d, "run-b", "train_loss", 10L * (n + 1), 1.0 - n * 0.1);
        if (n % 2 == 0) {
          d.indicators.pipeInput(new TestRecord<>("run-a", new byte[] {0x0a, 0x7f}, AlertingDriver.T0));
          d.runs.pipeInput(new TestRecord<>("run-a", new byte[] {0x0a, 0x7f}, AlertingDriver.T0));
        }
        if (n == flips.length - 1) {
          RunMetadata end = RunMetadata.newBuilder().setRunId("run-b").setStatus(RunStatus.RUN_STATUS_COMPLETED)
              .build();
          d.runs.pipeInput(new TestRecord<>("run-b", end.toByteArray(), AlertingDriver.T0));
        }
      } else {
        indicator(d, "run-a", "prediction_flip_rate", 10L * (n + 1), 0.5);
      }
    }
  }

  private static void indicator(AlertingDriver d, String run, String name, long step, double value) {
    Indicator i = Indicator.newBuilder().setRunId(run).setName(name).setStep(step).setValue(value)
        .setSourceTimeMs(AlertingDriver.T0.toEpochMilli()).build();
    d.indicators.pipeInput(new TestRecord<>(run, i.toByteArray(), AlertingDriver.T0.plusMillis(step)));
  }

  /** Every counter's value by name and tags. */
  private static Map<String, Double> counts(SimpleMeterRegistry registry) {
    Map<String, Double> out = new TreeMap<>();
    for (Counter c : registry.getMeters().stream().filter(Counter.class::isInstance).map(Counter.class::cast)
        .toList()) {
      out.put(c.getId().getName() + c.getId().getTags().toString().replace("tag(", "").replace(")", "")
          .replace("[", "{").replace("]", "}").replace(" ", ""), c.count());
    }
    return out;
  }
}
