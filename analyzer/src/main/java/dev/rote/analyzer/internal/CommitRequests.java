package dev.rote.analyzer.internal;

import dev.rote.analyzer.CaughtUpCommits;

/**
 * One stream thread's decisions under {@link CaughtUpCommits}: whether to request a commit after
 * emitting indicators for a record. Kafka Streams commits every task of a thread on one request, so
 * the rate limit belongs to the thread, not to each task: {@link #ofCurrentThread} gives the calling
 * thread's instance. Not thread-safe; each instance is used by one thread.
 */
public final class CommitRequests {

  private static final ThreadLocal<CommitRequests> PER_THREAD = new ThreadLocal<>();

  private final CaughtUpCommits policy;
  private final long maxAgeMs;
  private final long minIntervalMs;
  private boolean requested;
  private long lastMs;

  public CommitRequests(CaughtUpCommits policy) {
    this.policy = policy;
    this.maxAgeMs = policy.maxAge().toMillis();
    this.minIntervalMs = policy.minInterval().toMillis();
  }

  /**
   * The calling thread's requests under {@code policy}: every task processed on a stream thread shares
   * one rate limit. Stream threads belong to one Kafka Streams instance; a new limit is made when the
   * policy differs only for threads that serve several (tests calling processors directly).
   */
  public static CommitRequests ofCurrentThread(CaughtUpCommits policy) {
    CommitRequests r = PER_THREAD.get();
    if (r == null || !r.policy.equals(policy)) {
      r = new CommitRequests(policy);
      PER_THREAD.set(r);
    }
    return r;
  }

  /**
   * Whether to request a commit now, after emitting indicators for a record with timestamp
   * {@code recordMs}, at wall-clock time {@code nowMs}; a yes counts against the rate limit.
   */
  public boolean request(long recordMs, long nowMs) {
    if (maxAgeMs == 0) {
      return false;
    }
    long age = nowMs - recordMs;
    if (age > maxAgeMs || age < -maxAgeMs) {
      return false; // behind (or the clocks disagree): the commit interval commits, as without requests
    }
    // A clock that went back restarts the limit rather than silencing the requests until it catches up.
    if (requested && nowMs >= lastMs && nowMs - lastMs < minIntervalMs) {
      return false;
    }
    requested = true;
    lastMs = nowMs;
    return true;
  }
}
