package dev.rote.service;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rote.contract.v1.RunMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The processor of {@link RunEviction}: schedules finished runs and evicts them when their grace has passed. */
final class EvictionProcessor implements Processor<String, byte[], Void, Void> {

  private static final Logger log = LoggerFactory.getLogger(EvictionProcessor.class);

  private final long graceMs;
  private final Duration interval;
  private final List<RunEviction.Target> targets;
  private final CountedOffsets counted;
  private final Runnable count;
  private final List<Consumer<String>> droppers = new ArrayList<>();
  private KeyValueStore<String, Long> finished;
  private ProcessorContext<Void, Void> context;

  EvictionProcessor(Duration grace, Duration interval, List<RunEviction.Target> targets, CountedOffsets counted,
      Runnable count) {
    this.graceMs = grace.toMillis();
    this.interval = interval;
    this.targets = targets;
    this.counted = counted;
    this.count = count;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    finished = context.getStateStore(RunEviction.STORE);
    droppers.clear();
    targets.forEach(t -> droppers.add(t.open(context)));
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::sweep);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String run = record.key();
    if (run == null) {
      return; // the validator forwards no null key
    }
    if (record.value() == null) {
      evict(run, "its metadata was deleted", true);
      return;
    }
    RunMetadata m;
    try {
      m = RunMetadata.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      return; // the validator forwards only records that parse
    }
    if (!RunEviction.finished(m.getStatus())) {
      if (finished.get(run) != null) {
        finished.delete(run); // the run goes on: keep its state
      }
    } else if (graceMs == 0) {
      evict(run, "it finished", true);
    } else if (finished.get(run) == null) {
      finished.put(run, context.currentSystemTimeMs());
    }
  }

  /** Evicts every run whose grace period has passed by {@code now} (wall clock). */
  void sweep(long now) {
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = finished.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> e = it.next();
        if (now - e.value >= graceMs) {
          due.add(e.key);
        }
      }
    }
    due.forEach(run -> evict(run, "its grace period of " + Duration.ofMillis(graceMs) + " has passed", false));
  }

  /**
   * @param onRecord evicting on a {@code rote.runs} record (not a sweep): counted unless this process
   *     counted the record before (a record processed again after an aborted transaction)
   */
  private void evict(String run, String why, boolean onRecord) {
    droppers.forEach(d -> d.accept(run));
    if (!onRecord || counted.first(RunEviction.NAME, context.recordMetadata())) {
      count.run();
    }
    if (finished.get(run) != null) {
      finished.delete(run);
    }
    log.debug("evicted run {}: {}", run, why);
  }
}
