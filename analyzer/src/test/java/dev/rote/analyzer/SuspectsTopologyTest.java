package dev.rote.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.DeadLetters;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.Suspect;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.contract.v1.Telemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SuspectsTopologyTest {

  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final AnalyzerMetrics metrics = new AnalyzerMetrics();
  TopologyTestDriver driver;
  TestInputTopic<String, byte[]> telemetry;
  TestInputTopic<String, byte[]> runs;
  TestOutputTopic<String, byte[]> suspects;
  TestOutputTopic<String, byte[]> dead;
  long time;

  void start(AnalyzerConfig config) {
    metrics.bindTo(registry);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    driver = new TopologyTestDriver(AnalyzerTopology.build(config, metrics), p, T0);
    telemetry = driver.createInputTopic(Topics.TELEMETRY.name(), new StringSerializer(), new ByteArraySerializer());
    suspects = driver.createOutputTopic(Topics.SUSPECTS.name(), new StringDeserializer(), new ByteArrayDeserializer());
    dead = driver.createOutputTopic(Topics.DEAD_LETTER.name(), new StringDeserializer(), new ByteArrayDeserializer());
    if (config.suspectsTop() > 0) {
      runs = driver.createInputTopic(Topics.RUNS.name(), new StringSerializer(), new ByteArraySerializer());
    }
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  void send(Telemetry t) {
    telemetry.pipeInput(new TestRecord<>(t.getRunId(), t.toByteArray(), T0.plusMillis(++time)));
  }

  void sendRun(String key, byte[] value) {
    runs.pipeInput(new TestRecord<>(key, value, T0.plusMillis(++time)));
  }

  List<SuspectRanking> rankings() {
    List<SuspectRanking> out = new ArrayList<>();
    for (byte[] b : suspects.readValuesToList()) {
      try {
        out.add(SuspectRanking.parseFrom(b));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }

  @Test
  void shouldPublishTheRankingOncePerEpochWithTheFlippedLabelsOnTop() {
    start(AnalyzerConfig.defaults().withSuspectsTop(20));
    SyntheticRun run = new SyntheticRun("r1", 100, 10, 4, 99, 1);
    run.telemetry().forEach(this::send);

    List<SuspectRanking> rankings = rankings();
    // at the first batch of epochs 1, 2 and 3, each covering the epochs before
    assertThat(rankings).extracting(SuspectRanking::getStep).containsExactly(11L, 21L, 31L);
    SuspectRanking last = rankings.get(2);
    assertThat(last.getRunId()).isEqualTo("r1");
    assertThat(last.getExamples()).isEqualTo(100);
    assertThat(last.getSuspectsList()).hasSize(20)
        .allSatisfy(s -> {
          assertThat(s.getLabelFlipped()).isTrue();
          assertThat(s.getLabel()).isEqualTo(SyntheticRun.label(s.getExampleId()));
          assertThat(s.getPredictedLabel()).isEqualTo(SyntheticRun.trueClass(s.getExampleId()));
          assertThat(s.getScore()).isGreaterThan(0.5);
        });
    assertThat(last.getSuspectsList()).extracting(Suspect::getScore).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(last.getSuspected()).isEqualTo(20);
    assertThat(registry.find(AnalyzerMetrics.SUSPECT_EXAMPLE_ID).tag("run", "r1").tag("rank", "1").gauge().value())
        .isEqualTo(last.getSuspects(0).getExampleId());
    assertThat(registry.find(AnalyzerMetrics.SUSPECTED_EXAMPLES).tag("run", "r1").gauge().value()).isEqualTo(20);
  }

  @Test
  void shouldGiveTheSameRankingsAsTheInProcessAnalysis() {
    start(AnalyzerConfig.defaults().withSuspectsTop(30));
    SyntheticRun run = new SyntheticRun("r2", 90, 16, 5, 3, 2);
    SuspectAnalysis analysis = new SuspectAnalysis(AnalyzerConfig.defaults(), 0);
    List<SuspectRanking> expected = new ArrayList<>();
    for (Telemetry t : run.telemetry()) {
      send(t);
      analysis.apply(t, 30).ifPresent(expected::add);
    }
    assertThat(rankings()).isEqualTo(expected).hasSize(4);
    assertThat(analysis.ranking(Integer.MAX_VALUE).getSuspectsCount()).isEqualTo(90);
  }

  @Test
  void shouldPublishTheFinalRankingWhenTheRunEnds() {
    start(AnalyzerConfig.defaults());
    SyntheticRun run = new SyntheticRun("r3", 40, 8, 2, 99, 3);
    sendRun("r3", run.metadata(RunStatus.RUN_STATUS_RUNNING).toByteArray());
    run.telemetry().forEach(this::send);
    assertThat(rankings()).extracting(SuspectRanking::getStep).containsExactly(6L);

    sendRun("r3", run.metadata(RunStatus.RUN_STATUS_COMPLETED).toByteArray());
    sendRun("r3", run.metadata(RunStatus.RUN_STATUS_COMPLETED).toByteArray());

    List<SuspectRanking> last = rankings();
    assertThat(last).hasSize(1);
    assertThat(last.get(0).getStep()).isEqualTo(10);
    assertThat(last.get(0).getSuspectsList()).allSatisfy(s -> assertThat(s.getPresentations()).isEqualTo(2));
  }

  @Test
  void shouldDeadLetterExampleIdsOutsideTheDeclaredTrainingSet() {
    start(AnalyzerConfig.defaults());
    SyntheticRun run = new SyntheticRun("r4", 40, 8, 1, 99, 4);
    sendRun("r4", run.metadata(RunStatus.RUN_STATUS_RUNNING).toByteArray());
    Telemetry bad = Telemetry.newBuilder().setRunId("r4").setStep(1).setEpoch(0).setBatch(BatchSummary.newBuilder()
        .setLoss(1).setExamples(ExampleColumns.newBuilder().addExampleId(3).addExampleId(40).addLabel(1).addLabel(2)
            .addPredicted(1).addPredicted(2).addLoss(0.1f).addLoss(0.2f))).build();
    send(bad);

    var letters = dead.readRecordsToList();
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).key()).isEqualTo("r4");
    assertThat(letters.get(0).value()).isEqualTo(bad.toByteArray());
    assertThat(DeadLetters.header(letters.get(0).headers(), DeadLetters.REASON)).isEqualTo("example_id_outside_training_set");
    assertThat(DeadLetters.header(letters.get(0).headers(), DeadLetters.MESSAGE))
        .isEqualTo("example id 40 at row 1 is outside the run's declared training set of 40 examples (ids 0..39, "
            + "rote.runs dataset.example_id_space, else train_size)");
    assertThat(registry.find(AnalyzerMetrics.DEAD_LETTERED).tag("reason", "example_id_outside_training_set")
        .counter().count()).isEqualTo(1);
    // the run goes on: its valid batches are counted
    run.telemetry().forEach(t -> send(t.toBuilder().setStep(t.getStep() + 1).build()));
    sendRun("r4", run.metadata(RunStatus.RUN_STATUS_COMPLETED).toByteArray());
    assertThat(rankings()).singleElement().satisfies(r -> assertThat(r.getExamples()).isEqualTo(40));
  }

  @Test
  void shouldDeadLetterBatchesWhoseMarginsAreNotFiniteOrMisshapen() {
    start(AnalyzerConfig.defaults());
    ExampleColumns.Builder rows = ExampleColumns.newBuilder().addExampleId(1).addExampleId(2).addLabel(1).addLabel(2)
        .addPredicted(1).addPredicted(2).addLoss(0.1f).addLoss(0.2f);
    send(Telemetry.newBuilder().setRunId("r8").setStep(1).setBatch(BatchSummary.newBuilder().setLoss(1)
        .setExamples(rows.clone().addMargin(1f).addMargin(Float.NaN))).build());
    send(Telemetry.newBuilder().setRunId("r8").setStep(2).setBatch(BatchSummary.newBuilder().setLoss(1)
        .setExamples(rows.clone().addMargin(1f))).build());

    assertThat(dead.readRecordsToList()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.MESSAGE))
        .containsExactly("margin[1] is NaN", "column margin has 1 rows, expected 0 or 2");
  }

  @Test
  void shouldDeadLetterRunMetadataWithoutKeyOrThatDoesNotParseOrNamesAnotherRun() {
    start(AnalyzerConfig.defaults());
    sendRun(null, new SyntheticRun("x", 4, 2, 1, 9, 1).metadata(RunStatus.RUN_STATUS_RUNNING).toByteArray());
    sendRun("r5", new byte[] {(byte) 0xff, 0x01});
    sendRun("r5", new SyntheticRun("other", 4, 2, 1, 9, 1).metadata(RunStatus.RUN_STATUS_RUNNING).toByteArray());

    assertThat(dead.readRecordsToList()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
        .containsExactly("null_record", "deserialization", "key_mismatch");
    assertThat(dead.isEmpty()).isTrue();
  }

  @Test
  void shouldForgetARunAfterATombstoneOnItsMetadata() {
    start(AnalyzerConfig.defaults());
    SyntheticRun run = new SyntheticRun("r6", 200, 20, 2, 99, 6);
    run.telemetry().forEach(this::send);
    new SyntheticRun("other", 100, 20, 2, 99, 6).telemetry().forEach(this::send);
    var chunks = driver.<Object, Object>getKeyValueStore("example-stats");
    var pending = driver.<Object, Object>getKeyValueStore("suspect-pending");
    var runState = driver.<String, Object>getKeyValueStore("suspect-runs");
    // ids 0..199 in chunks of 64, folded at the first batch of epoch 1; the 9 batches after it still pending
    assertThat(count(chunks)).isEqualTo(4 + 2);
    assertThat(count(pending)).isEqualTo(9 + 4);
    assertThat(runState.get("r6")).isNotNull();

    sendRun("r6", null);

    assertThat(count(chunks)).as("the other run's chunks").isEqualTo(2);
    assertThat(count(pending)).as("the other run's pending batches").isEqualTo(4);
    assertThat(runState.get("r6")).isNull();
    assertThat(runState.get("other")).isNotNull();
    assertThat(dead.isEmpty()).isTrue();
  }

  @Test
  void shouldKeepNoStatisticsAndReadNoRunMetadataWhenTheRankingIsOff() {
    start(AnalyzerConfig.defaults().withSuspectsTop(0));
    new SyntheticRun("r7", 20, 5, 3, 99, 7).telemetry().forEach(this::send);
    assertThat(suspects.isEmpty()).isTrue();
    assertThat(driver.getAllStateStores()).doesNotContainKeys("example-stats", "suspect-pending", "suspect-runs");
  }

  private static long count(org.apache.kafka.streams.state.KeyValueStore<Object, Object> store) {
    try (var it = store.all()) {
      long n = 0;
      while (it.hasNext()) {
        it.next();
        n++;
      }
      return n;
    }
  }
}
