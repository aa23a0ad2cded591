package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rote.alerting.AlertingMetrics;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.cli.RecordMutations.Kind;
import dev.rote.cli.RecordMutations.Mutant;
import dev.rote.cli.RecordMutations.Mutation;
import dev.rote.contract.DeadLetters;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.trainer.StopControl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
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
 * The fuzzer's records on a real embedded broker, through the real services and commands: the
 * analyzer and the alerting service (Kafka Streams, exactly-once), the trainer's stop control, and
 * every command that reads topics. Oversized records are left out here: Rote's topics refuse them
 * (32 MiB), so they never reach a consumer ({@link TopicFuzzTest} feeds them in process).
 */
@Tag("integration")
class FuzzIntegrationTest {

  /**
   * The commands that read Rote's topics, each run against the fuzzed cluster: none may fail with
   * anything but a clear error. A new reading command (e.g. {@code ./rote suspects}) belongs here.
   */
  static List<List<String>> readingCommands(String fuzzedRun, Path rules) {
    return List.of(
        List.of("runs"),
        List.of("replay", fuzzedRun, "--rules", rules.toString(), "--json"),
        List.of("replay", fuzzedRun, "--no-nmf"));
  }

  private static final int RUNS = 12;
  private static final int RECORDS_PER_RUN = 12;

  @Test
  void shouldCountOrDeadLetterEveryFuzzedRecordOnTheRealServicesAndCommands(@TempDir Path dir) throws Exception {
    List<List<Mutation>> runs = sample(RUNS, RECORDS_PER_RUN);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (LocalPipeline pipeline = LocalPipeline.start(0, AnalyzerConfig.defaults(), RuleSet.defaults(), registry);
        var producer = new KafkaProducer<>(pipeline.kafka().with(Map.of()), new StringSerializer(),
            new ByteArraySerializer())) {
      KafkaSettings kafka = pipeline.kafka();

      // rote.control: the trainer's stop control reads every partition, as a trainer does.
      String controlled = "fuzz-control";
      long expectedInvalid = 0;
      try (StopControl control = new StopControl(kafka, controlled, 0)) {
        for (Mutation m : runs.get(0)) {
          Mutant x = m.apply(controlled, ValidRecords.stopSignal(controlled));
          if (x.kind() == Kind.VALID || x.kind() == Kind.OVERSIZED) {
            continue; // the one valid signal comes last
          }
          StopSignal s = parse(x.value(), StopSignal::parseFrom);
          boolean addressed = controlled.equals(x.key()) || (s != null && controlled.equals(s.getRunId()));
          boolean valid = s != null && controlled.equals(x.key()) && controlled.equals(s.getRunId())
              && !s.getSignalId().isBlank() && !s.getRule().isBlank() && s.getAction() == SignalAction.SIGNAL_ACTION_STOP;
          if (valid) {
            continue;
          }
          expectedInvalid += addressed ? 1 : 0;
          producer.send(new ProducerRecord<>(Topics.CONTROL.name(), x.key(), x.value())).get();
        }
        StopSignal signal = ValidRecords.stopSignal(controlled);
        producer.send(new ProducerRecord<>(Topics.CONTROL.name(), controlled, signal.toByteArray())).get();
        long want = expectedInvalid;
        await(() -> control.stopSignal().isPresent() && control.invalidSignals() == want, Duration.ofSeconds(60));
        assertThat(control.stopSignal()).contains(signal);
        assertThat(control.invalidSignals()).isEqualTo(expectedInvalid);
      }

      // rote.telemetry and rote.indicators: every record used or dead-lettered by the live services.
      int sent = 0;
      int indicatorsSent = 0;
      List<Mutant> fuzzedRun = new ArrayList<>();
      for (int r = 0; r < RUNS; r++) {
        String runId = "fuzz-" + r;
        List<Mutation> run = runs.get(r);
        for (int n = 1; n <= run.size(); n++) {
          Mutant t = run.get(n - 1).apply(runId, ValidRecords.telemetry(runId, n));
          Mutant i = run.get((n + 5) % run.size()).apply(runId, ValidRecords.indicator(runId, n));
          Mutant m = run.get((n + 3) % run.size()).apply(runId, ValidRecords.runMetadata(runId));
          for (Mutant x : List.of(t, i, m)) {
            if (x.kind() == Kind.OVERSIZED || (x == m && x.key() == null)) {
              continue; // refused by the broker: larger than the topics take; no key on a compacted topic
            }
            String topic = x == t ? Topics.TELEMETRY.name() : x == i ? Topics.INDICATORS.name() : Topics.RUNS.name();
            producer.send(new ProducerRecord<>(topic, x.key(), x.value())).get();
            sent += x == t ? 1 : 0;
            indicatorsSent += x == i ? 1 : 0;
            if (x == t && r == 1) {
              fuzzedRun.add(x);
            }
          }
        }
      }
      int telemetry = sent;
      // Counted per processor: the analyzing processor uses or rejects each telemetry record once (the
      // suspect-label processor and the rote.runs validator count their own rejects under their names).
      await(() -> sum(registry, AnalyzerMetrics.PROCESSED) + sum(registry, AnalyzerMetrics.DEAD_LETTERED, "topic",
          Topics.TELEMETRY.name(), "processor", AnalyzerMetrics.ANALYZE_PROCESSOR) >= telemetry, Duration.ofSeconds(120));
      assertThat(sum(registry, AnalyzerMetrics.PROCESSED) + sum(registry, AnalyzerMetrics.DEAD_LETTERED, "topic",
          Topics.TELEMETRY.name(), "processor", AnalyzerMetrics.ANALYZE_PROCESSOR))
          .as("every telemetry record used or dead-lettered once").isEqualTo(telemetry);
      // The alerting service reads what we sent and what the analyzer wrote.
      await(() -> sum(registry, AlertingMetrics.PROCESSED) + sum(registry, AlertingMetrics.DEAD_LETTERED, "topic",
          Topics.INDICATORS.name()) >= count(kafka, Topics.INDICATORS.name(), r -> true), Duration.ofSeconds(120));
      long indicators = count(kafka, Topics.INDICATORS.name(), r -> true);
      assertThat(indicators).isGreaterThanOrEqualTo(indicatorsSent);
      assertThat(sum(registry, AlertingMetrics.PROCESSED) + sum(registry, AlertingMetrics.DEAD_LETTERED, "topic",
          Topics.INDICATORS.name())).as("every indicator record evaluated or dead-lettered once").isEqualTo(indicators);
      assertThat(count(kafka, Topics.DEAD_LETTER.name(), r -> source(r, "analyzer")))
          .isEqualTo((long) sum(registry, AnalyzerMetrics.DEAD_LETTERED)).isPositive();
      assertThat(count(kafka, Topics.DEAD_LETTER.name(), r -> source(r, "alerting")))
          .isEqualTo((long) sum(registry, AlertingMetrics.DEAD_LETTERED)).isPositive();
      System.out.printf("fuzz (real broker): %d telemetry, %d indicator (%d with the analyzer's), %d control records; "
              + "analyzer dead-lettered %.0f, alerting %.0f, stop control counted %d invalid%n", telemetry, indicatorsSent,
          indicators, runs.get(0).size(), sum(registry, AnalyzerMetrics.DEAD_LETTERED),
          sum(registry, AlertingMetrics.DEAD_LETTERED), expectedInvalid);
      assertThat(pipeline.analyzer().state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
      assertThat(pipeline.alerting().state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);

      // The commands that read the topics: a clear answer, never a crash.
      Path rules = dir.resolve("rules.yaml");
      Files.writeString(rules, FullLoopIntegrationTest.FAST_RULES);
      long unreadableOfRun = fuzzedRun.stream().filter(x -> "fuzz-1".equals(x.key())).filter(x -> {
        Telemetry t = parse(x.value(), Telemetry::parseFrom);
        return t == null || !t.getRunId().equals("fuzz-1");
      }).count();
      long readableOfRun = fuzzedRun.stream().filter(x -> "fuzz-1".equals(x.key())).count() - unreadableOfRun;
      for (List<String> command : readingCommands("fuzz-1", rules)) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("--bootstrap-servers", pipeline.broker().bootstrapServers()));
        RoteCliTest.Run run = RoteCliTest.run(args.toArray(String[]::new));
        assertThat(run.code()).as("%s: %s", command, run.err()).isIn(0, 2);
        assertThat(run.err()).as("%s", command).doesNotContain("Exception").doesNotContain("\tat ");
        if (command.contains("--json") && readableOfRun > 0) {
          assertThat(run.code()).as(run.err()).isZero();
          JsonNode outcome = new ObjectMapper().readTree(run.out()).get(0);
          assertThat(outcome.get("unreadable_records").asLong()).as("the run's unreadable telemetry, with the "
              + "alerts' and indicators' of the run").isGreaterThanOrEqualTo(unreadableOfRun);
        }
        if (command.get(0).equals("runs")) {
          assertThat(run.code()).isZero();
          assertThat(run.out()).contains("unreadable record");
        }
      }
    }
  }

  /** jqwik's own sampling, outside a property: the same mutations as {@link TopicFuzzTest}'s. */
  static List<List<Mutation>> sample(int runs, int records) {
    return RecordMutations.mutations().list().ofSize(records).sampleStream().limit(runs).toList();
  }

  private interface Parser<T> {
    T parse(byte[] b) throws Exception;
  }

  private static <T> T parse(byte[] value, Parser<T> parser) {
    try {
      return value == null ? null : parser.parse(value);
    } catch (Exception e) {
      return null;
    }
  }

  private static boolean source(ConsumerRecord<byte[], byte[]> r, String source) {
    var h = r.headers().lastHeader(DeadLetters.SOURCE);
    return h != null && new String(h.value(), StandardCharsets.UTF_8).equals(source)
        && r.headers().lastHeader(DeadLetters.REASON) != null;
  }

  private static double sum(SimpleMeterRegistry registry, String name, String... tags) {
    return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** Committed records of {@code topic} that match, read from the beginning to the end. */
  static long count(KafkaSettings kafka, String topic, Function<ConsumerRecord<byte[], byte[]>, Boolean> match) {
    Map<String, Object> props = kafka.with(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024));
    try (var c = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long n = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        for (var r : c.poll(Duration.ofMillis(200))) {
          n += match.apply(r) ? 1 : 0;
        }
      }
      return n;
    }
  }

  private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }
}
