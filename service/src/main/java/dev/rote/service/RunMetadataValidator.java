package dev.rote.service;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rote.contract.DeadLetters;
import dev.rote.contract.v1.RunMetadata;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Passes valid {@code rote.runs} records and tombstones on; dead-letters, counts and logs the rest. */
final class RunMetadataValidator implements Processor<String, byte[], String, byte[]> {

  private static final Logger log = LoggerFactory.getLogger(RunMetadataValidator.class);

  private final String service;
  private final CountedOffsets counted;
  private final Consumer<String> deadLettered;
  private final int maxBytes;
  private final List<String> validChildren;
  private ProcessorContext<String, byte[]> context;

  RunMetadataValidator(String service, CountedOffsets counted, Consumer<String> deadLettered, int maxBytes,
      List<String> validChildren) {
    this.validChildren = List.copyOf(validChildren);
    this.service = service;
    this.counted = counted;
    this.deadLettered = deadLettered;
    this.maxBytes = maxBytes;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      reject(record, "null_record", "run metadata record has a null key");
      return;
    }
    if (record.value() == null) {
      forwardValid(record); // a tombstone: the run is deleted
      return;
    }
    if (record.value().length > maxBytes) {
      reject(record, "too_large", "run metadata record of " + record.value().length + " bytes exceeds "
          + maxBytes);
      return;
    }
    RunMetadata m;
    try {
      m = RunMetadata.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      reject(record, "deserialization", "not a valid rote.v1.RunMetadata: " + e.getMessage());
      return;
    }
    if (!m.getRunId().equals(record.key())) {
      reject(record, "key_mismatch", "record key '" + record.key() + "' differs from run_id '" + m.getRunId() + "'");
      return;
    }
    forwardValid(record);
  }

  private void forwardValid(Record<String, byte[]> record) {
    for (String child : validChildren) {
      context.forward(record, child);
    }
  }

  private void reject(Record<String, byte[]> record, String reason, String message) {
    var m = context.recordMetadata();
    log.warn("dead-lettering run metadata record {} (key {}): {}",
        m.map(x -> x.topic() + "/" + x.partition() + "@" + x.offset()).orElse("unknown"), record.key(), message);
    var headers = DeadLetters.headers(service, reason, message, m.map(RecordMetadata::topic).orElse(null),
        m.map(RecordMetadata::partition).orElse(-1), m.map(RecordMetadata::offset).orElse(-1L));
    context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers),
        RunMetadataTopology.DEAD_LETTER_SINK);
    if (counted.first(RunMetadataTopology.VALIDATE, m)) {
      deadLettered.accept(reason);
    }
  }
}
