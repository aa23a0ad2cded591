package dev.rote.reference.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.IndicatorNames;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Reading a run's epoch-level indicators back from a real broker, as the experiment does after each run. */
@Tag("integration")
class EpochIndicatorsIntegrationTest {

  private static Indicator value(String run, String name, long step, double v, Integer layer) {
    Indicator.Builder b = Indicator.newBuilder().setRunId(run).setName(name).setStep(step).setValue(v)
        .setStandardError(0.01);
    if (layer != null) {
      b.setLayer(layer);
    }
    return b.build();
  }

  @Test
  void shouldKeepTheRunsEpochValuesAndSayWhatItSkippedAndThatTheLastPassIsMissing() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
      try (Admin admin = Admin.create(kafka.with(Map.of()))) {
        new TopicProvisioner(3, null).ensureTopics(admin, Duration.ofSeconds(30));
      }
      long since = System.currentTimeMillis() - 60_000;
      try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.with(Map.of()), new StringSerializer(),
          new ByteArraySerializer())) {
        String topic = Topics.INDICATORS.name();
        p.send(new ProducerRecord<>(topic, "run-a", value("run-a", IndicatorNames.EPOCH_TRAIN_ACCURACY, 79, 0.6, null)
            .toByteArray()));
        p.send(new ProducerRecord<>(topic, "run-a", value("run-a", IndicatorNames.EPOCH_PREDICTION_FLIP_RATE, 158,
            0.3, null).toByteArray()));
        p.send(new ProducerRecord<>(topic, "run-a", value("run-a", IndicatorNames.EPOCH_PREDICTION_FLIP_RATE, 158,
            0.3, null).toByteArray())); // re-delivered: kept once
        p.send(new ProducerRecord<>(topic, "run-a", value("run-a", "prediction_flip_rate", 160, 0.2, null)
            .toByteArray())); // not epoch-level
        p.send(new ProducerRecord<>(topic, "run-a", value("run-a", IndicatorNames.EPOCH_TRAIN_ACCURACY, 158, 0.7, 1)
            .toByteArray())); // a layer's value
        p.send(new ProducerRecord<>(topic, "run-b", value("run-b", IndicatorNames.EPOCH_TRAIN_ACCURACY, 79, 0.5, null)
            .toByteArray())); // another run
        p.send(new ProducerRecord<>(topic, "run-a", new byte[] {1, 2, 3})); // unreadable
        p.send(new ProducerRecord<>(topic, "run-a", (byte[]) null)); // null
      }
      List<String> said = new ArrayList<>();

      List<EpochIndicators.Value> got = EpochIndicators.read(kafka, "run-a", since, 237, Duration.ofSeconds(2),
          said::add);

      assertThat(got).extracting(EpochIndicators.Value::name, EpochIndicators.Value::step).containsExactly(
          tuple(IndicatorNames.EPOCH_TRAIN_ACCURACY, 79L),
          tuple(IndicatorNames.EPOCH_PREDICTION_FLIP_RATE, 158L));
      assertThat(got.get(1).standardError()).isEqualTo(0.01);
      assertThat(said).anySatisfy(l -> assertThat(l).contains("no flip rate at the last step 237")
          .contains("keeping the 2 values read"));
      assertThat(said).anySatisfy(l -> assertThat(l).contains("skipped 2 unreadable record(s)"));

      said.clear();
      assertThat(EpochIndicators.read(kafka, "run-a", since, 158, Duration.ofSeconds(2), said::add)).hasSize(2);
      assertThat(said).as("complete: the flip rate of the last pass is there").noneMatch(l -> l.contains("no flip rate"));
    }
  }
}
