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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * The analyzer on a real embedded broker with a commit interval of 60 s: a caught-up analyzer
 * commits its indicators right after emitting them ({@link CaughtUpCommits#DEFAULT}), so a
 * {@code read_committed} reader sees them within seconds; with the requests off the same indicators
 * stay invisible until the interval's commit. A trainer publishes a step every 50 ms throughout, so
 * the analyzer, once warm, processes records that are milliseconds old.
 */
@Tag("integration")
class CaughtUpCommitIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  /** Far below the commit interval, far above a commit on a loaded machine. */
  private static final Duration SOON = Duration.ofSeconds(20);
  /** How long the test without requests publishes and reads. */
  private static final Duration WATCHED = Duration.ofSeconds(8);

  @Test
  void shouldCommitIndicatorsOfRecentRecordsLongBeforeTheCommitInterval(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      long start = System.nanoTime();
      List<Indicator> seen = publishAndRead(settings(broker), CaughtUpCommits.DEFAULT, "caught-up", dir, SOON);
      double waited = (System.nanoTime() - start) / 1e9;

      assertThat(seen).as("committed indicators of the run, read %.1f s after the start", waited).isNotEmpty()
          .allSatisfy(i -> assertThat(i.getRunId()).isEqualTo("caught-up"));
    }
  }

  @Test
  void shouldLeaveIndicatorsUncommittedUntilTheIntervalWhenRequestsAreOff(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      List<Indicator> seen = publishAndRead(settings(broker), CaughtUpCommits.OFF, "interval-only", dir, WATCHED);

      assertThat(seen).as("indicators committed within %s with a 60 s commit interval", WATCHED).isEmpty();
    }
  }

  /** A 60 s commit interval, and transactions that may stay open that long; the rest Rote's defaults. */
  private static KafkaSettings settings(EmbeddedKafkaBroker broker) throws Exception {
    KafkaSettings plain = KafkaSettings.of(broker.bootstrapServers());
    try (Admin admin = Admin.create(plain.with(Map.of()))) {
      new TopicProvisioner(2, null).ensureTopics(admin, Duration.ofSeconds(30));
    }
    return new KafkaSettings(plain.with(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 60_000,
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 180_000)));
  }

  /**
   * Starts an analyzer, then publishes a step of a run every 50 ms (timestamped now) while reading
   * committed indicators, until one is read or {@code watch} has passed.
   */
  private static List<Indicator> publishAndRead(KafkaSettings kafka, CaughtUpCommits policy, String run, Path dir,
      Duration watch) throws Exception {
    AnalyzerConfig config = AnalyzerConfig.defaults().withWindow(0, 2).withCaughtUpCommits(policy);
    List<Indicator> seen = new ArrayList<>();
    try (AnalyzerService analyzer = new AnalyzerService(kafka, config, new SimpleMeterRegistry(), dir, 1);
        var producer = new KafkaProducer<>(kafka.with(Map.of()), new StringSerializer(), new ByteArraySerializer());
        var reader = new KafkaConsumer<>(kafka.with(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + run,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed")), Topics.INDICATORS.keySerde().deserializer(),
            Topics.INDICATORS.valueSerde().deserializer())) {
      analyzer.start(TIMEOUT);
      reader.subscribe(List.of(Topics.INDICATORS.name()));
      long deadline = System.nanoTime() + watch.toNanos();
      for (int n = 1; seen.isEmpty() && System.nanoTime() < deadline; n++) {
        producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), run, ValidRecords.telemetry(run, n).toByteArray()));
        producer.flush();
        reader.poll(Duration.ofMillis(50)).forEach(r -> seen.add(r.value()));
      }
    }
    return seen;
  }
}
