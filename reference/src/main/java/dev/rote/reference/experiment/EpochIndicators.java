package dev.rote.reference.experiment;

import dev.rote.contract.IndicatorNames;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

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
   * The run's epoch-level indicators ({@link IndicatorNames#EPOCH_ORDER}), ordered by step then name.
   * Reads the topic to its end; while the flip rate of the pass that ends at {@code lastStep} is missing
   * (the analyzer still working), reads on for up to {@code wait}. Unreadable records are skipped (the
   * analyzer's own output; the services dead-letter what they cannot read).
   */
  public static List<Value> read(KafkaSettings kafka, String runId, long lastStep, Duration wait) {
    Map<String, Object> props = kafka.with(Map.of(
        ConsumerConfig.CLIENT_ID_CONFIG, "rote-experiment-indicators",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    Map<String, Value> byKey = new HashMap<>();
    long deadline = System.nanoTime() + wait.toNanos();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(Topics.INDICATORS.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      boolean complete = false;
      while (!complete) {
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            Value v = runId.equals(r.key()) ? parse(r.value(), runId) : null;
            if (v != null) {
              byKey.put(v.name() + "@" + v.step(), v);
            }
          }
        }
        complete = byKey.values().stream().anyMatch(v -> v.step() >= lastStep
            && v.name().equals(IndicatorNames.EPOCH_PREDICTION_FLIP_RATE)) || System.nanoTime() > deadline;
        if (!complete) {
          sleep();
        }
      }
    }
    List<Value> out = new ArrayList<>(byKey.values());
    out.sort(Comparator.comparingLong(Value::step).thenComparing(Value::name));
    return out;
  }

  private static Value parse(byte[] bytes, String runId) {
    if (bytes == null) {
      return null;
    }
    Indicator i;
    try {
      i = Topics.INDICATORS.valueSerde().deserializer().deserialize(Topics.INDICATORS.name(), bytes);
    } catch (SerializationException e) {
      return null;
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
