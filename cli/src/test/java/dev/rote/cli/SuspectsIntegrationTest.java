package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.math.Auroc;
import dev.rote.contract.DeadLetters;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.DatasetInfo;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.contract.v1.Telemetry;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.StopOptions;
import dev.rote.replay.RunCatalog;
import dev.rote.replay.RunSuspects;
import dev.rote.replay.RunTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Suspect labels end to end on the embedded broker: a real noisy run trained with the analyzer
 * watching, its live ranking on {@code rote.suspects}, and {@code ./rote suspects} on it.
 */
@Tag("integration")
class SuspectsIntegrationTest {

  @Test
  void shouldRankTheFlippedLabelsLiveAndOnTheCommandLine(@TempDir Path dir) throws Exception {
    try (LocalPipeline pipeline = LocalPipeline.start(0, AnalyzerConfig.defaults(), RuleSet.defaults(),
        new SimpleMeterRegistry())) {
      KafkaSettings kafka = pipeline.kafka();
      String bs = pipeline.broker().bootstrapServers();
      TrainCommand command = new TrainCommand();
      new picocli.CommandLine(command).parseArgs("--train-size", "2000", "--epochs", "6", "--hidden", "128,128",
          "--learning-rate", "0.001", "--label-noise", "0.4", "--run-id", "sus-it");
      ReferenceTrainer.Result r = TrainCommand.train(TrainCommand.prepare(command.trainer), kafka,
          new SimpleMeterRegistry(), System.out, null, StopOptions.defaults().observeOnly());
      assertThat(r.steps()).isEqualTo(96);

      // live: a ranking per epoch (at the first step of epochs 2..6) and the final one when the run completed
      List<SuspectRanking> live = awaitRankings(kafka, "sus-it", 96);
      assertThat(live).extracting(SuspectRanking::getStep).containsExactly(17L, 33L, 49L, 65L, 81L, 96L);
      SuspectRanking last = live.get(live.size() - 1);
      assertThat(last.getSuspectsCount()).isEqualTo(AnalyzerConfig.DEFAULT_SUSPECTS_TOP);
      assertThat(last.getExamples()).isEqualTo(2000);
      // the same as the ranking the command line computes from the run's telemetry
      RunSuspects.Result offline = RunSuspects.read(kafka, RunCatalog.read(kafka).value(), "sus-it");
      assertThat(offline.ranking().getSuspectsList().subList(0, last.getSuspectsCount()))
          .isEqualTo(last.getSuspectsList());

      RoteCliTest.Run json = RoteCliTest.run("suspects", "sus-it", "--bootstrap-servers", bs, "--all", "--json");
      assertThat(json.code()).as(json.err()).isZero();
      JsonNode root = new ObjectMapper().readTree(json.out());
      assertThat(root.get("run_id").asText()).isEqualTo("sus-it");
      assertThat(root.get("step").asLong()).isEqualTo(96);
      JsonNode examples = root.get("examples");
      assertThat(examples).hasSize(2000);
      double[] scores = new double[2000];
      boolean[] flipped = new boolean[2000];
      for (int i = 0; i < 2000; i++) {
        JsonNode e = examples.get(i);
        assertThat(e.get("label_flipped").isBoolean()).isTrue();
        assertThat(e.get("predicted_label").isInt()).isTrue();
        assertThat(e.get("label").asInt()).isBetween(0, 9);
        assertThat(e.get("presentations").asInt()).isEqualTo(6);
        scores[i] = e.get("score").asDouble();
        flipped[i] = e.get("label_flipped").asBoolean();
      }
      assertThat(scores).isSortedAccordingTo((a, b) -> Double.compare(b, a));
      assertThat(Auroc.of(scores, flipped)).as("AUROC of the ranking against the injected flips").isGreaterThan(0.9);

      RoteCliTest.Run table = RoteCliTest.run("suspects", "sus-it", "--bootstrap-servers", bs, "--top", "5",
          "--export-clean", dir.resolve("keep.txt").toString(), "--export-relabel", dir.resolve("relabel.csv").toString());
      assertThat(table.code()).as(table.err()).isZero();
      assertThat(table.out()).contains("run sus-it at step 96 (epoch 5): 2000 examples ranked")
          .containsPattern("(?m)^ {4}5 ").doesNotContainPattern("(?m)^ {4}6 ").contains("AUROC");
      Set<Long> suspects = new HashSet<>();
      examples.forEach(e -> {
        if (e.get("score").asDouble() > 0.5) {
          suspects.add(e.get("example_id").asLong());
        }
      });
      List<Long> kept = Files.readAllLines(dir.resolve("keep.txt")).stream().filter(l -> !l.startsWith("#"))
          .map(Long::parseLong).toList();
      assertThat(kept).hasSize(2000 - suspects.size()).doesNotContainAnyElementsOf(suspects);
      assertThat(Files.readAllLines(dir.resolve("relabel.csv"))).filteredOn(l -> !l.startsWith("#")).first()
          .isEqualTo("example_id,label,suggested_label,score");

      RoteCliTest.Run csv = RoteCliTest.run("suspects", "sus-it", "--bootstrap-servers", bs, "--top", "3", "--csv");
      assertThat(csv.out().lines().toList()).hasSize(4).first().asString().startsWith("rank,example_id,score,label,");

      RoteCliTest.Run unknown = RoteCliTest.run("suspects", "no-such-run", "--bootstrap-servers", bs);
      assertThat(unknown.code()).isEqualTo(2);
      assertThat(unknown.err()).contains("unknown run id 'no-such-run'");
    }
  }

  @Test
  void shouldSayWhatARunLacksAndDeadLetterIdsOutsideItsTrainingSet() throws Exception {
    try (LocalPipeline pipeline = LocalPipeline.start(0, AnalyzerConfig.defaults(), RuleSet.defaults(),
        new SimpleMeterRegistry())) {
      KafkaSettings kafka = pipeline.kafka();
      try (var producer = new KafkaProducer<>(kafka.with(Map.of()), Topics.RUNS.keySerde().serializer(),
          new org.apache.kafka.common.serialization.ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(Topics.RUNS.name(), "no-ids", RunMetadata.newBuilder().setRunId("no-ids")
            .setStatus(RunStatus.RUN_STATUS_RUNNING).build().toByteArray()));
        producer.send(new ProducerRecord<>(Topics.RUNS.name(), "small", RunMetadata.newBuilder().setRunId("small")
            .setStatus(RunStatus.RUN_STATUS_RUNNING).setDataset(DatasetInfo.newBuilder().setTrainSize(10))
            .build().toByteArray()));
        producer.flush();
        Thread.sleep(2000); // the analyzer reads the metadata before the telemetry
        producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), "no-ids", batch("no-ids", 1, false, 3).toByteArray()));
        producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), "small", batch("small", 1, true, 12).toByteArray()))
            .get(10, TimeUnit.SECONDS);
      }
      RoteCliTest.Run noIds = RoteCliTest.run("suspects", "no-ids", "--bootstrap-servers",
          pipeline.broker().bootstrapServers());
      assertThat(noIds.code()).isEqualTo(2);
      assertThat(noIds.err()).contains("run no-ids: cannot rank its training examples")
          .contains("ExampleColumns.example_id is empty");

      RoteCliTest.Run small = RoteCliTest.run("suspects", "small", "--bootstrap-servers",
          pipeline.broker().bootstrapServers());
      assertThat(small.code()).isEqualTo(2);
      assertThat(small.err()).contains("run small: cannot rank its training examples: no batch summaries")
          .contains("1 telemetry record was left out as invalid");

      ConsumerRecord<String, byte[]> letter = awaitDeadLetter(kafka, "small");
      assertThat(DeadLetters.header(letter.headers(), DeadLetters.REASON)).isEqualTo("example_id_outside_training_set");
      assertThat(DeadLetters.header(letter.headers(), DeadLetters.MESSAGE)).contains("example id 12")
          .contains("declared training set of 10 examples");
    }
  }

  private static Telemetry batch(String run, long step, boolean ids, long id) {
    ExampleColumns.Builder e = ExampleColumns.newBuilder().addLabel(1).addPredicted(2).addLoss(0.3f);
    if (ids) {
      e.addExampleId(id);
    }
    return Telemetry.newBuilder().setRunId(run).setStep(step).setTimeMs(System.currentTimeMillis())
        .setBatch(BatchSummary.newBuilder().setLoss(0.3).setExamples(e)).build();
  }

  private static List<SuspectRanking> awaitRankings(KafkaSettings kafka, String run, long lastStep)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<SuspectRanking> rankings = List.of();
    while (System.nanoTime() < deadline) {
      rankings = RunTopics.read(kafka, Topics.SUSPECTS, run).values();
      if (!rankings.isEmpty() && rankings.get(rankings.size() - 1).getStep() >= lastStep) {
        return rankings;
      }
      Thread.sleep(500);
    }
    return rankings;
  }

  private static ConsumerRecord<String, byte[]> awaitDeadLetter(KafkaSettings kafka, String key) {
    try (var consumer = new KafkaConsumer<>(kafka.with(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "sus-it-dlq",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.DEAD_LETTER.name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r);
          if (key.equals(r.key())) {
            return r;
          }
        }
      }
      throw new AssertionError("no dead letter for " + key + " in 30 s; saw " + seen.size() + " others");
    }
  }
}
