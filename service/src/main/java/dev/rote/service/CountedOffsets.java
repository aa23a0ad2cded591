package dev.rote.service;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Counts each consumed record once per process, also when Kafka Streams processes it again.
 *
 * <p>Under exactly-once, an aborted transaction (a task that migrated, a commit that timed out on a
 * loaded machine, a fenced producer) makes Kafka Streams process every record since the last commit
 * a second time: the output and the state of the first attempt are rolled back, a Micrometer counter
 * incremented on the way is not. A processor asks {@link #first} once per record where it counts it,
 * after it has forwarded the record's output (a forward that throws leaves the record uncounted, to
 * be counted when it is processed again), and counts only when the answer is {@code true}.
 *
 * <p>For each counting site (a processor's name) and each partition it reads, this remembers the
 * highest offset already counted: a record at that offset or below was counted by this process
 * before, whatever happened in between (an abort, a rebalance that handed the partition back from an
 * earlier committed offset). A record without metadata (one that a punctuation emits) counts, as
 * before. Memory: one {@code long} per site and partition.
 *
 * <p>What "once" means: once per process, like a Prometheus counter. A restarted process starts from
 * zero; a record that a second instance processes again after taking over the partition is counted
 * by both instances. The outcome counted is the first processing's (a processing that depends on
 * nothing but the task's state, as Rote's processors do, gives the same outcome again).
 *
 * <p>Thread-safe: one instance is shared by every stream thread of a service.
 */
public final class CountedOffsets {

  private record Site(String site, String topic, int partition) {}

  private final ConcurrentMap<Site, AtomicLong> highest = new ConcurrentHashMap<>();
  private final LongAdder repeats = new LongAdder();

  /**
   * Whether {@code site} has not yet counted the record at {@code record}; marks it counted. Empty
   * metadata (a punctuation) is always a first.
   */
  public boolean first(String site, Optional<RecordMetadata> record) {
    if (record.isEmpty() || record.get().topic() == null || record.get().offset() < 0) {
      return true;
    }
    RecordMetadata m = record.get();
    return first(site, m.topic(), m.partition(), m.offset());
  }

  /** Whether {@code site} has not yet counted {@code offset} of {@code topic}-{@code partition}; marks it counted. */
  public boolean first(String site, String topic, int partition, long offset) {
    AtomicLong h = highest.computeIfAbsent(new Site(site, topic, partition), k -> new AtomicLong(-1));
    boolean first = h.getAndAccumulate(offset, Math::max) < offset;
    if (!first) {
      repeats.increment();
    }
    return first;
  }

  /** Processings that {@link #first} answered {@code false}: records processed again and not counted again. */
  public long repeats() {
    return repeats.sum();
  }

  /** Sites and partitions remembered: the memory this holds, one offset each. */
  public int partitions() {
    return highest.size();
  }

  /** Forgets every offset (the counters started again from zero in a new registry). */
  public void clear() {
    highest.clear();
    repeats.reset();
  }
}
