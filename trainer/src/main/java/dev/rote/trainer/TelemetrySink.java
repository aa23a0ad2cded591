package dev.rote.trainer;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topic;
import dev.rote.trainer.internal.KafkaTelemetrySink;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Where the trainer's records go. {@link #offer} must return at once: a sink never blocks or
 * fails the training thread. Records it cannot keep are dropped and counted.
 */
public interface TelemetrySink extends AutoCloseable {

  /**
   * The sink {@link RoteTelemetry#start} publishes through: an asynchronous, idempotent, compressed
   * Kafka producer behind a buffer of at most {@code maxBufferedBytes}; records beyond it are dropped
   * and counted. Building, serializing and sending happen on a sender thread of its own.
   *
   * @param kafka the user's client properties, passed through; Rote adds producer defaults where unset
   * @param clientId {@code client.id} unless the user set one
   */
  static TelemetrySink kafka(KafkaSettings kafka, String clientId, long maxBufferedBytes) {
    return new KafkaTelemetrySink(kafka, clientId, maxBufferedBytes);
  }

  /**
   * Hands over one record. The value is built lazily, off the training thread where the sink has
   * one, so the supplier must capture copies, never live arrays.
   *
   * @param sizeHint approximate serialized size in bytes, used to bound the buffer
   * @return false when the record was dropped
   */
  <V> boolean offer(Topic<String, V> topic, String key, long sizeHint, Supplier<V> value);

  /** Records accepted and acknowledged by the destination. */
  default long sent() {
    return 0;
  }

  /** Records dropped: buffer full, delivery failed, or still pending at close. */
  default long dropped() {
    return 0;
  }

  /** Bytes accepted and not yet acknowledged. */
  default long bufferedBytes() {
    return 0;
  }

  /** Delivers what it can within {@code timeout}, then drops and counts the rest. */
  void close(Duration timeout);

  @Override
  default void close() {
    close(TelemetryConfig.DEFAULT_CLOSE_TIMEOUT);
  }
}
