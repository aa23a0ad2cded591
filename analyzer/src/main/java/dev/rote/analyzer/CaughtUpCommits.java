package dev.rote.analyzer;

import java.time.Duration;

/**
 * When the analyzer asks Kafka Streams to commit at once instead of at the next
 * {@code commit.interval.ms}: right after it emitted indicators for a record that is recent, that
 * is when the stream thread is caught up with its input. Under exactly-once an emitted indicator
 * becomes visible to {@code read_committed} readers (the alerting service, dashboards) only when its
 * transaction commits, so it otherwise waits up to a whole commit interval (Kafka Streams' 100 ms).
 *
 * <p>A record is recent when the analyzer's wall clock minus the record's timestamp (the trainer's
 * clock) lies within {@code ±maxAge}. An analyzer that is behind sees older records and leaves the
 * commits to the interval, so its throughput is untouched; a trainer clock so far ahead that its
 * records look to come from the future also falls back to the interval, as does any record with an
 * age outside the window. At most one commit is requested per stream thread every {@code
 * minInterval} (Kafka Streams commits all of a thread's tasks on one request).
 *
 * @param maxAge the largest age (either sign) of a record whose indicators are committed at once;
 *     zero turns the requests off
 * @param minInterval the shortest time between two requests of one stream thread
 */
public record CaughtUpCommits(Duration maxAge, Duration minInterval) {

  /** Rote's default: records up to 200 ms old, at most one request per stream thread every 20 ms. */
  public static final CaughtUpCommits DEFAULT = new CaughtUpCommits(Duration.ofMillis(200), Duration.ofMillis(20));

  /** No requested commits: every commit comes from {@code commit.interval.ms}, as in Kafka Streams. */
  public static final CaughtUpCommits OFF = new CaughtUpCommits(Duration.ZERO, Duration.ZERO);

  public CaughtUpCommits {
    if (maxAge == null || maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge must be >= 0, was " + maxAge);
    }
    if (minInterval == null || minInterval.isNegative()) {
      throw new IllegalArgumentException("minInterval must be >= 0, was " + minInterval);
    }
  }

  /** Whether commits are ever requested. */
  public boolean enabled() {
    return !maxAge.isZero();
  }
}
