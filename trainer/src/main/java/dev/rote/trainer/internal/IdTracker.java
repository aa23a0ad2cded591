package dev.rote.trainer.internal;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * Watches the example ids of the sampled steps, pass by pass, for the two ways a run's ids can be
 * useless to the analyzer: ids that never repeat across passes (new inputs every epoch, e.g. data
 * augmentation with content ids), and a second pass over the data while the epoch counter never
 * moved (a hand-written loop without {@code net.incrementEpochCount()}). Each finding is reported
 * once. Not thread-safe: used on the sink's sender thread only.
 */
public final class IdTracker {

  /** What the tracker found. */
  public enum Finding {
    /** In the second epoch, almost no example had been seen before. */
    IDS_NEVER_REPEAT,
    /** Most examples came back while the epoch counter stayed where it started. */
    EPOCH_NEVER_MOVED
  }

  /** Receives findings. */
  public interface Listener {
    void found(Finding finding, String detail);
  }

  private static final int DENSE_LIMIT = 1 << 26;

  private final int sampledEvery;
  private final Listener listener;
  private final BitSet dense = new BitSet();
  private final Set<Long> sparse = new HashSet<>();
  private int firstEpoch = Integer.MIN_VALUE;
  private long distinct;
  private long firstPresentations;
  private long firstRepeats;
  private long secondPresentations;
  private long secondRepeats;
  private boolean secondChecked;
  private boolean epochReported;
  private final FirstPass firstPass;
  private boolean passReported;
  private int maxBatch;

  /**
   * @param sampledEvery one step in this many is observed (the summary period), which lowers the
   *     share of repeats to expect
   */
  public IdTracker(int sampledEvery, Listener listener) {
    this(sampledEvery, listener, (n, b) -> { });
  }

  /**
   * @param firstPass told once, when the first pass over the data is over (the epoch count moved, or,
   *     while it did not, half as many presentations as distinct ids were repeats), how many distinct ids it presented and the largest batch:
   *     the training-set size and batch size a rule counting in epochs needs. Only when every step is
   *     observed ({@code sampledEvery} 1); sampled steps would undercount the ids.
   */
  public IdTracker(int sampledEvery, Listener listener, FirstPass firstPass) {
    this.sampledEvery = Math.max(1, sampledEvery);
    this.listener = listener;
    this.firstPass = firstPass;
  }

  /** Hears the size of the first pass over the data. */
  @FunctionalInterface
  public interface FirstPass {
    void over(long distinctIds, int largestBatch);
  }

  private void passOver() {
    if (!passReported && sampledEvery == 1 && distinct > 0) {
      passReported = true;
      firstPass.over(distinct, maxBatch);
    }
  }

  public void observe(int epoch, long[] ids) {
    if (ids == null || ids.length == 0) {
      return;
    }
    if (firstEpoch == Integer.MIN_VALUE) {
      firstEpoch = epoch;
    }
    if (epoch > firstEpoch + 1) {
      checkSecondPass(true);
    }
    if (epoch > firstEpoch) {
      passOver();
    }
    int repeats = 0;
    for (long id : ids) {
      if (!add(id)) {
        repeats++;
      }
    }
    maxBatch = Math.max(maxBatch, ids.length);
    if (epoch == firstEpoch) {
      firstPresentations += ids.length;
      firstRepeats += repeats;
      if (!epochReported && firstRepeats >= 16 && firstRepeats * 2 >= distinct) {
        epochReported = true;
        passOver(); // the epoch count did not move, but the data came round again
        listener.found(Finding.EPOCH_NEVER_MOVED, firstRepeats + " of " + firstPresentations
            + " example presentations repeated an example already seen while the epoch count stayed at "
            + epoch);
      }
    } else if (epoch == firstEpoch + 1) {
      secondPresentations += ids.length;
      secondRepeats += repeats;
      checkSecondPass(secondPresentations >= firstPresentations);
    }
  }

  private void checkSecondPass(boolean passComplete) {
    if (secondChecked || !passComplete || secondPresentations == 0) {
      return;
    }
    secondChecked = true;
    double share = (double) secondRepeats / secondPresentations;
    if (share < 0.5 / sampledEvery) {
      listener.found(Finding.IDS_NEVER_REPEAT, String.format(java.util.Locale.ROOT,
          "in the second epoch only %d of %d example presentations (%.1f%%) had been seen in the first",
          secondRepeats, secondPresentations, 100 * share));
    }
  }

  /** Adds an id; false when it had been seen. */
  private boolean add(long id) {
    if (id >= 0 && id < DENSE_LIMIT) {
      if (dense.get((int) id)) {
        return false;
      }
      dense.set((int) id);
    } else if (!sparse.add(id)) {
      return false;
    }
    distinct++;
    return true;
  }
}
