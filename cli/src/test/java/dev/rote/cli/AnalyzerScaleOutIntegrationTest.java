package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerService;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Telemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two analyzer instances with one application id split the runs between them. */
@Tag("integration")
class AnalyzerScaleOutIntegrationTest {

  static int partition(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  @Test
  void shouldShareTheRunsOfOnePartitionEachBetweenTwoInstances(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
      try (Admin admin = Admin.create(kafka.with(Map.of()))) {
        new TopicProvisioner(2, null).ensureTopics(admin, Duration.ofSeconds(30));
      }
      String runA = "scale-a";
      String runB = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "scale-b" + i)
          .filter(k -> partition(k, 2) != partition(runA, 2)).findFirst().orElseThrow();
      AnalyzerConfig config = AnalyzerConfig.defaults().withApplicationId("scale-out").withWindow(5, 1);
      SimpleMeterRegistry r1 = new SimpleMeterRegistry();
      SimpleMeterRegistry r2 = new SimpleMeterRegistry();
      try (AnalyzerService one = new AnalyzerService(kafka, config, r1, dir.resolve("one"), 1);
          AnalyzerService two = new AnalyzerService(kafka, config, r2, dir.resolve("two"), 1)) {
        one.start(Duration.ofSeconds(60));
        two.start(Duration.ofSeconds(60));
        try (var producer = new KafkaProducer<>(kafka.with(Map.of()), Topics.TELEMETRY.keySerde().serializer(),
            Topics.TELEMETRY.valueSerde().serializer())) {
          for (int step = 1; step <= 20; step++) {
            for (String run : List.of(runA, runB)) {
              producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), run, summary(run, step)));
            }
          }
        }
        List<Indicator> out = AnalyzerIntegrationTestSupport.readUntil(kafka, Duration.ofSeconds(60),
            xs -> xs.stream().filter(i -> i.getStep() == 20).map(Indicator::getRunId).distinct().count() == 2);
        Set<String> runs = out.stream().map(Indicator::getRunId).collect(Collectors.toSet());
        assertThat(runs).containsExactlyInAnyOrder(runA, runB);
        double p1 = processed(r1);
        double p2 = processed(r2);
        // Each instance owns one partition, so each analyzed exactly one run's 20 summaries.
        assertThat(p1).isEqualTo(20);
        assertThat(p2).isEqualTo(20);
      }
    }
  }

  static double processed(SimpleMeterRegistry r) {
    var c = r.find("rote.analyzer.records.processed").tag("type", "batch").counter();
    return c == null ? 0 : c.count();
  }

  static Telemetry summary(String run, int step) {
    ExampleColumns.Builder e = ExampleColumns.newBuilder();
    for (int i = 0; i < 8; i++) {
      e.addExampleId(i).addLabel(i % 3).addPredicted((i + step) % 3).addLoss(0.5f);
    }
    return Telemetry.newBuilder().setRunId(run).setStep(step).setTimeMs(System.currentTimeMillis())
        .setBatch(BatchSummary.newBuilder().setBatchSize(8).setExamples(e)).build();
  }
}
