package dev.rote.replay;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topic;
import dev.rote.contract.TopicReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads partitions of a Rote topic from their oldest retained record to their end, without a
 * consumer group and with {@code read_committed}, as raw bytes; values are parsed by the caller
 * with the topic's serde ({@link #parse}), so that a record that does not parse is noted, never
 * lost silently, and never stops the read.
 */
final class TopicScan {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final int IDLE_POLLS = 50;

  /** Where the partitions' retained logs start and end, as the read found them. */
  record Offsets(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {}

  private TopicScan() {}

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
    try (var consumer = TopicReader.open(kafka, clientId)) {
      List<TopicPartition> all = TopicReader.partitions(consumer, topic, TIMEOUT);
      List<TopicPartition> parts = partition == null ? all : List.of(new TopicPartition(topic, partition.applyAsInt(all.size())));
      consumer.assign(parts);
      Map<TopicPartition, Long> start = consumer.beginningOffsets(parts, TIMEOUT);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, TIMEOUT);
      parts.forEach(p -> consumer.seek(p, start.get(p)));
      if (!TopicReader.readTo(consumer, end, IDLE_POLLS, null, each)) {
        throw new IllegalStateException("could not read " + TopicReader.shortOf(consumer, end) + " to its end within "
            + IDLE_POLLS * TopicReader.POLL.toMillis() / 1000 + " s of silence");
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
