package dev.rote.trainer;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the control topic for stop signals addressed to one run, on its own thread. Training
 * asks {@link #stopSignal()} at each step boundary; nothing here ever blocks the training thread,
 * and a broker outage only delays signals.
 *
 * <p>Reads every partition of {@code rote.control} without a consumer group, from the run's start
 * time on, with {@code isolation.level=read_committed} so signals of aborted transactions never
 * count.
 *
 * <p>Only a well-formed signal is obeyed: keyed by the run id, with the run id, a signal id and a
 * rule, and action STOP. A record addressed to the run (by key or run id) that falls short is
 * ignored, logged and counted ({@link #invalidSignals()}); records of other runs are skipped.
 * {@link #inMemory(String)} gives a control without Kafka whose signals arrive through
 * {@link #deliver} or {@link #deliverRecord}, for tests and embedding.
 */
public final class StopControl implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StopControl.class);

  private final String runId;
  private final long fromTimeMs;
  private final KafkaConsumer<String, byte[]> consumer;
  private final AtomicReference<StopSignal> signal = new AtomicReference<>();
  private final List<Consumer<StopSignal>> callbacks = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final java.util.concurrent.atomic.AtomicLong invalid = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean running = true;
  private final Runnable afterSeek;

  /**
   * @param fromTimeMs signals published before this wall-clock time are ignored
   */
  public StopControl(KafkaSettings kafka, String runId, long fromTimeMs) {
    this(kafka, runId, fromTimeMs, () -> { });
  }

  /**
   * As {@link #StopControl(KafkaSettings, String, long)}, calling {@code afterSeek} on the control
   * thread once its start offsets are set and before its first poll (tests use it to publish in that
   * window).
   */
  StopControl(KafkaSettings kafka, String runId, long fromTimeMs, Runnable afterSeek) {
    this.runId = runId;
    this.afterSeek = afterSeek;
    this.fromTimeMs = fromTimeMs;
    Map<String, Object> defaults = new HashMap<>();
    defaults.put(ConsumerConfig.CLIENT_ID_CONFIG, "rote-trainer-control-" + runId);
    defaults.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    defaults.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    defaults.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    Map<String, Object> props = kafka.with(defaults);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    // Values are parsed here, not by the consumer, so that an unreadable record addressed to this run is
    // counted like any other invalid signal.
    this.consumer = new KafkaConsumer<>(props, Topics.CONTROL.keySerde().deserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "rote-stop-control-" + runId);
    thread.setDaemon(true);
    thread.start();
  }

  private StopControl(String runId) {
    this.runId = runId;
    this.afterSeek = () -> { };
    this.fromTimeMs = 0;
    this.consumer = null;
    this.thread = null;
  }

  /** A control that reads no topic: signals arrive only through {@link #deliver}. */
  public static StopControl inMemory(String runId) {
    return new StopControl(java.util.Objects.requireNonNull(runId, "runId"));
  }

  /** Binds Micrometer's Kafka client metrics of the control consumer ({@code kafka_consumer_*}). */
  AutoCloseable bindClientMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    if (consumer == null) {
      return () -> { };
    }
    var metrics = new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(consumer);
    metrics.bindTo(registry);
    return metrics;
  }

  /** The stop signal received for this run, if any. */
  public Optional<StopSignal> stopSignal() {
    return Optional.ofNullable(signal.get());
  }

  /** Control records addressed to this run that were not valid stop signals, and were ignored. */
  public long invalidSignals() {
    return invalid.get();
  }

  /** Calls {@code callback} on the control thread when the first stop signal arrives. */
  public void onStop(Consumer<StopSignal> callback) {
    callbacks.add(callback);
    StopSignal s = signal.get();
    if (s != null) {
      callback.accept(s);
    }
  }

  private void run() {
    try {
      while (running && !assign()) {
        Thread.sleep(500);
      }
      afterSeek.run();
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          deliverRecord(r.key(), r.value(), r.topic() + "-" + r.partition() + "@" + r.offset());
        }
      }
    } catch (WakeupException | InterruptedException e) {
      // closing
    } catch (RuntimeException e) {
      if (running) {
        log.error("control consumer for run {} failed; stop signals will not be received", runId, e);
      }
    } finally {
      consumer.close(Duration.ofSeconds(1));
    }
  }

  private boolean assign() {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(Topics.CONTROL.name(), Duration.ofSeconds(5));
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      log.debug("control topic not reachable yet: {}", e.getMessage());
      return false;
    }
    if (infos == null || infos.isEmpty()) {
      return false;
    }
    List<TopicPartition> parts = infos.stream()
        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    consumer.assign(parts);
    // The ends first, then the first record at or after fromTimeMs: a partition without one starts at
    // the end as it was before that lookup, so a signal published meanwhile is read. (seekToEnd would
    // resolve the end only at the first poll and skip a signal published before it.)
    Map<TopicPartition, Long> ends;
    Map<TopicPartition, OffsetAndTimestamp> offsets;
    Map<TopicPartition, Long> query = new HashMap<>();
    parts.forEach(p -> query.put(p, fromTimeMs));
    try {
      ends = consumer.endOffsets(parts, Duration.ofSeconds(10));
      offsets = consumer.offsetsForTimes(query, Duration.ofSeconds(10));
    } catch (WakeupException e) {
      throw e;
    } catch (RuntimeException e) {
      log.debug("control topic offsets not available yet: {}", e.getMessage());
      return false; // assigned again on the next try
    }
    for (TopicPartition p : parts) {
      OffsetAndTimestamp o = offsets.get(p);
      consumer.seek(p, o != null ? o.offset() : ends.get(p));
    }
    return true;
  }

  /**
   * Hands over a raw control record, key and value bytes as read from the control topic: parsed, then
   * as {@link #deliver(String, StopSignal)}. A value addressed to this run by its key that is no
   * {@code rote.v1.StopSignal} is ignored and counted too.
   *
   * @return true when it is a valid stop signal for this run (the first one is kept)
   */
  public boolean deliverRecord(String key, byte[] value) {
    return deliverRecord(key, value, "delivered");
  }

  private boolean deliverRecord(String key, byte[] value, String where) {
    StopSignal s = null;
    if (value != null) {
      try {
        s = StopSignal.parseFrom(value);
      } catch (InvalidProtocolBufferException e) {
        if (runId.equals(key)) {
          ignore(where, "not a valid rote.v1.StopSignal (" + value.length + " bytes): " + e.getMessage());
        }
        return false;
      }
    }
    return deliver(key, s, where);
  }

  /**
   * Hands over a control record as if read from the control topic.
   *
   * @return true when it is a valid stop signal for this run (the first one is kept)
   */
  public boolean deliver(String key, StopSignal s) {
    return deliver(key, s, "delivered");
  }

  private boolean deliver(String key, StopSignal s, String where) {
    boolean addressed = runId.equals(key) || (s != null && runId.equals(s.getRunId()));
    if (!addressed) {
      return false;
    }
    String problem = problem(key, s);
    if (problem != null) {
      ignore(where, problem);
      return false;
    }
    if (signal.compareAndSet(null, s)) {
      log.info("run {}: stop signal {} from rule {}: {}", runId, s.getSignalId(), s.getRule(), s.getReason());
      callbacks.forEach(c -> c.accept(s));
    }
    return true;
  }

  private void ignore(String where, String problem) {
    long n = invalid.incrementAndGet();
    log.warn("run {}: ignoring invalid stop signal at {} ({} ignored so far): {}", runId, where, n, problem);
  }

  private String problem(String key, StopSignal s) {
    if (s == null) {
      return "no value";
    }
    if (!runId.equals(key)) {
      return "key " + (key == null ? "null" : "\"" + key + "\"") + " is not the run id";
    }
    if (!runId.equals(s.getRunId())) {
      return s.getRunId().isEmpty() ? "no run_id" : "run_id \"" + s.getRunId() + "\" differs from the key";
    }
    if (s.getSignalId().isBlank()) {
      return "no signal_id";
    }
    if (s.getRule().isBlank()) {
      return "no rule";
    }
    if (s.getAction() != SignalAction.SIGNAL_ACTION_STOP) {
      return "action " + s.getAction() + " is not SIGNAL_ACTION_STOP";
    }
    return null;
  }

  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    running = false;
    if (consumer == null) {
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
