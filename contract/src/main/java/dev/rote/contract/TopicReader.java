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
   * The reader's properties: the user's client properties, passed through, with a group-less,
   * read-committed reader's settings where the user set none, and a fetch size that takes records as
   * large as Rote's. A {@code group.id} the user set is dropped: the reader commits nothing and must
   * not join the user's group.
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
   * handing {@code each} every record below its partition's end; a record at or past it is left
   * unread (the position set back to it, for a later read), and a partition that reached its end is
   * paused, so records written since do not count as progress. Gives up after {@code maxIdlePolls}
   * polls in a row that bring nothing below the ends (the broker has gone silent) or after {@code limit}
   * (null for none). Partitions it paused are resumed before it returns.
   *
   * @return whether every partition reached its end
   */
  public static <K, V> boolean readTo(org.apache.kafka.clients.consumer.Consumer<K, V> consumer,
      Map<TopicPartition, Long> end, int maxIdlePolls, Duration limit, Consumer<ConsumerRecord<K, V>> each) {
    long t0 = System.nanoTime();
    List<TopicPartition> paused = new java.util.ArrayList<>();
    try {
      int idle = 0;
      while (true) {
        for (var e : end.entrySet()) {
          if (!paused.contains(e.getKey()) && consumer.position(e.getKey()) >= e.getValue()) {
            consumer.pause(List.of(e.getKey()));
            paused.add(e.getKey());
          }
        }
        if (paused.size() == end.size()) {
          return true;
        }
        if (idle >= maxIdlePolls || limit != null && System.nanoTime() - t0 >= limit.toNanos()) {
          return false;
        }
        boolean progress = false;
        java.util.Set<TopicPartition> rewound = new java.util.HashSet<>();
        for (ConsumerRecord<K, V> r : consumer.poll(POLL)) {
          TopicPartition p = new TopicPartition(r.topic(), r.partition());
          Long stop = end.get(p);
          if (stop != null && r.offset() < stop) {
            each.accept(r);
            progress = true;
          } else if (stop != null && rewound.add(p)) {
            consumer.seek(p, r.offset()); // past the end: left for a later read, from here
          }
        }
        idle = progress ? 0 : idle + 1;
      }
    } finally {
      consumer.resume(paused);
    }
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
}
