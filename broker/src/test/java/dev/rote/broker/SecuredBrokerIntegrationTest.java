package dev.rote.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.broker.SecurityFiles.Role;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured embedded broker with the files of {@code ./rote security init}: who gets in, and what
 * each role may do, checked with real Kafka clients.
 */
@Tag("integration")
class SecuredBrokerIntegrationTest {

  @TempDir static Path dir;
  static EmbeddedKafkaBroker broker;
  static SecurityFiles files;

  @BeforeAll
  static void start() throws Exception {
    files = SecurityFiles.init(dir.resolve("security"), List.of(), false);
    broker = EmbeddedKafkaBroker.start(0, null, BrokerSecurity.load(files.dir()));
    try (Admin admin = Admin.create(broker.adminClient())) {
      new TopicProvisioner(2, null).ensureTopics(admin, Duration.ofSeconds(30));
    }
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  static Map<String, Object> client(Role role, Map<String, Object> more) {
    Map<String, Object> p = KafkaSettings.load(broker.bootstrapServers(), files.clientProperties(role)).with(more);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    return p;
  }

  static void send(Role role, String topic) throws Exception {
    try (var p = new KafkaProducer<>(client(role, Map.of()), new StringSerializer(), new StringSerializer())) {
      p.send(new ProducerRecord<>(topic, "run-1", "x")).get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldRefuseAClientWithoutCredentialsOrWithAWrongPassword() {
    Map<String, Object> plain = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
    // The admin's own 5 s API timeout ends each call with an ExecutionException; the 30 s bound only
    // catches a hang (on a loaded 2-core host the refusal itself has taken more than 10 s).
    try (Admin admin = Admin.create(plain)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
    Map<String, Object> wrong = client(Role.TRAINER, Map.of());
    wrong.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
        + "username=\"trainer\" password=\"guessed\";");
    wrong.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    wrong.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
    try (Admin admin = Admin.create(wrong)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void shouldLetATrainerWriteTelemetryAndRunsAndReadControlButNotWriteControl() throws Exception {
    send(Role.TRAINER, Topics.TELEMETRY.name());
    send(Role.TRAINER, Topics.RUNS.name());
    assertThatThrownBy(() -> send(Role.TRAINER, Topics.CONTROL.name()))
        .hasCauseInstanceOf(TopicAuthorizationException.class);
    assertThatThrownBy(() -> send(Role.ANALYZER, Topics.CONTROL.name()))
        .hasCauseInstanceOf(TopicAuthorizationException.class);
    send(Role.ALERTING, Topics.CONTROL.name());
    send(Role.ADMIN, Topics.CONTROL.name());

    Map<String, Object> reader = client(Role.TRAINER, Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
    try (var c = new KafkaConsumer<>(reader, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> all = c.partitionsFor(Topics.CONTROL.name(), Duration.ofSeconds(10)).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(all);
      c.seekToBeginning(all);
      int read = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (read < 2 && System.nanoTime() < deadline) {
        read += c.poll(Duration.ofMillis(200)).count();
      }
      assertThat(read).as("the trainer reads the control topic").isEqualTo(2);
      c.assign(List.of(new TopicPartition(Topics.TELEMETRY.name(), 0)));
      assertThatThrownBy(() -> c.poll(Duration.ofSeconds(5))).isInstanceOf(TopicAuthorizationException.class);
    }
  }
}
