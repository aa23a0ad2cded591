package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.AlertingMetrics;
import dev.rote.alerting.AlertingService;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.analyzer.AnalyzerService;
import dev.rote.analyzer.CaughtUpCommits;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.DeadLetters;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyzer and the alerting service on a real embedded broker, their open exactly-once
 * transactions fenced mid-stream (as a zombie instance is, or a producer whose transaction timed
 * out): Kafka Streams aborts, processes every record since the last commit again, and the record
 * counters still count each consumed record once. Nothing commits before the fence (commit interval
 * of 10 minutes), so everything processed before it is processed again.
 */
@Tag("integration")
class ReprocessingCountIntegrationTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int PARTITIONS = 2;
  /** Runs of the analyzer (partition 0 of 2) and of the alerting service (partition 1), as producers partition them. */
  private static final List<String> ANALYZED = runsIn(0);
  private static final List<String> EVALUATED = runsIn(1);

  @Test
  void shouldCountEachConsumedRecordOnceWhenAFencedTransactionIsProcessedAgain(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings plain = KafkaSettings.of(broker.bootstrapServers());
      try (Admin admin = Admin.create(plain.with(Map.of()))) {
        new TopicProvisioner(PARTITIONS, null).ensureTopics(admin, Duration.ofSeconds(30));
      }
      // Client properties pass through: no commit for 10 minutes (none requested either: CaughtUpCommits.OFF),
      // and a transaction may stay open that long.
      KafkaSettings kafka = new KafkaSettings(plain.with(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 600_000,
          StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 600_000)));
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Sent sent = new Sent();
      AnalyzerService analyzer = new AnalyzerService(kafka, AnalyzerConfig.defaults().withCaughtUpCommits(CaughtUpCommits.OFF),
          registry, dir.resolve("a"), 1);
      AlertingService alerting = new AlertingService(kafka, RuleSet.defaults(), AlertingService.DEFAULT_APPLICATION_ID,
          registry, dir.resolve("l"));
      try (Admin admin = Admin.create(plain.with(Map.of()));
          var producer = new KafkaProducer<>(plain.with(Map.of()), new StringSerializer(), new ByteArraySerializer())) {
        analyzer.start(TIMEOUT);
        alerting.start(TIMEOUT);

        send(producer, sent, 1, 10);
        await(() -> analyzerCount(registry) == sent.telemetry && alertingCount(registry) == sent.indicators
            && runsDeadLettered(registry, AnalyzerMetrics.DEAD_LETTERED) == sent.badRuns
            && runsDeadLettered(registry, AlertingMetrics.DEAD_LETTERED) == sent.badRuns);
        assertThat(analyzerCount(registry)).as("the first records, before the fence").isEqualTo(sent.telemetry);
        List<String> open = ongoing(admin);
        assertThat(open).as("open transactions of both services: %s", open)
            .anyMatch(id -> id.startsWith(AnalyzerConfig.defaults().applicationId() + "-"))
            .anyMatch(id -> id.startsWith(AlertingService.DEFAULT_APPLICATION_ID + "-"));
        admin.fenceProducers(open).all().get();

        // The fenced producers' next sends fail, and a send after a failed one throws: both services
        // abort their transaction and process everything again from offset 0.
        send(producer, sent, 11, 13);
        Thread.sleep(2000);
        send(producer, sent, 14, 16);
        await(() -> reprocessed(registry, AnalyzerMetrics.REPROCESSED) >= 10
            && reprocessed(registry, AlertingMetrics.REPROCESSED) >= 10
            && analyzerCount(registry) >= sent.telemetry && alertingCount(registry) >= sent.indicators);
        Thread.sleep(2000); // anything counted twice would show by now
      } finally {
        alerting.close(TIMEOUT); // commits; closed first, so the analyzer's indicators (committed next) stay unread
        analyzer.close(TIMEOUT);
      }
      System.out.printf("reprocessing: %d telemetry, %d indicator, %d bad rote.runs records sent; processed again "
              + "and not counted again: analyzer %.0f, alerting %.0f%n", sent.telemetry, sent.indicators, sent.badRuns,
          reprocessed(registry, AnalyzerMetrics.REPROCESSED), reprocessed(registry, AlertingMetrics.REPROCESSED));
      assertThat(reprocessed(registry, AnalyzerMetrics.REPROCESSED)).as("the analyzer processed records again")
          .isGreaterThanOrEqualTo(10);
      assertThat(reprocessed(registry, AlertingMetrics.REPROCESSED)).as("the alerting service processed records again")
          .isGreaterThanOrEqualTo(10);
      assertThat(analyzerCount(registry)).as("every telemetry record used or dead-lettered once")
          .isEqualTo(sent.telemetry);
      assertThat(alertingCount(registry)).as("every indicator record evaluated or dead-lettered once")
          .isEqualTo(sent.indicators);
      assertThat(runsDeadLettered(registry, AnalyzerMetrics.DEAD_LETTERED)).isEqualTo(sent.badRuns);
      assertThat(runsDeadLettered(registry, AlertingMetrics.DEAD_LETTERED)).isEqualTo(sent.badRuns);
      assertThat(FuzzIntegrationTest.count(plain, Topics.DEAD_LETTER.name(), r -> source(r, "analyzer")))
          .as("committed dead letters of the analyzer").isEqualTo((long) sum(registry, AnalyzerMetrics.DEAD_LETTERED))
          .isEqualTo(sent.badTelemetry + sent.badRuns);
      assertThat(FuzzIntegrationTest.count(plain, Topics.DEAD_LETTER.name(), r -> source(r, "alerting")))
          .as("committed dead letters of the alerting service")
          .isEqualTo((long) sum(registry, AlertingMetrics.DEAD_LETTERED)).isEqualTo(sent.badIndicators + sent.badRuns);
    }
  }

  /** What the test sent, by topic. */
  private static final class Sent {
    long telemetry;
    long badTelemetry;
    long indicators;
    long badIndicators;
    long badRuns;
  }

  /**
   * Steps {@code from} to {@code to} of two runs: valid telemetry and indicators, and per run three
   * bad telemetry records, two bad indicators and one bad {@code rote.runs} record. The analyzer's
   * runs and the alerting service's live in different partitions: the analyzer's open transaction on
   * its runs' partition of {@code rote.indicators} holds back what a read_committed reader sees there.
   */
  private static void send(KafkaProducer<String, byte[]> producer, Sent sent, int from, int to) throws Exception {
    byte[] garbage = {0x0a, 0x7f, 0x01};
    for (String run : ANALYZED) {
      for (int n = from; n <= to; n++) {
        producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), run, ValidRecords.telemetry(run, n).toByteArray()));
        sent.telemetry++;
      }
      for (byte[] bad : Arrays.asList(garbage, ValidRecords.telemetry("someone-else", from).toByteArray(), null)) {
        producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), run, bad));
        sent.telemetry++;
        sent.badTelemetry++;
      }
      producer.send(new ProducerRecord<>(Topics.RUNS.name(), run, garbage));
      sent.badRuns++;
    }
    for (String run : EVALUATED) {
      for (int n = from; n <= to; n++) {
        producer.send(new ProducerRecord<>(Topics.INDICATORS.name(), run, ValidRecords.indicator(run, n).toByteArray()));
        sent.indicators++;
      }
      for (byte[] bad : List.of(garbage, ValidRecords.indicator("someone-else", from).toByteArray())) {
        producer.send(new ProducerRecord<>(Topics.INDICATORS.name(), run, bad));
        sent.indicators++;
        sent.badIndicators++;
      }
    }
    producer.flush();
  }

  private static List<String> runsIn(int partition) {
    return IntStream.range(0, 100).mapToObj(n -> "once-" + n)
        .filter(r -> Utils.toPositive(Utils.murmur2(r.getBytes(StandardCharsets.UTF_8))) % PARTITIONS == partition)
        .limit(2).toList();
  }

  private static List<String> ongoing(Admin admin) throws Exception {
    return admin.listTransactions().all().get().stream().filter(t -> t.state() == TransactionState.ONGOING)
        .map(TransactionListing::transactionalId).toList();
  }

  private static double analyzerCount(SimpleMeterRegistry registry) {
    return sum(registry, AnalyzerMetrics.PROCESSED) + sum(registry, AnalyzerMetrics.DEAD_LETTERED, "topic",
        Topics.TELEMETRY.name(), "processor", AnalyzerMetrics.ANALYZE_PROCESSOR);
  }

  private static double alertingCount(SimpleMeterRegistry registry) {
    return sum(registry, AlertingMetrics.PROCESSED) + sum(registry, AlertingMetrics.DEAD_LETTERED, "topic",
        Topics.INDICATORS.name());
  }

  private static double runsDeadLettered(SimpleMeterRegistry registry, String name) {
    return sum(registry, name, "topic", Topics.RUNS.name());
  }

  private static double reprocessed(SimpleMeterRegistry registry, String name) {
    FunctionCounter c = registry.find(name).functionCounter();
    return c == null ? 0 : c.count();
  }

  private static double sum(SimpleMeterRegistry registry, String name, String... tags) {
    return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  private static boolean source(ConsumerRecord<byte[], byte[]> r, String source) {
    var h = r.headers().lastHeader(DeadLetters.SOURCE);
    return h != null && new String(h.value(), StandardCharsets.UTF_8).equals(source);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }
}
