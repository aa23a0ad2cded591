package dev.rote.replay;

import com.google.protobuf.CodedInputStream;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topic;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.StopSignal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What each run has left on a topic: a scan of every partition from its oldest retained record,
 * reading only the step of each telemetry record (field 2) rather than parsing whole records.
 */
public final class TelemetryCatalog {

  /** One run's retained telemetry: record count and the oldest and newest step still there. */
  public record Span(long records, long oldestStep, long newestStep) {
    Span add(long step) {
      return new Span(records + 1, Math.min(oldestStep, step), Math.max(newestStep, step));
    }
  }

  private TelemetryCatalog() {}

  /** Run id to retained span of {@code rote.telemetry}; records without a readable step are noted. */
  public static Read<Map<String, Span>> spans(KafkaSettings kafka) {
    Map<String, Span> out = new HashMap<>();
    List<Unreadable> unreadable = new ArrayList<>();
    TopicScan.all(kafka, Topics.TELEMETRY.name(), "rote-catalog", r -> {
      if (r.key() == null) {
        return;
      }
      long step = stepOf(r.value());
      if (step >= 0) {
        out.merge(r.key(), new Span(1, step, step), (a, b) -> a.add(step));
      } else {
        unreadable.add(new Unreadable(r.topic(), r.partition(), r.offset(),
            r.value() == null ? "null value" : "no readable step in a rote.v1.Telemetry"));
      }
    });
    return new Read<>(out, unreadable);
  }

  /** Signal id to signal, of a control or alerts topic; records that are no signal are noted. */
  public static Read<Map<String, StopSignal>> signals(KafkaSettings kafka, Topic<String, StopSignal> topic) {
    Map<String, StopSignal> out = new HashMap<>();
    List<Unreadable> unreadable = new ArrayList<>();
    TopicScan.all(kafka, topic.name(), "rote-catalog", r -> {
      if (r.key() == null) {
        return;
      }
      StopSignal s = TopicScan.parse(topic, r, unreadable);
      if (s != null) {
        out.putIfAbsent(s.getSignalId(), s);
      }
    });
    return new Read<>(out, unreadable);
  }

  /**
   * The {@code step} field (2) of a serialized {@code Telemetry}, or -1 if it cannot be read: the
   * whole record is scanned, field by field, and a repeated field 2 counts as protobuf parsers count
   * it (the last one wins).
   */
  public static long stepOf(byte[] value) {
    if (value == null) {
      return -1;
    }
    long step = -1;
    try {
      CodedInputStream in = CodedInputStream.newInstance(value);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == (2 << 3)) { // field 2, varint
          step = in.readInt64();
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return step;
  }
}
