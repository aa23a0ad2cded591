package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.AlertingMetrics;
import dev.rote.alerting.AlertingService;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.analyzer.AnalyzerService;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.Telemetry;
import dev.rote.service.KafkaOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded state on the real embedded broker, topics of 3 partitions: the analyzer and the alerting
 * service forget a finished run (state, changelog, metric series) a grace period after its end and
 * keep a running one.
 */
@Tag("integration")
class EvictionIntegrationTest {

  static final Duration GRACE = Duration.ofSeconds(2);

  static Telemetry batch(String run, long step) {
    ExampleColumns.Builder e = ExampleColumns.newBuilder();
    for (int i = 0; i < 8; i++) {
      long id = (step * 8 + i) % 32;
      e.addExampleId(id).addLabel((int) (id % 4)).addPredicted((int) ((id + step) % 4)).addLoss(0.5f);
    }
    return Telemetry.newBuilder().setRunId(run).setStep(step).setEpoch((int) (step / 4))
        .setTimeMs(System.currentTimeMillis()).setBatch(BatchSummary.newBuilder().setLoss(1).setAccuracy(0.5)
            .setBatchSize(8).setExamples(e)).build();
  }

  static boolean hasSeries(MeterRegistry registry, String name, String run) {
    return !registry.find(name).tag("run", run).meters().isEmpty();
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void shouldForgetAFinishedRunInBothServicesAndKeepARunningOne(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = KafkaOptions.connect(broker.bootstrapServers(), null, 3, "1d");
      SimpleMeterRegistry analyzerMeters = new SimpleMeterRegistry();
      SimpleMeterRegistry alertingMeters = new SimpleMeterRegistry();
      AnalyzerConfig config = AnalyzerConfig.defaults().withApplicationId("evict-it").withWindow(4, 2)
          .withEvictAfter(GRACE);
      try (AnalyzerService analyzer = new AnalyzerService(kafka, config, analyzerMeters, dir.resolve("an"), 1);
          AlertingService alerting = new AlertingService(kafka, RuleSet.defaults(), "evict-it-alerting",
              alertingMeters, dir.resolve("al"), GRACE);
          var producer = new KafkaProducer<>(kafka.with(Map.of()), new StringSerializer(), new ByteArraySerializer())) {
        analyzer.start(Duration.ofSeconds(60));
        alerting.start(Duration.ofSeconds(60));
        List<String> runs = List.of("evict-done", "evict-busy", "evict-other");
        for (String run : runs) {
          producer.send(new ProducerRecord<>(Topics.RUNS.name(), run, RunMetadata.newBuilder().setRunId(run)
              .setStatus(RunStatus.RUN_STATUS_RUNNING).build().toByteArray()));
          for (long step = 1; step <= 12; step++) {
            producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), run, batch(run, step).toByteArray()));
          }
        }
        producer.flush();
        for (String run : runs) {
          await("indicators and alert counters of " + run, () -> hasSeries(analyzerMeters, AnalyzerMetrics.INDICATOR,
              run) && hasSeries(alertingMeters, AlertingMetrics.ALERTS, run));
        }

        producer.send(new ProducerRecord<>(Topics.RUNS.name(), "evict-done", RunMetadata.newBuilder()
            .setRunId("evict-done").setStatus(RunStatus.RUN_STATUS_COMPLETED).build().toByteArray())).get();
        await("the finished run's series gone", () -> !hasSeries(analyzerMeters, AnalyzerMetrics.INDICATOR,
            "evict-done") && !hasSeries(alertingMeters, AlertingMetrics.ALERTS, "evict-done"));

        assertThat(hasSeries(analyzerMeters, AnalyzerMetrics.INDICATOR, "evict-busy")).isTrue();
        assertThat(hasSeries(alertingMeters, AlertingMetrics.ALERTS, "evict-busy")).isTrue();
        assertThat(analyzerMeters.get(AnalyzerMetrics.RUNS_EVICTED).counter().count()).isEqualTo(1);
        assertThat(alertingMeters.get(AlertingMetrics.RUNS_EVICTED).counter().count()).isEqualTo(1);
      }
      // the state went with tombstones: the compacted changelogs forget the run too
      Map<String, List<byte[]>> done = values(kafka, "evict-done", "evict-it-run-state-changelog",
          "evict-it-suspect-runs-changelog", "evict-it-alerting-alert-state-changelog");
      assertThat(done).hasSize(3).allSatisfy((topic, values) -> assertThat(values).as(topic).hasSizeGreaterThan(1)
          .last().isNull());
      assertThat(values(kafka, "evict-busy", "evict-it-run-state-changelog").get("evict-it-run-state-changelog"))
          .last().isNotNull();
    }
  }

  /** Every committed value of {@code key} on each of {@code topics}, in order, by topic. */
  static Map<String, List<byte[]>> values(KafkaSettings kafka, String key, String... topics) {
    Map<String, List<byte[]>> out = new TreeMap<>();
    try (var c = new KafkaConsumer<>(kafka.with(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String t : topics) {
        c.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
      }
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (key.equals(r.key())) {
            out.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r.value());
          }
        }
      }
    }
    return out;
  }
}
