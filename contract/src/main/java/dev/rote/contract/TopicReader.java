package dev.rote.contract;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Bounded reads of Rote topics by commands (replay, runs, the experiment's read-back): a reader with no
 * consumer group and {@code read_committed}, assigned partitions rather than subscribed, that reads a
 * stretch of each partition up to offsets fixed before it starts and hands over raw bytes, so the caller
 * parses each value with the topic's serde and notes what does not parse instead of failing on it.
 */
public final class TopicReader {

  /** How long one poll waits for records. */
  public static final Duration POLL = Duration.ofMillis(200);

  private TopicReader() {}

  /**
   * The reader's properties: the user's client properties with a group-less, read-committed reader's
   * settings on top, and a fetch size that takes records as large as Rote's. A {@code group.id} the user
   * set is dropped: the reader commits nothing and must not join the user's group.
   */
  public static Map<String, Object> properties(KafkaSettings kafka, String clientId) {
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

  /** A reader with {@link #properties}; string keys and raw values. */
  public static KafkaConsumer<String, byte[]> open(KafkaSettings kafka, String clientId) {
    return new KafkaConsumer<>(properties(kafka, clientId), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Every partition of {@code topic}, as the cluster's metadata lists them within {@code timeout}. */
  public static List<TopicPartition> partitions(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
      String topic, Duration timeout) {
    return consumer.partitionsFor(topic, timeout).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  /**
   * Polls the consumer's assigned partitions until each one's position reaches its offset in {@code end},
   * handing every record to {@code each}. Gives up after {@code maxIdlePolls} empty polls in a row (the
   * broker has gone silent) or after {@code limit} (null for none).
   *
   * @return whether every partition reached its end
   */
  public static <K, V> boolean readTo(org.apache.kafka.clients.consumer.Consumer<K, V> consumer,
      Map<TopicPartition, Long> end, int maxIdlePolls, Duration limit, Consumer<ConsumerRecord<K, V>> each) {
    long t0 = System.nanoTime();
    int idle = 0;
    while (!reached(consumer, end)) {
      if (idle >= maxIdlePolls || limit != null && System.nanoTime() - t0 >= limit.toNanos()) {
        return false;
      }
      var batch = consumer.poll(POLL);
      idle = batch.isEmpty() ? idle + 1 : 0;
      batch.forEach(each);
    }
    return true;
  }

  /** The first partition whose position is short of its end, with both offsets, or null when all reached it. */
  public static String shortOf(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (var e : end.entrySet()) {
      long position = consumer.position(e.getKey());
      if (position < e.getValue()) {
        return e.getKey().topic() + " partition " + e.getKey().partition() + " (" + position + " of " + e.getValue() + ")";
      }
    }
    return null;
  }

  private static boolean reached(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
      Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }
}
