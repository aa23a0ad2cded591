package dev.rote.contract;

import java.util.Collection;

/**
 * Rules for run ids that every service applies the same way. A replay of run {@code RUN_ID} is
 * published as run {@code RUN_ID@replay-N} (N counts up per run); the live alerting service leaves
 * such runs alone, because a replay evaluates its own rules and publishes its own alerts.
 */
public final class RunIds {

  /** What a replay's run id carries between the original run id and its number. */
  public static final String REPLAY_MARK = "@replay-";

  private RunIds() {}

  /** Whether {@code runId} names a replay ({@code RUN_ID@replay-N}). */
  public static boolean isReplay(String runId) {
    return runId != null && runId.contains(REPLAY_MARK);
  }

  /** {@code RUN_ID@replay-N}. */
  public static String replay(String runId, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("replay number must be >= 1, was " + n);
    }
    return runId + REPLAY_MARK + n;
  }

  /**
   * The replay id after the highest replay of {@code runId} among {@code knownRunIds}: {@code
   * RUN_ID@replay-1} when there is none. Ids that look like replays but carry no number are ignored.
   */
  public static String nextReplay(String runId, Collection<String> knownRunIds) {
    String prefix = runId + REPLAY_MARK;
    int highest = 0;
    for (String id : knownRunIds) {
      if (id.startsWith(prefix)) {
        try {
          highest = Math.max(highest, Integer.parseInt(id.substring(prefix.length())));
        } catch (NumberFormatException e) {
          // RUN_ID@replay-something: not one of ours
        }
      }
    }
    return replay(runId, highest + 1);
  }
}
