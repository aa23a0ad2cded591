package dev.rote.replay;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads partitions of a Rote topic from their oldest retained record to their end, without a
 * consumer group and with {@code read_committed}, as raw bytes; values are parsed by the caller
 * with the topic's serde ({@link #parse}), so that a record that does not parse is noted, never
 * lost silently, and never stops the read.
 */
final class TopicScan {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final int IDLE_POLLS = 50;
  private static final Duration POLL = Duration.ofMillis(200);

  /** Where the partitions' retained logs start and end, as the read found them. */
  record Offsets(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {}

  private TopicScan() {}

  /** Properties of a group-less, read-committed reader that fetches records as large as Rote's. */
  static Map<String, Object> readerProperties(KafkaSettings kafka, String clientId) {
    Map<String, Object> props = kafka.with(Map.of(
        ConsumerConfig.CLIENT_ID_CONFIG, clientId,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        // If retention deletes the oldest segment while we read, go on from the new oldest record.
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024));
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return props;
  }

  /** Reads every partition of {@code topic}. */
  static Offsets all(KafkaSettings kafka, String topic, String clientId, Consumer<ConsumerRecord<String, byte[]>> each) {
    return read(kafka, topic, clientId, null, each);
  }

  /** Reads one partition of {@code topic}: {@code partition} picks it from the topic's partition count. */
  static Offsets one(KafkaSettings kafka, String topic, String clientId,
      IntUnaryOperator partition, Consumer<ConsumerRecord<String, byte[]>> each) {
    return read(kafka, topic, clientId, partition, each);
  }

  private static Offsets read(KafkaSettings kafka, String topic, String clientId,
      IntUnaryOperator partition, Consumer<ConsumerRecord<String, byte[]>> each) {
    try (var consumer = new KafkaConsumer<>(readerProperties(kafka, clientId), new StringDeserializer(),
        new ByteArrayDeserializer())) {
      var infos = consumer.partitionsFor(topic, TIMEOUT);
      List<TopicPartition> parts = partition == null
          ? infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList()
          : List.of(new TopicPartition(topic, partition.applyAsInt(infos.size())));
      consumer.assign(parts);
      Map<TopicPartition, Long> start = consumer.beginningOffsets(parts, TIMEOUT);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, TIMEOUT);
      parts.forEach(p -> consumer.seek(p, start.get(p)));
      int idle = 0;
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && idle < IDLE_POLLS) {
        var batch = consumer.poll(POLL);
        idle = batch.isEmpty() ? idle + 1 : 0;
        batch.forEach(each);
      }
      for (TopicPartition p : parts) {
        if (consumer.position(p) < end.get(p)) {
          throw new IllegalStateException("could not read " + topic + " partition " + p.partition() + " to its end ("
              + consumer.position(p) + " of " + end.get(p) + ") within " + IDLE_POLLS * POLL.toMillis() / 1000
              + " s of silence");
        }
      }
      return new Offsets(start, end);
    }
  }

  /**
   * The record's value parsed with the topic's serde, or null after noting it in {@code unreadable}
   * when it does not parse or is null (a tombstone, which only compacted topics expect).
   */
  static <V> V parse(Topic<String, V> topic, ConsumerRecord<String, byte[]> record, List<Unreadable> unreadable) {
    if (record.value() == null) {
      unreadable.add(new Unreadable(record.topic(), record.partition(), record.offset(), "null value"));
      return null;
    }
    try {
      return topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (SerializationException e) {
      unreadable.add(new Unreadable(record.topic(), record.partition(), record.offset(), e.getMessage()));
      return null;
    }
  }
}
