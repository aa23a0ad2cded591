package dev.rote.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three Kafka nodes in three processes: replicated topics, a node killed and restarted on its data. */
@Tag("integration")
class KafkaClusterIntegrationTest {

  @Test
  void shouldKeepAcceptingAndServingRecordsWhileOneOfThreeNodesIsKilled(@TempDir Path dir) throws Exception {
    try (KafkaCluster cluster = KafkaCluster.start(3, 0, dir.resolve("cluster"), Map.of(), Duration.ofSeconds(120));
        Admin admin = Admin.create(KafkaSettings.of(cluster.bootstrapServers()).with(Map.of()))) {
      assertThat(cluster.nodes()).hasSize(3);
      new TopicProvisioner(2, null).ensureTopics(admin, Duration.ofSeconds(30));
      TopicDescription telemetry = admin.describeTopics(List.of(Topics.TELEMETRY.name())).allTopicNames().get()
          .get(Topics.TELEMETRY.name());
      assertThat(telemetry.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
      var topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.TELEMETRY.name());
      assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("min.insync.replicas").value())
          .isEqualTo("2");

      String key = "run-1";
      int leader = telemetry.partitions().get(partition(key, 2)).leader().id();
      try (var producer = new KafkaProducer<>(KafkaSettings.of(cluster.bootstrapServers()).with(Map.of(
          ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000)),
          new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 50; i++) {
          producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), key, "before-" + i)).get();
        }
        long pid = cluster.pid(leader);
        cluster.kill(leader);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        for (int i = 0; i < 50; i++) {
          producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), key, "during-" + i)).get();
        }
        TopicPartitionInfo p = admin.describeTopics(List.of(Topics.TELEMETRY.name())).allTopicNames().get()
            .get(Topics.TELEMETRY.name()).partitions().get(partition(key, 2));
        assertThat(p.leader().id()).isNotEqualTo(leader);

        cluster.restart(leader, Duration.ofSeconds(120));
        for (int i = 0; i < 50; i++) {
          producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), key, "after-" + i)).get();
        }
      }
      assertThat(readAll(cluster.bootstrapServers(), 150)).hasSize(150)
          .startsWith("before-0").contains("during-49").endsWith("after-49");
      awaitIsr(admin, key, 3);
    }
  }

  private static void awaitIsr(Admin admin, String key, int size) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int isr = 0;
    while (System.nanoTime() < deadline) {
      isr = admin.describeTopics(List.of(Topics.TELEMETRY.name())).allTopicNames().get()
          .get(Topics.TELEMETRY.name()).partitions().get(partition(key, 2)).isr().size();
      if (isr == size) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(isr).as("in-sync replicas once the node is back").isEqualTo(size);
  }

  private static List<String> readAll(String bootstrap, int expected) {
    List<String> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(KafkaSettings.of(bootstrap).with(Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
        "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")), new StringDeserializer(),
        new StringDeserializer())) {
      consumer.subscribe(List.of(Topics.TELEMETRY.name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(300)).forEach(r -> out.add(r.value()));
      }
    }
    return out;
  }

  static int partition(String key, int partitions) {
    return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
        key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
  }
}
