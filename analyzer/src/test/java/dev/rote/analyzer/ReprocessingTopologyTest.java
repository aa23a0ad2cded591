package dev.rote.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * A record that Kafka Streams processes again after an aborted transaction (its state rolled back,
 * the same offsets read again) is counted once: here the abort is a test driver closed before a
 * commit, and a new driver, on the same meters, reads the same records at the same offsets.
 */
class ReprocessingTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  private static final AnalyzerConfig CONFIG = AnalyzerConfig.defaults().withEvictAfter(Duration.ZERO);

  /** One input record: its topic ({@code true} for rote.telemetry, else rote.runs), key and value. */
  private record Input(boolean telemetry, String key, byte[] value) {}

  @Test
  void shouldCountEveryRecordOnceWhenTheRecordsSinceTheLastCommitAreProcessedAgain() {
    List<Input> inputs = inputs();
    int aborted = inputs.size() - 3;

    SimpleMeterRegistry twin = new SimpleMeterRegistry();
    feed(meters(twin), inputs);

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AnalyzerMetrics metrics = meters(registry);
    feed(metrics, inputs.subList(0, aborted)); // aborted: nothing committed
    feed(metrics, inputs); // the same records again, at the same offsets, and the rest

    assertThat(counts(twin)).containsKeys(AnalyzerMetrics.PROCESSED + "[tag(type=batch)]",
            AnalyzerMetrics.RUNS_EVICTED + "[]")
        .anySatisfy((k, v) -> assertThat(k).contains("example_id_outside_training_set").contains("suspects"))
        .anySatisfy((k, v) -> assertThat(k).contains("validate-runs"));
    assertThat(counts(twin).get(AnalyzerMetrics.RUNS_EVICTED + "[]")).isEqualTo(1.0);
    assertThat(counts(registry)).as("every counter as if each record had been processed once")
        .isEqualTo(counts(twin));
    assertThat(registry.get(AnalyzerMetrics.REPROCESSED).functionCounter().count()).isPositive();
    assertThat(twin.get(AnalyzerMetrics.REPROCESSED).functionCounter().count()).isZero();
  }

  /**
   * A run of 40 examples: its metadata, its telemetry, a batch with an example id outside the
   * training set (the suspect ranking dead-letters it), garbage and a null on both topics, then the
   * run's end (evicted at once, a grace of 0).
   */
  private static List<Input> inputs() {
    SyntheticRun run = new SyntheticRun("r1", 40, 8, 2, 99, 1);
    List<Input> in = new ArrayList<>();
    in.add(new Input(false, "r1", run.metadata(RunStatus.RUN_STATUS_RUNNING).toByteArray()));
    List<Telemetry> ts = run.telemetry();
    for (int i = 0; i < ts.size(); i++) {
      in.add(new Input(true, "r1", ts.get(i).toByteArray()));
      if (i == 3) {
        Telemetry outside = Telemetry.newBuilder().setRunId("r1").setStep(ts.get(i).getStep()).setEpoch(0)
            .setBatch(BatchSummary.newBuilder().setLoss(1).setExamples(ExampleColumns.newBuilder().addExampleId(40)
                .addLabel(1).addPredicted(1).addLoss(0.1f))).build();
        in.add(new Input(true, "r1", outside.toByteArray()));
        in.add(new Input(true, "r1", new byte[] {0x0a, 0x7f}));
        in.add(new Input(true, "r1", null));
        in.add(new Input(false, "r1", new byte[] {0x0a, 0x7f}));
      }
    }
    in.add(new Input(false, "r1", run.metadata(RunStatus.RUN_STATUS_COMPLETED).toByteArray()));
    return in;
  }

  private static AnalyzerMetrics meters(SimpleMeterRegistry registry) {
    AnalyzerMetrics metrics = new AnalyzerMetrics();
    metrics.bindTo(registry);
    return metrics;
  }

  /** The inputs through a fresh analyzer topology on {@code metrics}, from offset 0 of each topic. */
  private static void feed(AnalyzerMetrics metrics, List<Input> inputs) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(AnalyzerTopology.build(CONFIG, metrics), p, T0)) {
      TestInputTopic<String, byte[]> telemetry = driver.createInputTopic(Topics.TELEMETRY.name(),
          new StringSerializer(), new ByteArraySerializer());
      TestInputTopic<String, byte[]> runs = driver.createInputTopic(Topics.RUNS.name(), new StringSerializer(),
          new ByteArraySerializer());
      long time = 0;
      for (Input i : inputs) {
        (i.telemetry() ? telemetry : runs).pipeInput(new TestRecord<>(i.key(), i.value(), T0.plusMillis(++time)));
      }
    }
  }

  /** Every counter's value, and every timer's count, by name and tags. */
  private static Map<String, Double> counts(SimpleMeterRegistry registry) {
    Map<String, Double> out = new TreeMap<>();
    for (Meter m : registry.getMeters()) {
      if (m instanceof Counter c) {
        out.put(m.getId().getName() + m.getId().getTags(), c.count());
      } else if (m instanceof Timer t) {
        out.put(m.getId().getName() + m.getId().getTags() + ".count", (double) t.count());
      }
    }
    return out;
  }
}
