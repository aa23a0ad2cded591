package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link StopControl} against a real embedded broker: where it starts reading. */
@Tag("integration")
class StopControlIntegrationTest {

  /**
   * A signal published after the control set its start offsets on an empty topic, but before its first
   * poll, is read: the start is the end as it was when the control looked, not the end at the first
   * poll (a slow control thread on a loaded machine once lost a signal that way).
   */
  @Test
  void shouldReadASignalPublishedBetweenItsSeekAndItsFirstPoll() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
      try (Admin admin = Admin.create(kafka.with(Map.of()))) {
        new TopicProvisioner(1, null).ensureTopics(admin, Duration.ofSeconds(30));
      }
      StopSignal mine = StopSignal.newBuilder().setSignalId("sig-1").setRunId("run-seek").setRule("manual")
          .setReason("test").setAction(SignalAction.SIGNAL_ACTION_STOP).build();
      try (var producer = new KafkaProducer<>(kafka.with(Map.of()), Topics.CONTROL.keySerde().serializer(),
              Topics.CONTROL.valueSerde().serializer());
          StopControl control = new StopControl(kafka, "run-seek", 0, () -> {
            try {
              producer.send(new ProducerRecord<>(Topics.CONTROL.name(), "run-seek", mine)).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          })) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (control.stopSignal().isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(control.stopSignal()).contains(mine);
      }
    }
  }
}
