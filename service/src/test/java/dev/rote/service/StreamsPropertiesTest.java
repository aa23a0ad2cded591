package dev.rote.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.KafkaSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

  private static final String LINGER = StreamsConfig.producerPrefix("linger.ms");

  @Test
  void shouldApplyTheSharedDefaultsWhereNothingElseIsSet() {
    Properties p = StreamsProperties.of(KafkaSettings.of("k:9092"), "rote-x", Path.of("/tmp/state"), Map.of());
    assertThat(p).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "rote-x")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "rote.deadletter")
        .containsEntry(StreamsConfig.producerPrefix("compression.type"), "zstd")
        .containsEntry(LINGER, 5)
        .containsEntry(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest")
        .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/tmp/state")
        .containsEntry("bootstrap.servers", "k:9092");
  }

  @Test
  void shouldLetTheServiceOverrideTheSharedDefaultsAndTheUserOverrideBoth() {
    KafkaSettings user = new KafkaSettings(Map.of("bootstrap.servers", "k:9092", LINGER, "20",
        StreamsConfig.APPLICATION_ID_CONFIG, "users-app"));
    Properties p = StreamsProperties.of(user, "rote-x", null, Map.of(LINGER, 2,
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50));
    assertThat(p).containsEntry(LINGER, "20").containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "users-app")
        .doesNotContainKey(StreamsConfig.STATE_DIR_CONFIG);
    assertThat(StreamsProperties.of(KafkaSettings.of("k:9092"), "rote-x", null, Map.of(LINGER, 2)))
        .containsEntry(LINGER, 2);
  }

  @Test
  void shouldFailOverFastByDefault() {
    Properties p = StreamsProperties.of(KafkaSettings.of("k:9092"), "rote-x", null,
        Map.of("group.instance.id", "rote-x-host-0"));
    assertThat(p).containsEntry("session.timeout.ms", 6000).containsEntry("heartbeat.interval.ms", 1500)
        .containsEntry(StreamsConfig.producerPrefix("transaction.timeout.ms"), 5000)
        .containsEntry("group.instance.id", "rote-x-host-0");
  }

  @Test
  void shouldLeaveStaticMembershipOutOfStreamsGroupsUnlessTheUserAsksForIt() {
    KafkaSettings streams = new KafkaSettings(Map.of("bootstrap.servers", "k:9092", "group.protocol", "streams"));
    assertThat(StreamsProperties.of(streams, "rote-x", null, Map.of("group.instance.id", "rote-x-host-0")))
        .containsEntry("group.protocol", "streams").doesNotContainKey("group.instance.id");
    KafkaSettings both = new KafkaSettings(Map.of("bootstrap.servers", "k:9092", "group.protocol", "streams",
        "group.instance.id", "mine"));
    assertThat(StreamsProperties.of(both, "rote-x", null, Map.of("group.instance.id", "rote-x-host-0")))
        .containsEntry("group.instance.id", "mine");
  }

  @Test
  void shouldTurnStaticMembershipOffWhenTheUserSetsAnEmptyGroupInstanceId() {
    KafkaSettings dynamic = new KafkaSettings(Map.of("bootstrap.servers", "k:9092", "group.instance.id", " "));
    assertThat(StreamsProperties.of(dynamic, "rote-x", null, Map.of("group.instance.id", "rote-x-host-0")))
        .doesNotContainKey("group.instance.id").containsEntry("session.timeout.ms", 6000);
  }

  @Test
  void shouldReadTheProducersTransactionTimeoutAsKafkaStreamsAppliesIt() {
    assertThat(StreamsProperties.transactionTimeout(StreamsProperties.of(KafkaSettings.of("k:9092"), "rote-x",
        null, Map.of()))).hasMillis(5000);
    // A producer-prefixed setting wins over a plain one, as in Kafka Streams.
    KafkaSettings both = new KafkaSettings(Map.of("bootstrap.servers", "k:9092", "transaction.timeout.ms", "30000",
        StreamsConfig.producerPrefix("transaction.timeout.ms"), " 7000 "));
    assertThat(StreamsProperties.transactionTimeout(StreamsProperties.of(both, "rote-x", null, Map.of())))
        .hasMillis(7000);
    Properties plain = new Properties();
    plain.put("transaction.timeout.ms", "30000");
    assertThat(StreamsProperties.transactionTimeout(plain)).hasMillis(30000);
    assertThat(StreamsProperties.transactionTimeout(new Properties())).as("Kafka Streams' default").hasMillis(10000);
  }
}
