package dev.rote.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.TelemetryConfig;
import dev.rote.reference.data.IdxDataset;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference trainer against a real embedded broker and real Fashion-MNIST. */
@Tag("integration")
class ReferenceTrainerIntegrationTest {

  static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");
  static IdxDataset data;

  @BeforeAll
  static void loadData() {
    assertThat(FASHION).as("Fashion-MNIST (apt-get install dataset-fashion-mnist; .ci/run does)")
        .isDirectory();
    data = IdxDataset.load(FASHION, 10).subsetTrain(640);
  }

  static TrainOptions options(String runId, int epochs) {
    TelemetryConfig t = TelemetryConfig.defaults(runId).withSampling(1, 5, 2, 5);
    t = new TelemetryConfig(runId, 1, 5, 2, 5, t.maxBufferedBytes(), Duration.ofSeconds(2));
    return new TrainOptions(FASHION, 0.2, 3, false, 640, epochs, 64, new int[] {32, 16}, 1e-3, 5, 4, t);
  }

  static KafkaSettings provision(EmbeddedKafkaBroker broker) throws Exception {
    KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
    try (Admin admin = Admin.create(kafka.with(Map.of()))) {
      new TopicProvisioner(3, null).ensureTopics(admin, Duration.ofSeconds(30));
    }
    return kafka;
  }

  @Test
  void shouldPublishTelemetryThatAnIndependentConsumerReadsBack() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = provision(broker);
      TrainOptions opts = options("it-publish", 2);
      ReferenceTrainer.Result result;
      try (RoteTelemetry telemetry = RoteTelemetry.start(opts.telemetry(), kafka, new SimpleMeterRegistry())) {
        result = new ReferenceTrainer(opts, data).run(telemetry, new ReferenceTrainer.Progress() {});
      }
      assertThat(result.status()).isEqualTo(RunStatus.RUN_STATUS_COMPLETED);
      assertThat(result.steps()).isEqualTo(20);

      List<Telemetry> records = new ArrayList<>();
      for (byte[] v : readAll(kafka, Topics.TELEMETRY.name())) {
        records.add(Telemetry.parseFrom(v));
      }
      List<Telemetry> batches = records.stream().filter(Telemetry::hasBatch).toList();
      List<Telemetry> probes = records.stream().filter(Telemetry::hasProbes).toList();
      List<Telemetry> evals = records.stream().filter(Telemetry::hasEvaluation).toList();
      assertThat(batches).extracting(Telemetry::getStep)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
      assertThat(records).extracting(Telemetry::getStep).isSorted();
      assertThat(batches).allSatisfy(t -> {
        var b = t.getBatch();
        assertThat(b.getBatchSize()).isEqualTo(64);
        assertThat(b.getExamples().getExampleIdCount()).isEqualTo(64);
        assertThat(b.getExamples().getLossList()).allSatisfy(l -> assertThat(l).isFinite().isNotNegative());
        assertThat(b.getExamples().getLabelList()).allSatisfy(l -> assertThat(l).isBetween(0, 9));
        assertThat(b.getExamples().getSensitivityCount()).isEqualTo(t.getStep() % 2 == 0 ? 64 : 0);
        assertThat(b.getExamples().getSensitivityList()).allSatisfy(s -> assertThat(s).isFinite().isPositive());
        assertThat(b.getExamples().getNoisyCount()).isEqualTo(64);
        assertThat(b.getLayersCount()).isEqualTo(t.getStep() % 5 == 0 ? 3 : 0);
        assertThat(b.getLoss()).isFinite();
      });
      // Step 0: the untrained network's probe, the NMF indicator's control; then every 5 steps.
      assertThat(probes).extracting(Telemetry::getStep).containsExactly(0L, 5L, 10L, 15L, 20L);
      assertThat(probes).allSatisfy(t -> {
        var layers = t.getProbes().getLayersList();
        assertThat(layers).extracting(l -> l.getActivations().getCols()).containsExactly(32, 16);
        assertThat(layers).allSatisfy(l -> {
          assertThat(l.getActivations().getRows()).isEqualTo(40);
          assertThat(l.getActivations().getDataCount()).isEqualTo(40 * l.getActivations().getCols());
          assertThat(l.getActivations().getDataList()).allSatisfy(v -> assertThat(v).isFinite().isNotNegative());
        });
        assertThat(t.getProbes().getLabelsList()).hasSize(40);
      });
      assertThat(evals).hasSize(2).allSatisfy(e -> {
        assertThat(e.getEvaluation().getSplit()).isEqualTo("test");
        assertThat(e.getEvaluation().getAccuracy()).isBetween(0.1, 1.0);
        assertThat(e.getEvaluation().getExampleCount()).isEqualTo(10_000);
      });

      RunMetadata last = lastRun(kafka);
      assertThat(last).isNotNull();
      assertThat(last.getStatus()).isEqualTo(RunStatus.RUN_STATUS_COMPLETED);
      assertThat(last.getLastStep()).isEqualTo(20);
      assertThat(last.getLabelNoise().getFlippedCount()).isEqualTo(128);
      assertThat(last.getModel().getLayersList()).extracting(l -> l.getNOut()).containsExactly(32L, 16L, 10L);
      assertThat(last.getProbeSet().getExampleIdsCount()).isEqualTo(40);
    }
  }

  @Test
  void shouldFinishTrainingAndCountDropsWhenTheBrokerStopsMidRun() throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    KafkaSettings kafka = provision(broker);
    TrainOptions opts = options("it-outage", 4);
    ReferenceTrainer.Result result;
    long sent;
    long dropped;
    long t0 = System.nanoTime();
    try (RoteTelemetry telemetry = RoteTelemetry.start(opts.telemetry(), kafka, new SimpleMeterRegistry())) {
      result = new ReferenceTrainer(opts, data).run(telemetry, new ReferenceTrainer.Progress() {
        @Override
        public void onEpoch(ReferenceTrainer.EpochReport report) {
          if (report.epoch() == 1) {
            // Let the first records be acknowledged, so that the run has both sent and dropped ones.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            try {
              while (telemetry.sink().sent() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            broker.close();
          }
        }
      });
      telemetry.close();
      sent = telemetry.sink().sent();
      dropped = telemetry.sink().dropped();
    } finally {
      broker.close();
    }
    assertThat(result.status()).isEqualTo(RunStatus.RUN_STATUS_COMPLETED);
    assertThat(result.steps()).isEqualTo(40);
    assertThat(sent).isPositive();
    assertThat(dropped).isPositive();
    // Nothing waited on the dead broker beyond the close timeout.
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
  }

  /** Trains with a stop signal (restore step 10) sent over Kafka after epoch 2. */
  private ReferenceTrainer.Result trainWithSignalAfterEpoch2(KafkaSettings kafka, String run, int epochs,
      StopOptions stop) throws Exception {
    return trainWithSignalAfterEpoch2(kafka, run, epochs, stop, b -> b);
  }

  /** Trains with a stop signal (restore step 10, then {@code signal}'s changes) sent after epoch 2. */
  private ReferenceTrainer.Result trainWithSignalAfterEpoch2(KafkaSettings kafka, String run, int epochs,
      StopOptions stop, java.util.function.UnaryOperator<StopSignal.Builder> signal) throws Exception {
    TrainOptions opts = options(run, epochs);
    try (RoteTelemetry telemetry = RoteTelemetry.start(opts.telemetry(), kafka, new SimpleMeterRegistry());
        var producer = new KafkaProducer<>(kafka.with(Map.of()), Topics.CONTROL.keySerde().serializer(),
            Topics.CONTROL.valueSerde().serializer())) {
      return new ReferenceTrainer(opts, data).run(telemetry, stop, new ReferenceTrainer.Progress() {
        @Override
        public void onEpoch(ReferenceTrainer.EpochReport report) {
          if (report.epoch() == 2) {
            StopSignal s = signal.apply(StopSignal.newBuilder().setSignalId("sig-1").setRunId(run)
                .setRule("manual").setReason("test").setAction(SignalAction.SIGNAL_ACTION_STOP)
                .setRestoreStep(10).setIssuedTimeMs(System.currentTimeMillis())).build();
            try {
              producer.send(new ProducerRecord<>(Topics.CONTROL.name(), run, s)).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        }
      });
    }
  }

  @Test
  void shouldStopAtTheNextStepBoundaryAndRestoreTheCheckpointWhenToldOverKafka(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = provision(broker);
      Path saved = dir.resolve("model.zip");
      ReferenceTrainer.Result result = trainWithSignalAfterEpoch2(kafka, "it-stop", 50, StopOptions.defaults().savingTo(saved));
      assertThat(result.status()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
      assertThat(result.stop()).hasValueSatisfying(s -> assertThat(s.getSignalId()).isEqualTo("sig-1"));
      assertThat(result.steps()).isGreaterThanOrEqualTo(20).isLessThan(500);
      assertThat(result.stopStep()).isEqualTo(result.steps());
      // 10 steps per epoch: the checkpoint of step 10 is the model evaluated after epoch 1
      assertThat(result.restoredStep()).isEqualTo(10);
      assertThat(result.testAccuracy().get(0)[0]).isEqualTo(10.0);
      assertThat(result.testAccuracyAtRestore()).isEqualTo(result.testAccuracy().get(0)[1]);
      assertThat(result.finalTestAccuracy()).isEqualTo(result.testAccuracyAtRestore());
      MultiLayerNetwork restored = MultiLayerNetwork.load(saved.toFile(), false);
      assertThat(TestScore.of(restored, data).accuracy())
          .isEqualTo(result.testAccuracyAtRestore());
      RunMetadata last = lastRun(kafka);
      assertThat(last.getStatus()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
      assertThat(last.getStopSignalId()).isEqualTo("sig-1");
      assertThat(last.getLastStep()).isEqualTo(result.steps());
      assertThat(last.getRestoredStep()).isEqualTo(10);
    }
  }

  @Test
  void shouldRestoreTheAverageOfTheCheckpointsAroundTheRestoreStepWhenAsked(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = provision(broker);
      Path saved = dir.resolve("model.zip");
      ReferenceTrainer.Result result = trainWithSignalAfterEpoch2(kafka, "it-average", 50,
          StopOptions.defaults().savingTo(saved).measuringAverage(10, 64));
      assertThat(result.status()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
      assertThat(result.restoredStep()).isEqualTo(10);
      // checkpoints at steps 10 and 20 lie within 10 steps of the restore step 10
      assertThat(result.testAccuracyAtRestoreAverage()).isBetween(0.1, 1.0);
      assertThat(result.finalTestAccuracy()).isEqualTo(result.testAccuracyAtRestoreAverage());
      MultiLayerNetwork restored = MultiLayerNetwork.load(saved.toFile(), false);
      assertThat(TestScore.of(restored, data).accuracy())
          .isEqualTo(result.testAccuracyAtRestoreAverage());
    }
  }

  @Test
  void shouldRestoreTheMeanOfTheStepCheckpointsInTheSignalsRestoreWindowByDefault(@TempDir Path dir)
      throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = provision(broker);
      Path saved = dir.resolve("model.zip");
      ReferenceTrainer.Result result = trainWithSignalAfterEpoch2(kafka, "it-window", 50,
          StopOptions.defaults().savingTo(saved), b -> b.setRestoreFromStep(0).setRestoreToStep(20));
      assertThat(result.status()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
      // checkpoints every 10 steps: the steps 10 and 20 lie in the window 0..20
      assertThat(result.restores()).anySatisfy(m -> {
        assertThat(m.policy()).isEqualTo("signal_window_steps");
        assertThat(m.steps()).containsExactly(10L, 20L);
        assertThat(m.testAccuracy()).isEqualTo(result.finalTestAccuracy());
      });
      assertThat(result.restoredStep()).as("the closest checkpoint, measured beside it").isEqualTo(10);
      assertThat(result.testAccuracyAtRestoreAverage()).isEqualTo(result.finalTestAccuracy());
      MultiLayerNetwork restored = MultiLayerNetwork.load(saved.toFile(), false);
      assertThat(TestScore.of(restored, data).accuracy()).isEqualTo(result.finalTestAccuracy());
    }
  }

  @Test
  void shouldOnlyRecordTheSignalWhenObservingAndTrainToTheEnd() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = provision(broker);
      ReferenceTrainer.Result result = trainWithSignalAfterEpoch2(kafka, "it-observe", 5, StopOptions.defaults().observeOnly());
      assertThat(result.status()).isEqualTo(RunStatus.RUN_STATUS_COMPLETED);
      assertThat(result.steps()).isEqualTo(50);
      assertThat(result.stop()).isPresent();
      assertThat(result.stopStep()).isBetween(20L, 49L);
      assertThat(result.restoredStep()).isEqualTo(10);
      assertThat(result.testAccuracyAtRestore()).isEqualTo(result.testAccuracy().get(0)[1]);
      assertThat(result.testAccuracy()).hasSize(5);
      assertThat(lastRun(kafka).getStatus()).isEqualTo(RunStatus.RUN_STATUS_COMPLETED);
    }
  }

  @Test
  void shouldPublishTheStopAndMeasureTheFullRunWhenContinuingAfterStop() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = provision(broker);
      ReferenceTrainer.Result result = trainWithSignalAfterEpoch2(kafka, "it-continue", 5,
          StopOptions.defaults().continuingAfterStop());
      assertThat(result.status()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
      assertThat(result.steps()).isBetween(20L, 49L);
      assertThat(result.testAccuracy()).hasSize(5);
      assertThat(result.fullRunTestAccuracy()).isEqualTo(result.testAccuracy().get(4)[1]);
      assertThat(result.testAccuracyAtRestore()).isEqualTo(result.testAccuracy().get(0)[1]);
      assertThat(result.finalTestAccuracy()).isEqualTo(result.testAccuracyAtRestore());
      RunMetadata last = lastRun(kafka);
      assertThat(last.getStatus()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
      assertThat(last.getLastStep()).isEqualTo(result.steps());
      assertThat(last.getRestoredStep()).isEqualTo(10);
    }
  }

  /** The latest run metadata record, read with a plain byte-array consumer. */
  static RunMetadata lastRun(KafkaSettings kafka) throws Exception {
    RunMetadata last = null;
    for (byte[] v : readAll(kafka, Topics.RUNS.name())) {
      last = RunMetadata.parseFrom(v);
    }
    return last;
  }

  /** Every value on a topic, partition by partition, read with plain byte-array consumers. */
  static List<byte[]> readAll(KafkaSettings kafka, String topic) {
    Map<String, Object> props = new HashMap<>(kafka.with(Map.of(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")));
    List<byte[]> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
      }
    }
    return out;
  }

  static boolean exists() {
    return Files.isDirectory(FASHION);
  }
}
