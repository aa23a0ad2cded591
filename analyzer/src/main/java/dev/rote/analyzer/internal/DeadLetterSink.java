package dev.rote.analyzer.internal;

import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.DeadLetters;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;

/**
 * Sends a rejected input record to the dead-letter sink: the reason in headers, a log line, and a
 * count once the record is sent, unless the processor counted it before ({@link AnalyzerMetrics#counted()}).
 */
final class DeadLetterSink {

  /** Name of the dead-letter sink node every analyzer processor forwards rejects to. */
  static final String NAME = "deadletter-sink";

  private DeadLetterSink() {}

  /** @param processor the processor that rejects the record: the counter's tag */
  static <K> void forward(ProcessorContext<K, ? super byte[]> context, Record<K, byte[]> record, String reason,
      String message, AnalyzerMetrics metrics, Logger log, String processor) {
    var m = context.recordMetadata();
    String where = m.map(x -> x.topic() + "/" + x.partition() + "@" + x.offset()).orElse("unknown");
    log.warn("dead-lettering record {} (key {}): {}", where, record.key(), message);
    var headers = DeadLetters.headers("analyzer", reason, message, m.map(RecordMetadata::topic).orElse(null),
        m.map(RecordMetadata::partition).orElse(-1), m.map(RecordMetadata::offset).orElse(-1L));
    context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), NAME);
    if (metrics.counted().first(processor, m)) {
      metrics.deadLettered(reason, m.map(RecordMetadata::topic).orElse("unknown"), processor);
    }
  }
}
