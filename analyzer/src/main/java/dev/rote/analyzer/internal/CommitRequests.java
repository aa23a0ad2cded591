package dev.rote.analyzer.internal;

import dev.rote.analyzer.CaughtUpCommits;

/**
 * One task's decisions under {@link CaughtUpCommits}: whether to request a commit after emitting
 * indicators for a record. Not thread-safe; a task's processor is called by one thread at a time.
 */
public final class CommitRequests {

  private final long maxAgeMs;
  private final long minIntervalMs;
  private boolean requested;
  private long lastMs;

  public CommitRequests(CaughtUpCommits policy) {
    this.maxAgeMs = policy.maxAge().toMillis();
    this.minIntervalMs = policy.minInterval().toMillis();
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
