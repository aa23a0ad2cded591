package dev.rote.cli;

import dev.rote.contract.IndicatorNames;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topic;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.StopSignal;
import dev.rote.replay.Unreadable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows one run's indicators and alerts: the latest run-level value of each indicator, the whole
 * history for reports, and every alert as it arrives. Series are named {@code name} or {@code
 * name/layer}; per-class values are left out.
 */
final class IndicatorWatch implements AutoCloseable {

  private final Map<String, Double> latest = new ConcurrentHashMap<>();
  private final Map<String, TreeMap<Long, Double>> history = new TreeMap<>();
  private final List<StopSignal> alerts = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<Unreadable> unreadable = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.function.Consumer<StopSignal> onAlert;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private final String runId;
  private volatile boolean running = true;

  IndicatorWatch(KafkaSettings kafka, String runId) {
    this(kafka, runId, s -> { });
  }

  /** @param onAlert called on the watch thread for each alert of the run */
  IndicatorWatch(KafkaSettings kafka, String runId, java.util.function.Consumer<StopSignal> onAlert) {
    this.runId = runId;
    this.onAlert = onAlert;
    Map<String, Object> props = kafka.with(Map.of(
        ConsumerConfig.CLIENT_ID_CONFIG, "rote-watch-" + runId,
        ConsumerConfig.GROUP_ID_CONFIG, "rote-watch-" + runId,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    consumer = new KafkaConsumer<>(props, Topics.INDICATORS.keySerde().deserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    consumer.subscribe(List.of(Topics.INDICATORS.name(), Topics.ALERTS.name()));
    thread = new Thread(this::run, "rote-indicator-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        try {
          for (var r : consumer.poll(Duration.ofMillis(200))) {
            if (!runId.equals(r.key())) {
              continue;
            }
            if (r.topic().equals(Topics.ALERTS.name())) {
              StopSignal s = parse(Topics.ALERTS, r);
              if (s != null) {
                alerts.add(s);
                onAlert.accept(s);
              }
              continue;
            }
            Indicator i = parse(Topics.INDICATORS, r);
            if (i != null && runId.equals(i.getRunId()) && !i.hasClassLabel()) {
              String name = seriesName(i);
              latest.put(name, i.getValue());
              synchronized (history) {
                history.computeIfAbsent(name, k -> new TreeMap<>()).put(i.getStep(), i.getValue());
              }
            }
          }
        } catch (RecordDeserializationException e) {
          unreadable.add(new Unreadable(e.topicPartition().topic(), e.topicPartition().partition(), e.offset(),
              e.getMessage()));
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(1));
    }
  }

  /** The record's value, or null after noting it as unreadable (the services dead-letter such records). */
  private <T> T parse(Topic<String, T> topic, ConsumerRecord<String, byte[]> r) {
    String reason;
    if (r.value() == null) {
      reason = "null value";
    } else {
      try {
        return topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
      } catch (SerializationException e) {
        reason = e.getMessage();
      }
    }
    unreadable.add(new Unreadable(r.topic(), r.partition(), r.offset(), reason));
    return null;
  }

  /** The run's records that could not be read and were skipped, so far. */
  List<Unreadable> unreadable() {
    return List.copyOf(unreadable);
  }

  /** Alerts of the run received so far, in arrival order. */
  List<StopSignal> alerts() {
    return List.copyOf(alerts);
  }

  static String seriesName(Indicator i) {
    return i.hasLayer() ? i.getName() + "/" + i.getLayer() : i.getName();
  }

  Double get(String name) {
    return latest.get(name);
  }

  /** A copy of the history: series name to step-ordered values. */
  Map<String, TreeMap<Long, Double>> history() {
    synchronized (history) {
      Map<String, TreeMap<Long, Double>> copy = new TreeMap<>();
      history.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
      return copy;
    }
  }

  /** Waits until a value at or after {@code step} of {@code name} arrived, up to the timeout. */
  boolean awaitStep(String name, long step, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (history) {
        TreeMap<Long, Double> s = history.get(name);
        if (s != null && !s.isEmpty() && s.lastKey() >= step) {
          return true;
        }
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** A one-line summary of the key indicators. */
  String summary() {
    return String.format("gini %s  nmf L0 %s L1 %s  flip rate %s  gap %s",
        fmt(get(IndicatorNames.LOSS_SENSITIVITY_GINI)), fmt(get(IndicatorNames.NMF_NONLINEARITY + "/0")),
        fmt(get(IndicatorNames.NMF_NONLINEARITY + "/1")), fmt(get(IndicatorNames.PREDICTION_FLIP_RATE)),
        fmt(get(IndicatorNames.GENERALIZATION_GAP)));
  }

  private static String fmt(Double v) {
    return v == null ? "-" : String.format("%.3f", v);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(3000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
