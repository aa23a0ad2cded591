package dev.rote.service;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * The Kafka Streams properties of a Rote service, from three layers: the user's client properties
 * (passed through untouched), then the service's own settings, then the defaults every Rote
 * service shares. Each layer adds only what the ones before it left unset.
 */
public final class StreamsProperties {

  private StreamsProperties() {}

  /**
   * The defaults every Rote Kafka Streams service shares: exactly-once v2, the brokers' default
   * replication, bad records logged and routed to {@code rote.deadletter}, producers that send
   * records as large as Rote's topics take, compressed with zstd after a 5 ms linger, consumers
   * of a new application that start from the earliest record, and fast failover: a dead instance
   * leaves the group after 6 s ({@code session.timeout.ms}, Kafka's default 45 s) and its open
   * transaction is aborted after 5 s ({@code transaction.timeout.ms}, Kafka Streams' default 10 s),
   * measured in docs/RELIABILITY.md.
   */
  public static Map<String, Object> sharedDefaults() {
    Map<String, Object> d = new HashMap<>();
    d.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    d.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    d.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTER.name());
    d.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueProcessingExceptionHandler.class.getName());
    d.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
    d.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topics.MAX_MESSAGE_BYTES);
    d.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "zstd");
    // Streams' exactly-once default of linger.ms=100 stalls every commit; 5 ms triples throughput here.
    d.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    d.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    d.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
    d.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1500);
    d.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 5000);
    return d;
  }

  /**
   * The producers' {@code transaction.timeout.ms} in Kafka Streams properties made by
   * {@link #of}: the producer-prefixed setting, else the plain one, else Kafka Streams' default.
   */
  public static Duration transactionTimeout(Properties props) {
    Object v = props.get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
    if (v == null) {
      v = props.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
    }
    return Duration.ofMillis(v == null ? 10_000 : Long.parseLong(v.toString().trim()));
  }

  /**
   * @param applicationId Kafka Streams application id, unless the user's properties set one
   * @param stateDir local state directory, or null for Kafka Streams' default
   * @param serviceSettings the service's own settings (e.g. {@code group.instance.id} from
   *     {@link InstanceId}); they win over the shared defaults. An empty {@code group.instance.id}
   *     in the user's properties leaves it out: dynamic membership
   */
  public static Properties of(KafkaSettings kafka, String applicationId, Path stateDir,
      Map<String, ?> serviceSettings) {
    Map<String, Object> defaults = sharedDefaults();
    defaults.putAll(serviceSettings);
    defaults.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    if (stateDir != null) {
      defaults.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    }
    Properties props = new Properties();
    props.putAll(kafka.with(defaults));
    Object instance = kafka.properties().get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    if (instance != null && instance.toString().isBlank()) {
      // An empty group.instance.id (Kafka refuses one) is how a user turns static membership off.
      props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    } else if ("streams".equals(String.valueOf(props.get(StreamsConfig.GROUP_PROTOCOL_CONFIG)))
        && instance == null) {
      // Brokers before Kafka 4.4 refuse static membership in streams groups, fatally.
      props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    }
    return props;
  }
}
