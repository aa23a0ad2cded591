package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What a DL4J user writes (the README's ten lines) against a real embedded broker: a residual CNN
 * graph trained with {@code graph.fit(iterator, epochs)}, content ids, a stop signal published over
 * Kafka mid-epoch, the restore, and the records as the analyzer will read them.
 */
@Tag("integration")
class UserProgramIntegrationTest {

  private static final String RUN = "user-program";

  @Test
  void shouldPublishEveryColumnAndStopAtTheStepAfterASignalFromKafka() throws Exception {
    int[] labels = new int[48];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 3;
    }
    DataSet all = new DataSet(TestNetworks.images(DataType.FLOAT, labels.length, 51),
        TestNetworks.oneHot(DataType.FLOAT, labels, 3));
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
      try (Admin admin = Admin.create(kafka.with(Map.of()))) {
        new TopicProvisioner(1, null).ensureTopics(admin, Duration.ofSeconds(30));
      }
      ComputationGraph graph = TestNetworks.residualCnn(DataType.FLOAT, 3, true);
      RunStatus status;
      Checkpoints checkpoints = new Checkpoints(2, 16, true);
      try (RoteTelemetry rote = RoteTelemetry.start(TelemetryConfig.defaults(RUN).withSampling(1, 2, 2, 4), kafka,
          null)) {
        rote.restoreOnStop(checkpoints).attach(graph);
        // Six steps an epoch; the signal is published after step 8 and has arrived before step 9 would start.
        graph.addListeners(publishSignalAfterStep(kafka, 8, rote));
        var train = new ListDataSetIterator<>(all.asList(), 8);
        rote.listener().setProbeSet(train, 4);
        status = rote.train(() -> graph.fit(rote.wrap(train), 20));
      }

      assertThat(status).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
      assertThat(graph.getIterationCount()).isEqualTo(8);
      List<Telemetry> telemetry = read(kafka, Topics.TELEMETRY.name(), Telemetry.class);
      List<BatchSummary> batches = telemetry.stream().filter(Telemetry::hasBatch).map(Telemetry::getBatch).toList();
      assertThat(batches).hasSize(8);
      BatchSummary second = batches.get(1);
      assertThat(second.getExamples().getExampleIdList()).containsExactly(8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
      assertThat(batches.get(7).getExamples().getExampleIdList()).as("epoch 1 repeats the ids")
          .isEqualTo(second.getExamples().getExampleIdList());
      assertThat(second.getExamples().getMarginCount()).isEqualTo(8);
      assertThat(second.getExamples().getSensitivityCount()).isEqualTo(8);
      assertThat(second.getLayersList()).extracting(l -> l.getName()).containsExactly("c1", "c2", "bn", "out");
      assertThat(telemetry.stream().filter(Telemetry::hasProbes).findFirst().orElseThrow().getProbes().getLayersList())
          .extracting(l -> l.getName()).containsExactly("c1", "relu");

      List<RunMetadata> runs = read(kafka, Topics.RUNS.name(), RunMetadata.class);
      RunMetadata last = runs.get(runs.size() - 1);
      assertThat(last.getStatus()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
      assertThat(last.getStopSignalId()).isEqualTo(RUN + "/manual");
      assertThat(last.getRestoredStep()).isEqualTo(4);
      assertThat(last.getExampleIds()).isEqualTo("content");
      assertThat(last.getDegradedList()).isEmpty();
      assertThat(last.getModel().getFramework()).isEqualTo("dl4j-ComputationGraph");
    }
  }

  /** Publishes a stop signal over Kafka after step {@code step} and waits until {@code rote} holds it. */
  private static BaseTrainingListener publishSignalAfterStep(KafkaSettings kafka, long step, RoteTelemetry rote) {
    return new BaseTrainingListener() {
      @Override
      public void iterationDone(Model model, int iteration, int epoch) {
        if (iteration + 1L != step) {
          return;
        }
        StopSignal signal = StopSignal.newBuilder().setSignalId(RUN + "/manual").setRunId(RUN).setRule("manual")
            .setReason("test").setRestoreStep(4).setAction(SignalAction.SIGNAL_ACTION_STOP)
            .setIssuedTimeMs(System.currentTimeMillis()).build();
        try (var producer = new KafkaProducer<>(kafka.with(Map.of()), Topics.CONTROL.keySerde().serializer(),
            Topics.CONTROL.valueSerde().serializer())) {
          producer.send(new ProducerRecord<>(Topics.CONTROL.name(), RUN, signal)).get(10, TimeUnit.SECONDS);
          // The control consumer may still be starting on a loaded machine: wait for it generously.
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
          while (!rote.shouldStop() && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  private static <V> List<V> read(KafkaSettings kafka, String topic, Class<V> type) {
    var serde = Topics.ALL.stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow().valueSerde();
    Map<String, Object> props = kafka.with(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
    List<V> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(props, new org.apache.kafka.common.serialization.StringDeserializer(),
        serde.deserializer())) {
      TopicPartition p = new TopicPartition(topic, 0);
      consumer.assign(List.of(p));
      consumer.seekToBeginning(List.of(p));
      long end = consumer.endOffsets(List.of(p)).get(p);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (consumer.position(p) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, ?> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(type.cast(r.value()));
        }
      }
    }
    return out;
  }
}
