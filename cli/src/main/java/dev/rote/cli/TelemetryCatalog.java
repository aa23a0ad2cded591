package dev.rote.cli;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.StopSignal;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What each run has left on a topic: a scan of every partition from its oldest retained record,
 * reading only the step of each telemetry record (field 2) rather than parsing whole records.
 */
final class TelemetryCatalog {

  /** One run's retained telemetry: record count and the oldest and newest step still there. */
  record Span(long records, long oldestStep, long newestStep) {
    Span add(long step) {
      return new Span(records + 1, Math.min(oldestStep, step), Math.max(newestStep, step));
    }
  }

  private TelemetryCatalog() {}

  /** Run id to retained span of a telemetry topic. */
  static Map<String, Span> spans(KafkaSettings kafka, String topic) {
    Map<String, Span> out = new HashMap<>();
    scan(kafka, topic, (run, value) -> {
      long step = stepOf(value);
      if (step >= 0) {
        out.merge(run, new Span(1, step, step), (a, b) -> a.add(step));
      }
    });
    return out;
  }

  /** Signal id to signal, of a control or alerts topic. */
  static Map<String, StopSignal> signals(KafkaSettings kafka, String topic) {
    Map<String, StopSignal> out = new HashMap<>();
    scan(kafka, topic, (run, value) -> {
      try {
        StopSignal s = StopSignal.parseFrom(value);
        out.putIfAbsent(s.getSignalId(), s);
      } catch (InvalidProtocolBufferException e) {
        // not a signal: skip
      }
    });
    return out;
  }

  /** The {@code step} field (2) of a serialized {@code Telemetry}, or -1 if it cannot be read. */
  static long stepOf(byte[] value) {
    if (value == null) {
      return -1;
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(value);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == (2 << 3)) { // field 2, varint
          return in.readInt64();
        }
        if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  private static void scan(KafkaSettings kafka, String topic, java.util.function.BiConsumer<String, byte[]> each) {
    Map<String, Object> props = RunTopics.readerProperties(kafka, "rote-catalog");
    try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(15));
      int idle = 0;
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && idle < 50) {
        var batch = consumer.poll(Duration.ofMillis(200));
        idle = batch.isEmpty() ? idle + 1 : 0;
        batch.forEach(r -> {
          if (r.key() != null) {
            each.accept(r.key(), r.value());
          }
        });
      }
    }
  }
}
