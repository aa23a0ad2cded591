package dev.rote.replay;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topic;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads one run's records back from a Rote topic. Every record of a run is keyed by its run id, so
 * they all sit in the partition Kafka's default partitioner picks for that key; this reads that
 * partition from its oldest retained record to its end, without a consumer group.
 */
public final class RunTopics {

  /**
   * A run's records of one topic, and where the partition's retained log starts.
   *
   * @param records the run's records whose values parsed, in offset order
   * @param unreadable the run's records that did not parse or had no value
   * @param logStartOffset the partition's oldest retained offset (above 0 once retention deleted some)
   * @param endOffset the partition's end when the read began
   */
  public record Slice<V>(List<ConsumerRecord<String, V>> records, List<Unreadable> unreadable, long logStartOffset,
      long endOffset) {

    public Slice {
      records = List.copyOf(records);
      unreadable = List.copyOf(unreadable);
    }

    /** The values of {@link #records()}. */
    public List<V> values() {
      return records.stream().map(ConsumerRecord::value).toList();
    }
  }

  private RunTopics() {}

  /** The partition of {@code runId}'s records: Kafka's default partitioner (murmur2 of the key). */
  public static int partitionFor(String runId, int partitions) {
    return Utils.toPositive(Utils.murmur2(runId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** The records of run {@code runId} on {@code topic}, parsed with the topic's value serde. */
  public static <V> Slice<V> read(KafkaSettings kafka, Topic<String, V> topic, String runId) {
    List<ConsumerRecord<String, V>> records = new ArrayList<>();
    Slice<V> scanned = scan(kafka, topic, runId, records::add);
    return new Slice<>(records, scanned.unreadable(), scanned.logStartOffset(), scanned.endOffset());
  }

  /**
   * Hands each record of run {@code runId} on {@code topic}, parsed with the topic's value serde, to
   * {@code each} as it is read, without keeping it: for runs too long to hold in memory.
   *
   * @return the records that could not be read and the partition's offsets; no records
   */
  public static <V> Slice<V> scan(KafkaSettings kafka, Topic<String, V> topic, String runId,
      Consumer<ConsumerRecord<String, V>> each) {
    List<Unreadable> unreadable = new ArrayList<>();
    TopicScan.Offsets offsets = TopicScan.one(kafka, topic.name(), "rote-replay-reader",
        partitions -> partitionFor(runId, partitions), r -> {
          if (runId.equals(r.key())) {
            V value = TopicScan.parse(topic, r, unreadable);
            if (value != null) {
              each.accept(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), value));
            }
          }
        });
    TopicPartition tp = offsets.start().keySet().iterator().next();
    return new Slice<>(List.of(), unreadable, offsets.start().get(tp), offsets.end().get(tp));
  }
}
