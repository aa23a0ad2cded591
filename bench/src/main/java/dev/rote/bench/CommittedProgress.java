package dev.rote.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet benchmark's arithmetic on what the {@code read_committed} consumer saw: how far each
 * run's committed output had got at an instant, the sustained committed rate between two instants
 * and the lag behind what the trainers had published.
 *
 * @param nanos the instant, {@link System#nanoTime()}
 * @param published per run, the last step its trainer had published by then
 * @param committed per run, the step of its last indicator committed (seen by the consumer) by then
 */
record CommittedProgress(long nanos, Map<String, Long> published, Map<String, Long> committed) {

  CommittedProgress {
    published = Map.copyOf(published);
    committed = Map.copyOf(committed);
  }

  /** The progress at {@code nanos} of the runs in {@code published}, from the indicators seen. */
  static CommittedProgress at(long nanos, Map<String, Long> published, Collection<CommittedIndicators.Seen> seen) {
    Map<String, Long> committed = new HashMap<>();
    for (CommittedIndicators.Seen s : seen) {
      String run = s.indicator().getRunId();
      if (s.nanos() <= nanos && published.containsKey(run)) {
        committed.merge(run, s.indicator().getStep(), Math::max);
      }
    }
    return new CommittedProgress(nanos, published, committed);
  }

  /** Summaries committed by then, over all runs: a run that publishes a summary every step has one per step. */
  long committedSteps() {
    return published.keySet().stream().mapToLong(r -> committed.getOrDefault(r, 0L)).sum();
  }

  /** The largest gap over runs, in steps, between the step published and the last one committed. */
  long maxLag() {
    long max = 0;
    for (Map.Entry<String, Long> e : published.entrySet()) {
      max = Math.max(max, e.getValue() - committed.getOrDefault(e.getKey(), 0L));
    }
    return max;
  }

  /** Summaries committed per second from {@code earlier} to this instant. */
  double rateSince(CommittedProgress earlier) {
    if (nanos <= earlier.nanos) {
      throw new IllegalArgumentException("the earlier progress is not earlier: " + earlier.nanos + " >= " + nanos);
    }
    return (committedSteps() - earlier.committedSteps()) / ((nanos - earlier.nanos) / 1e9);
  }

  /** Per run, its trainer's last published step. */
  static Map<String, Long> published(List<SimulatedTrainer> trainers) {
    Map<String, Long> out = new HashMap<>();
    for (SimulatedTrainer t : trainers) {
      out.put(t.runId(), t.lastStep());
    }
    return out;
  }
}
