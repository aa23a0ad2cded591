package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.AlertingMetrics;
import dev.rote.alerting.AlertingService;
import dev.rote.alerting.RuleSet;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.DeadLetters;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.StopSignal;
import dev.rote.service.KafkaOptions;
import dev.rote.trainer.StopControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alerting service on the real embedded broker: indicators in, a trainer's control consumer stopped. */
@Tag("integration")
class AlertingIntegrationTest {

  static final RuleSet RULES = RuleSet.parse("""
      rules:
        - name: flips
          monitor: prediction_flip_rate
          patience: 2
      """, "test");

  private static void send(KafkaProducer<String, byte[]> p, String run, long step, double value) throws Exception {
    Indicator i = Indicator.newBuilder().setRunId(run).setName("prediction_flip_rate").setStep(step).setValue(value)
        .setSourceTimeMs(System.currentTimeMillis()).build();
    p.send(new ProducerRecord<>(Topics.INDICATORS.name(), run, i.toByteArray())).get(10, TimeUnit.SECONDS);
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(KafkaSettings kafka, String topic, Duration wait) {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (var c = new KafkaConsumer<>(kafka.with(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void shouldStopTheTrainerOnceEvenAcrossARestartAndDeadLetterGarbage(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      scenario(broker.bootstrapServers(), dir);
    }
  }

  /** The scenario on any cluster. */
  static void scenario(String bootstrapServers, Path dir) throws Exception {
    {
      KafkaSettings kafka = KafkaOptions.connect(bootstrapServers, null, 3, "1d");
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (StopControl control = new StopControl(kafka, "run-it", System.currentTimeMillis() - 1000);
          var producer = new KafkaProducer<>(kafka.with(Map.of()), new StringSerializer(), new ByteArraySerializer())) {
        AlertingService service = new AlertingService(kafka, RULES, "alerting-it", registry, dir.resolve("a"));
        service.start(Duration.ofSeconds(60));
        send(producer, "run-it", 10, 0.30);
        send(producer, "run-it", 20, 0.20);
        send(producer, "run-it", 30, 0.25);
        producer.send(new ProducerRecord<>(Topics.INDICATORS.name(), "run-it", new byte[] {(byte) 0xff, 7})).get();
        long sent = System.nanoTime();
        send(producer, "run-it", 40, 0.26); // second evaluation without improvement: fires
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (control.stopSignal().isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertThat(control.stopSignal()).as("trainer received the stop signal").isPresent();
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(5));
        StopSignal s = control.stopSignal().get();
        assertThat(s.getStep()).isEqualTo(40);
        assertThat(s.getRestoreStep()).isEqualTo(20);
        assertThat(s.getSignalId()).isEqualTo("run-it/flips");
        assertThat(registry.get(AlertingMetrics.STOP_SIGNALS).tag("run", "run-it").counter().count()).isEqualTo(1.0);
        service.close(Duration.ofSeconds(20));

        // A restarted instance (new local state, restored from the changelog) sees the same values
        // again and later ones: the rule has fired for this run, nothing more is sent.
        AlertingService again = new AlertingService(kafka, RULES, "alerting-it", new SimpleMeterRegistry(),
            dir.resolve("b"));
        again.start(Duration.ofSeconds(60));
        send(producer, "run-it", 40, 0.26);
        send(producer, "run-it", 50, 0.40);
        send(producer, "run-it", 60, 0.50);
        Thread.sleep(2000);
        again.close(Duration.ofSeconds(20));
      }
      assertThat(readAll(kafka, Topics.CONTROL.name(), Duration.ofSeconds(3))).as("one signal per rule and run")
          .hasSize(1);
      assertThat(readAll(kafka, Topics.DEAD_LETTER.name(), Duration.ofSeconds(2))).singleElement().satisfies(r -> {
        assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE)).isEqualTo("alerting");
        assertThat(DeadLetters.header(r.headers(), DeadLetters.REASON)).isEqualTo("deserialization");
      });
      assertThat(registry.get(AlertingMetrics.DEAD_LETTERED).tag("reason", "deserialization").tag("topic", "rote.indicators").counter().count())
          .isEqualTo(1.0);
    }
  }
}
