package dev.rote.bench;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * What the analyzer has committed, seen by an independent {@code read_committed} consumer of
 * {@code rote.indicators} on a thread of its own, from the beginning of the topic: every indicator
 * with the time it became visible. Indicators of aborted transactions never show up here, so counts
 * and latencies measured on it are counts and latencies of committed output.
 */
public final class CommittedIndicators implements AutoCloseable {

  /** An indicator and when it was read, {@link System#nanoTime()} and wall clock. */
  public record Seen(Indicator indicator, long nanos, long wallMs) {}

  private final KafkaConsumer<String, Indicator> consumer;
  private final List<Seen> seen = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean assigned;
  private long unreadable;

  public CommittedIndicators(KafkaSettings kafka) {
    consumer = new KafkaConsumer<>(kafka.with(Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, "rote-committed-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")),
        Topics.INDICATORS.keySerde().deserializer(), Topics.INDICATORS.valueSerde().deserializer());
    consumer.subscribe(List.of(Topics.INDICATORS.name()));
    thread = new Thread(this::run, "rote-committed-indicators");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        var records = consumer.poll(Duration.ofMillis(100));
        long nanos = System.nanoTime();
        long wall = System.currentTimeMillis();
        if (!assigned && !consumer.assignment().isEmpty()) {
          assigned = true;
        }
        synchronized (this) {
          for (var r : records) {
            if (r.value() == null) {
              unreadable++;
            } else {
              seen.add(new Seen(r.value(), nanos, wall));
            }
          }
          notifyAll();
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /**
   * Waits until the consumer has its partitions, so that what is committed from now on is seen
   * within a poll of its commit: start the producers of a measurement after this.
   *
   * @throws IllegalStateException after {@code timeout}
   */
  public void awaitAssigned(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!assigned) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the read_committed consumer got no partitions in " + timeout);
      }
      Thread.sleep(20);
    }
  }

  /** Everything seen so far, in the order read. */
  public synchronized List<Seen> all() {
    return new ArrayList<>(seen);
  }

  /** The indicators seen so far that match. */
  public synchronized List<Seen> matching(Predicate<Indicator> p) {
    return seen.stream().filter(s -> p.test(s.indicator())).toList();
  }

  /** The number of indicators seen so far. */
  public synchronized int size() {
    return seen.size();
  }

  /** Waits until an indicator that matches has been seen; returns it, or null after {@code timeout}. */
  public synchronized Seen await(Predicate<Indicator> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int from = 0;
    while (true) {
      for (int i = from; i < seen.size(); i++) {
        if (p.test(seen.get(i).indicator())) {
          return seen.get(i);
        }
      }
      from = seen.size();
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
