package dev.rote.cli;

import dev.rote.contract.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads one run's records back from a Rote topic. Every record of a run is keyed by its run id, so
 * they all sit in the partition Kafka's default partitioner picks for that key; this reads that
 * partition from its oldest retained record to its end, without a consumer group.
 */
final class RunTopics {

  /** A run's records of one topic, and where the partition's retained log starts. */
  record Slice(List<ConsumerRecord<String, byte[]>> records, long logStartOffset, long endOffset) {}

  private RunTopics() {}

  /** The partition of {@code runId}'s records: Kafka's default partitioner (murmur2 of the key). */
  static int partitionFor(String runId, int partitions) {
    return Utils.toPositive(Utils.murmur2(runId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

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

  static Slice read(KafkaSettings kafka, String topic, String runId) {
    Map<String, Object> props = readerProperties(kafka, "rote-replay-reader");
    try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      int partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).size();
      TopicPartition tp = new TopicPartition(topic, partitionFor(runId, partitions));
      consumer.assign(List.of(tp));
      long start = consumer.beginningOffsets(List.of(tp), Duration.ofSeconds(15)).get(tp);
      long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(15)).get(tp);
      consumer.seek(tp, start);
      List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
      long idle = 0;
      while (consumer.position(tp) < end && idle < 50) {
        var batch = consumer.poll(Duration.ofMillis(200));
        idle = batch.isEmpty() ? idle + 1 : 0;
        for (var r : batch) {
          if (runId.equals(r.key())) {
            out.add(r);
          }
        }
      }
      if (consumer.position(tp) < end) {
        throw new IllegalStateException("could not read " + topic + " partition " + tp.partition() + " to its end ("
            + consumer.position(tp) + " of " + end + ") within 10 s of silence");
      }
      return new Slice(out, start, end);
    }
  }
}
