package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerService;
import dev.rote.analyzer.CaughtUpCommits;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyzer on a real embedded broker with a commit interval of 30 s: a caught-up analyzer
 * commits its indicators right after emitting them ({@link CaughtUpCommits#DEFAULT}), so a
 * {@code read_committed} reader sees them within seconds; with the requests off the same indicators
 * stay invisible until the interval's commit.
 */
@Tag("integration")
class CaughtUpCommitIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  /** Far below the commit interval, far above a commit on a loaded machine. */
  private static final Duration SOON = Duration.ofSeconds(6);

  @Test
  void shouldCommitIndicatorsOfRecentRecordsLongBeforeTheCommitInterval(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = settings(broker);
      long start = System.nanoTime();
      List<Indicator> seen = publishAndRead(kafka, CaughtUpCommits.DEFAULT, "caught-up", dir);
      double waited = (System.nanoTime() - start) / 1e9;

      assertThat(seen).as("committed indicators of the run, read %.1f s after the start", waited).isNotEmpty()
          .allSatisfy(i -> assertThat(i.getRunId()).isEqualTo("caught-up"));
    }
  }

  @Test
  void shouldLeaveIndicatorsUncommittedUntilTheIntervalWhenRequestsAreOff(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      List<Indicator> seen = publishAndRead(settings(broker), CaughtUpCommits.OFF, "interval-only", dir);

      assertThat(seen).as("indicators committed within %s with a 30 s commit interval", SOON).isEmpty();
    }
  }

  /** A 30 s commit interval, and transactions that may stay open that long; the rest Rote's defaults. */
  private static KafkaSettings settings(EmbeddedKafkaBroker broker) throws Exception {
    KafkaSettings plain = KafkaSettings.of(broker.bootstrapServers());
    try (Admin admin = Admin.create(plain.with(Map.of()))) {
      new TopicProvisioner(2, null).ensureTopics(admin, Duration.ofSeconds(30));
    }
    return new KafkaSettings(plain.with(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 30_000,
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 120_000)));
  }

  /** Starts an analyzer, publishes 12 steps of a run (timestamped now) and reads committed indicators for {@link #SOON}. */
  private static List<Indicator> publishAndRead(KafkaSettings kafka, CaughtUpCommits policy, String run, Path dir)
      throws Exception {
    AnalyzerConfig config = AnalyzerConfig.defaults().withWindow(0, 2).withCaughtUpCommits(policy);
    try (AnalyzerService analyzer = new AnalyzerService(kafka, config, new SimpleMeterRegistry(), dir, 1);
        var producer = new KafkaProducer<>(kafka.with(Map.of()), new StringSerializer(), new ByteArraySerializer())) {
      analyzer.start(TIMEOUT);
      for (int n = 1; n <= 12; n++) {
        producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), run, ValidRecords.telemetry(run, n).toByteArray()));
      }
      producer.flush();
      long deadline = System.nanoTime() + SOON.toNanos();
      return AnalyzerIntegrationTestSupport.readUntil(kafka, SOON,
          out -> !out.isEmpty() || System.nanoTime() > deadline);
    }
  }
}
