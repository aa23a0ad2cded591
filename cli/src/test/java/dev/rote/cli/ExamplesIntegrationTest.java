package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.IndicatorNames;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.replay.RunCatalog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every example program of {@code examples/}, run with {@code ./rote example NAME} on real
 * Fashion-MNIST against an embedded broker, the real analyzer and the real alerting service. A rule
 * that must fire (the first flip rate from step 75 on, in the third epoch) stops each run; the test
 * checks what the analyzer computed from the program's telemetry and that the program stopped after
 * the step it was in when the signal arrived.
 */
@Tag("integration")
class ExamplesIntegrationTest {

  /** 30 steps an epoch (27 for early-stopping, which holds 10% out for validation). */
  static final String[] SMALL_RUN = {"--train-size", "1920", "--batch-size", "64", "--epochs", "10", "--test-size",
      "500", "--label-noise", "0.4"};

  static final String STOP_RULES = """
      rules:
        - name: examples_stop
          monitor: prediction_flip_rate
          stopping_threshold: 2.0
          start_from_step: 75
      """;

  static final Pattern STOPPED = Pattern.compile(
      "STOPPED by Rote after step (\\d+) \\(stop signal arrived after step (\\d+)\\)");

  static SimpleMeterRegistry registry = new SimpleMeterRegistry();
  static LocalPipeline pipeline;

  @BeforeAll
  static void start() throws InterruptedException {
    pipeline = LocalPipeline.start(0, AnalyzerConfig.defaults(), RuleSet.parse(STOP_RULES, "examples-test"),
        registry);
  }

  @AfterAll
  static void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  /** The run-level indicators every example must produce: rolling and, where the analyzer has them, epoch flips. */
  static Set<String> expectedIndicators() {
    Set<String> names = new TreeSet<>(Set.of(IndicatorNames.PREDICTION_FLIP_RATE, IndicatorNames.FORGETTING_RATE,
        IndicatorNames.LOSS_SENSITIVITY_GINI, IndicatorNames.TRAIN_ACCURACY, IndicatorNames.TEST_ACCURACY));
    IndicatorNames.ALL.stream().filter(n -> n.startsWith("epoch_") && n.contains("flip")).forEach(names::add);
    return names;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"plain-fit", "cnn", "graph", "early-stopping"})
  void shouldPublishTheIndicatorsTheRulesReadAndStopAfterTheStepInProgress(String example) {
    String run = "example-" + example;
    KafkaSettings kafka = pipeline.kafka();
    List<String> args = new ArrayList<>(List.of("example", example, "--bootstrap-servers", kafka.bootstrapServers(),
        "--run-id", run));
    args.addAll(List.of(SMALL_RUN));

    RoteCliTest.Run r = RoteCliTest.run(args.toArray(String[]::new));

    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.err()).as("nothing degraded").doesNotContain("[rote] WARNING");
    Matcher m = STOPPED.matcher(r.out());
    assertThat(m.find()).as(r.out()).isTrue();
    long lastStep = Long.parseLong(m.group(1));
    long signalAfter = Long.parseLong(m.group(2));
    assertThat(signalAfter).as("the signal is issued for step 80 and travels to the trainer").isGreaterThanOrEqualTo(80);
    assertThat(lastStep).as("the step in progress when the signal arrived is the last").isBetween(signalAfter,
        signalAfter + 1);

    RunMetadata meta = RunCatalog.read(kafka).value().get(run);
    assertThat(meta.getStatus()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
    assertThat(meta.getStopSignalId()).isEqualTo(run + "/examples_stop");
    assertThat(meta.getLastStep()).isEqualTo(lastStep);
    assertThat(meta.hasRestoredStep()).as("checkpoints restored on the stop").isTrue();
    assertThat(meta.getExampleIds()).isEqualTo("content");
    assertThat(meta.getDegradedList()).isEmpty();

    Set<String> names = AnalyzerIntegrationTestSupport.readUntil(kafka, Duration.ofSeconds(60),
            xs -> runLevelNames(xs, run).containsAll(expectedIndicators())).stream()
        .filter(i -> i.getRunId().equals(run)).map(Indicator::getName).collect(Collectors.toSet());
    assertThat(names).containsAll(expectedIndicators());

    List<Gauge> layers = new ArrayList<>(registry.find(AnalyzerMetrics.LAYER_GRADIENT_NORM).tag("run", run).gauges());
    assertThat(layers).as("per-layer gradient norms of every layer with parameters").hasSizeGreaterThanOrEqualTo(3);
    assertThat(layers).anySatisfy(g -> assertThat(g.value()).isPositive());
    assertThat(registry.find(AnalyzerMetrics.LAYER_UPDATE_RATIO).tag("run", run).gauges()).isNotEmpty();
    assertThat(deadLetterKeys(kafka)).as("the analyzer rejected none of the run's records").doesNotContain(run);
  }

  private static Set<String> runLevelNames(List<Indicator> xs, String run) {
    return xs.stream().filter(i -> i.getRunId().equals(run) && !i.hasClassLabel()).map(Indicator::getName)
        .collect(Collectors.toSet());
  }

  /** Keys of every record on the dead-letter topic. */
  static List<String> deadLetterKeys(KafkaSettings kafka) {
    List<String> keys = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(kafka.with(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(Topics.DEAD_LETTER.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(rec -> keys.add(rec.key()));
      }
    }
    return keys;
  }
}
