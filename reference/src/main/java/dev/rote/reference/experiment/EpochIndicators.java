package dev.rote.reference.experiment;

import dev.rote.contract.IndicatorNames;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicReader;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Reads back the epoch-level indicators the analyzer committed for one run (the series the built-in
 * stop rule reads), so an experiment can keep them beside its accuracies and a changed rule can be
 * replayed on recorded runs without training them again.
 */
public final class EpochIndicators {

  /**
   * One epoch-level value as committed on {@code rote.indicators}.
   *
   * @param standardError the value's standard error, NaN when the analyzer sent none
   */
  public record Value(String name, long step, int epoch, double value, double standardError) {
    public Value {
      Objects.requireNonNull(name, "name");
    }
  }

  private EpochIndicators() {}

  /**
   * The run's epoch-level indicators ({@link IndicatorNames#EPOCH_ORDER}), ordered by step then name,
   * from the records written since {@code sinceMs}. Reads the topic to its end; while the flip rate of
   * the pass that ends at {@code lastStep} is missing (the analyzer still working), reads on for up to
   * {@code wait}. Never throws for what it reads: unreadable records are skipped and a Kafka error ends
   * the read, each told to {@code progress} with what was read up to then.
   */
  public static List<Value> read(KafkaSettings kafka, String runId, long sinceMs, long lastStep, Duration wait,
      Consumer<String> progress) {
    Map<String, Value> byKey = new HashMap<>();
    List<String> unreadable = new ArrayList<>();
    long deadline = System.nanoTime() + wait.toNanos();
    boolean complete = false;
    try (KafkaConsumer<String, byte[]> consumer = TopicReader.open(kafka, "rote-experiment-indicators")) {
      List<TopicPartition> parts = TopicReader.partitions(consumer, Topics.INDICATORS.name(), wait);
      consumer.assign(parts);
      Map<TopicPartition, Long> since = new HashMap<>();
      parts.forEach(p -> since.put(p, sinceMs));
      consumer.offsetsForTimes(since).forEach((p, o) -> {
        if (o == null) {
          consumer.seekToEnd(List.of(p)); // nothing written since: only what comes next
        } else {
          consumer.seek(p, o.offset());
        }
      });
      while (!complete && System.nanoTime() < deadline) {
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        TopicReader.readTo(consumer, consumer.endOffsets(parts), Integer.MAX_VALUE, left, r -> {
          if (!runId.equals(r.key())) {
            return;
          }
          Value v = parse(r.value(), runId);
          if (v == UNREADABLE) {
            unreadable.add(r.partition() + "@" + r.offset());
          } else if (v != null) {
            byKey.put(v.name() + "@" + v.step(), v);
          }
        });
        complete = byKey.values().stream().anyMatch(v -> v.step() >= lastStep
            && v.name().equals(IndicatorNames.EPOCH_PREDICTION_FLIP_RATE));
        if (!complete) {
          sleep();
        }
      }
    } catch (KafkaException e) {
      progress.accept("  epoch indicators: reading " + Topics.INDICATORS.name() + " failed (" + e + "); keeping the "
          + byKey.size() + " values read");
    }
    if (!complete) {
      progress.accept("  epoch indicators: no flip rate at the last step " + lastStep + " after " + wait.toSeconds()
          + " s; keeping the " + byKey.size() + " values read");
    }
    if (!unreadable.isEmpty()) {
      progress.accept("  epoch indicators: skipped " + unreadable.size() + " unreadable record(s) of the run at "
          + Topics.INDICATORS.name() + " partition@offset " + unreadable);
    }
    List<Value> out = new ArrayList<>(byKey.values());
    out.sort(Comparator.comparingLong(Value::step).thenComparing(Value::name));
    return out;
  }

  /** Marks a record that could not be read. */
  private static final Value UNREADABLE = new Value("unreadable", -1, -1, Double.NaN, Double.NaN);

  /** The record's value when it is one of the run's epoch-level values, else null or {@link #UNREADABLE}. */
  private static Value parse(byte[] bytes, String runId) {
    if (bytes == null) {
      return UNREADABLE;
    }
    Indicator i;
    try {
      i = Topics.INDICATORS.valueSerde().deserializer().deserialize(Topics.INDICATORS.name(), bytes);
    } catch (SerializationException e) {
      return UNREADABLE;
    }
    if (!runId.equals(i.getRunId()) || i.hasLayer() || i.hasClassLabel()
        || !IndicatorNames.EPOCH_ORDER.contains(i.getName())) {
      return null;
    }
    return new Value(i.getName(), i.getStep(), i.getEpoch(), i.getValue(),
        i.hasStandardError() ? i.getStandardError() : Double.NaN);
  }

  private static void sleep() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading indicators", e);
    }
  }
}
