package dev.rote.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EmbeddedKafkaBrokerIntegrationTest {

  @Test
  void shouldCreateTopicsWithDeliberateSettingsAndKeepRecordsAcrossRestart(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("kafka");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, data);
        Admin admin = Admin.create(KafkaSettings.of(broker.bootstrapServers()).with(Map.of()))) {
      List<String> created =
          new TopicProvisioner(2, Duration.ofHours(5)).ensureTopics(admin, Duration.ofSeconds(30));
      assertThat(created).hasSize(Topics.ALL.size());

      var runs = new ConfigResource(ConfigResource.Type.TOPIC, Topics.RUNS.name());
      var telemetry = new ConfigResource(ConfigResource.Type.TOPIC, Topics.TELEMETRY.name());
      var configs = admin.describeConfigs(List.of(runs, telemetry)).all().get();
      assertThat(configs.get(runs).get("cleanup.policy").value()).isEqualTo("compact");
      ConfigEntry retention = configs.get(telemetry).get("retention.ms");
      assertThat(retention.value()).isEqualTo(Long.toString(Duration.ofHours(5).toMillis()));
      assertThat(configs.get(telemetry).get("cleanup.policy").value()).isEqualTo("delete");

      try (var producer =
          new KafkaProducer<>(
              KafkaSettings.of(broker.bootstrapServers()).with(Map.of()),
              new StringSerializer(),
              new StringSerializer())) {
        producer.send(new ProducerRecord<>(Topics.CONTROL.name(), "run-1", "hello")).get();
      }
      // A second call creates nothing.
      assertThat(new TopicProvisioner(2, null).ensureTopics(admin, Duration.ofSeconds(30))).isEmpty();
    }
    assertThat(Files.exists(data.resolve("meta.properties"))).isTrue();

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, data);
        var consumer =
            new KafkaConsumer<>(
                KafkaSettings.of(broker.bootstrapServers())
                    .with(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                        ConsumerConfig.GROUP_ID_CONFIG, "restart-check")),
                new StringDeserializer(),
                new StringDeserializer())) {
      consumer.subscribe(List.of(Topics.CONTROL.name()));
      String seen = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (seen == null && System.nanoTime() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
        for (var r : records) {
          seen = r.key() + "=" + r.value();
        }
      }
      assertThat(seen).isEqualTo("run-1=hello");
    }
  }

  @Test
  void shouldDeleteTemporaryDataDirectoryOnClose() {
    Path dir;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      dir = broker.dataDir();
      assertThat(Files.isDirectory(dir)).isTrue();
    }
    assertThat(Files.exists(dir)).isFalse();
  }
}
