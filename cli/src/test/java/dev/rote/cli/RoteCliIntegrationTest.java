package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.StopSignal;
import dev.rote.replay.RunCatalog;
import dev.rote.replay.TelemetryCatalog;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class RoteCliIntegrationTest {

  @Test
  void shouldTrainListTheRunAndAcceptAManualStopOfRunningRunsOnly() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String bs = broker.bootstrapServers();
      RoteCliTest.Run train = RoteCliTest.run("train", "--bootstrap-servers", bs, "--train-size", "512",
          "--epochs", "2", "--hidden", "32", "--run-id", "cli-it", "--label-noise", "0.2");
      assertThat(train.code()).as(train.err()).isZero();
      assertThat(train.out()).contains("epoch   2/2").contains("run cli-it completed after 8 steps")
          .contains("telemetry sent");

      // A run that rote.runs does not know, or one that has ended, gets no signal unless forced.
      RoteCliTest.Run unknown = RoteCliTest.run("stop", "cli-other", "--bootstrap-servers", bs);
      assertThat(unknown.code()).isEqualTo(2);
      assertThat(unknown.err()).contains("run cli-other is not in rote.runs").contains("--force");
      assertThat(unknown.out()).doesNotContain("stop signal");
      RoteCliTest.Run ended = RoteCliTest.run("stop", "cli-it", "--bootstrap-servers", bs);
      assertThat(ended.code()).isEqualTo(2);
      assertThat(ended.err()).contains("run cli-it has already ended (completed)");
      assertThat(TelemetryCatalog.signals(KafkaSettings.of(bs), Topics.CONTROL).value()).isEmpty();

      RoteCliTest.Run stop = RoteCliTest.run("stop", "cli-other", "--bootstrap-servers", bs, "--reason", "by hand",
          "--force");
      assertThat(stop.code()).as(stop.err()).isZero();
      assertThat(stop.out()).contains("stop signal").contains("cli-other");
      assertThat(TelemetryCatalog.signals(KafkaSettings.of(bs), Topics.CONTROL).value().values())
          .singleElement().satisfies(s -> {
            assertThat(s.getRunId()).isEqualTo("cli-other");
            assertThat(s.getReason()).isEqualTo("by hand");
          });

      // A running run is stopped without --force.
      try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(KafkaSettings.of(bs).with(Map.of()),
          Topics.RUNS.keySerde().serializer(), Topics.RUNS.valueSerde().serializer())) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.RUNS.name(), "cli-running",
            RunMetadata.newBuilder().setRunId("cli-running").setStatus(RunStatus.RUN_STATUS_RUNNING).build())).get();
      }
      RoteCliTest.Run running = RoteCliTest.run("stop", "cli-running", "--bootstrap-servers", bs);
      assertThat(running.code()).as(running.err()).isZero();
      assertThat(TelemetryCatalog.signals(KafkaSettings.of(bs), Topics.CONTROL).value().values())
          .extracting(StopSignal::getRunId).containsExactlyInAnyOrder("cli-other", "cli-running");

      RoteCliTest.Run runs = RoteCliTest.run("runs", "--bootstrap-servers", bs);
      assertThat(runs.code()).as(runs.err()).isZero();
      assertThat(runs.out()).contains("cli-it").contains("completed").contains("symmetric 0.2");
    }
  }

  @Test
  void shouldTrainOnADataSetOfAnotherImageSizeAndClassCount(@TempDir Path dir) throws Exception {
    // 12 classes in 10x10 images: neither Fashion-MNIST's 10 classes nor its 28x28
    Path data = Files.createDirectory(dir.resolve("twelve"));
    writeIdx(data, "train", 240, 12, 10, 1);
    writeIdx(data, "t10k", 60, 12, 10, 2);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String bs = broker.bootstrapServers();
      RoteCliTest.Run tooMany = RoteCliTest.run("train", "--bootstrap-servers", bs, "--data", data.toString());
      assertThat(tooMany.code()).isEqualTo(2);
      assertThat(tooMany.err()).contains("--train-size must be in [1, 240], was 10000 (twelve has 240 training "
          + "examples; --train-size 0 trains on all of them)");
      for (String model : new String[] {"mlp", "cnn"}) {
        RoteCliTest.Run train = RoteCliTest.run("train", "--bootstrap-servers", bs, "--data", data.toString(),
            "--model", model, "--train-size", "0", "--epochs", "2", "--batch-size", "32", "--run-id", "twelve-" + model,
            "--label-noise", "0.4", "--noise-mode", "asymmetric");
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.out()).contains("run twelve-" + model + " completed after 16 steps");
        RunMetadata run = RunCatalog.read(KafkaSettings.of(bs)).value().get("twelve-" + model);
        assertThat(run.getDataset().getNumClasses()).isEqualTo(12);
        assertThat(run.getDataset().getInputSize()).isEqualTo(100);
      }
    }
  }

  /** Writes {@code n} images of {@code side}x{@code side} and their labels, cycling through {@code classes}. */
  private static void writeIdx(Path dir, String split, int n, int classes, int side, long seed) throws IOException {
    Random rnd = new Random(seed);
    try (DataOutputStream images = new DataOutputStream(Files.newOutputStream(dir.resolve(split + "-images-idx3-ubyte")));
        DataOutputStream labels = new DataOutputStream(Files.newOutputStream(dir.resolve(split + "-labels-idx1-ubyte")))) {
      images.writeInt(0x803);
      images.writeInt(n);
      images.writeInt(side);
      images.writeInt(side);
      labels.writeInt(0x801);
      labels.writeInt(n);
      for (int i = 0; i < n; i++) {
        int label = i % classes;
        labels.writeByte(label);
        for (int p = 0; p < side * side; p++) {
          images.writeByte(Math.min(255, (p % classes == label ? 160 : 0) + rnd.nextInt(96)));
        }
      }
    }
  }
}
