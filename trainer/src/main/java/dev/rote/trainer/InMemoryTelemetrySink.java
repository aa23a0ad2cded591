package dev.rote.trainer;

import dev.rote.contract.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A sink that builds every record at once and keeps it in memory: for tests and for embedding
 * Rote's listener where no broker is wanted.
 */
public final class InMemoryTelemetrySink implements TelemetrySink {

  /** One record as it would have been sent. */
  public record Sent(String topic, String key, Object value) {}

  private final List<Sent> records = new ArrayList<>();

  @Override
  public synchronized <V> boolean offer(Topic<String, V> topic, String key, long sizeHint, Supplier<V> value) {
    records.add(new Sent(topic.name(), key, value.get()));
    return true;
  }

  /** Values sent to {@code topic}, in order. */
  public synchronized <V> List<V> values(Topic<String, V> topic, Class<V> type) {
    List<V> out = new ArrayList<>();
    for (Sent s : records) {
      if (s.topic().equals(topic.name())) {
        out.add(type.cast(s.value()));
      }
    }
    return out;
  }

  @Override
  public synchronized long sent() {
    return records.size();
  }

  @Override
  public void close(Duration timeout) {}
}
