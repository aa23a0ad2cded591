package dev.rote.analyzer.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The per-example mean sensitivities of a window ({@link RunState.Sensitivities}, oldest first),
 * with each example's latest label, in the order that the indicators have always summed them: the
 * iteration order of a {@code HashMap<Long, ...>} filled by {@code computeIfAbsent} in window order.
 * The per-class means are sums in that order, so another order would change their last bits.
 *
 * <p>Instead of boxing every sample into such a map, the sums go into arrays indexed by example id
 * and the map's order is reproduced from its rules (table of 16 doubled whenever a call starts with
 * more entries than 3/4 of it, bucket {@code (h ^ h >>> 16) & (table - 1)} with {@code h =
 * Long.hashCode(id)}, a new entry first in its bucket, buckets keep their order when split). Where
 * those rules would not hold (a bucket of 8, which the map turns into a tree; ids outside
 * {@code [0, idLimit)}), it fills a real map. One instance per thread: it reuses its arrays.
 */
final class SensitivityMeans {

  /** The buckets a {@code HashMap} turns into trees (TREEIFY_THRESHOLD), where its order changes. */
  private static final int TREE_BIN = 8;

  /** The means and labels, in order; valid until the next {@link #of}. */
  double[] means = new double[0];
  int[] labels = new int[0];
  int size;
  /** Whether the last {@link #of} reproduced the map's order (false: it filled a real map). */
  boolean reproduced;

  private int[] slotOf = new int[0];
  private long[] ids = new long[0];
  private double[] sums = new double[0];
  private int[] counts = new int[0];
  private int[] lastLabel = new int[0];
  private int[] bucketCount = new int[0];

  /**
   * Computes the means of {@code window}; example ids below {@code idLimit} take the fast path.
   *
   * @return the number of distinct examples, {@link #size}
   */
  int of(Iterable<RunState.Sensitivities> window, int idLimit) {
    if (slotOf.length < idLimit) {
      slotOf = new int[idLimit];
      Arrays.fill(slotOf, -1);
    }
    int cap = 0;
    int threshold = 0;
    size = 0;
    boolean exact = true;
    outer:
    for (RunState.Sensitivities samples : window) {
      long[] sampleIds = samples.ids();
      for (int i = 0; i < sampleIds.length; i++) {
        long id = sampleIds[i];
        if (id < 0 || id >= idLimit) {
          exact = false;
          break outer;
        }
        if (cap == 0 || size > threshold) { // HashMap.computeIfAbsent resizes first
          cap = cap == 0 ? 16 : cap * 2;
          threshold = cap / 4 * 3;
          recount(cap);
        }
        int slot = slotOf[(int) id];
        if (slot < 0) {
          int bucket = bucket(id, cap);
          if (bucketCount[bucket] >= TREE_BIN - 1) {
            exact = false;
            break outer;
          }
          bucketCount[bucket]++;
          slot = add(id);
        }
        sums[slot] += samples.values()[i];
        counts[slot]++;
        lastLabel[slot] = samples.labels()[i];
      }
    }
    for (int s = 0; s < size; s++) {
      slotOf[(int) ids[s]] = -1;
    }
    reproduced = exact;
    if (!exact) {
      return byMap(window);
    }
    order(cap);
    return size;
  }

  private static int bucket(long id, int cap) {
    int h = Long.hashCode(id);
    return (h ^ (h >>> 16)) & (cap - 1);
  }

  private void recount(int cap) {
    if (bucketCount.length < cap) {
      bucketCount = new int[cap];
    } else {
      Arrays.fill(bucketCount, 0, cap, 0);
    }
    for (int s = 0; s < size; s++) {
      bucketCount[bucket(ids[s], cap)]++;
    }
  }

  private int add(long id) {
    if (size == ids.length) {
      int n = Math.max(64, size * 2);
      ids = Arrays.copyOf(ids, n);
      sums = Arrays.copyOf(sums, n);
      counts = Arrays.copyOf(counts, n);
      lastLabel = Arrays.copyOf(lastLabel, n);
    }
    ids[size] = id;
    sums[size] = 0;
    counts[size] = 0;
    slotOf[(int) id] = size;
    return size++;
  }

  /** The map's order: buckets ascending, the latest entry first within a bucket. */
  private void order(int cap) {
    ensureOut();
    int[] start = new int[cap + 1];
    for (int s = 0; s < size; s++) {
      start[bucket(ids[s], cap) + 1]++;
    }
    for (int b = 0; b < cap; b++) {
      start[b + 1] += start[b];
    }
    for (int s = size - 1; s >= 0; s--) {
      int at = start[bucket(ids[s], cap)]++;
      means[at] = sums[s] / (double) counts[s];
      labels[at] = lastLabel[s];
    }
  }

  private void ensureOut() {
    if (means.length < size) {
      means = new double[ids.length];
      labels = new int[ids.length];
    }
  }

  /** The order of a real map, for ids the fast path does not take. */
  private int byMap(Iterable<RunState.Sensitivities> window) {
    Map<Long, double[]> perExample = reference(window);
    size = perExample.size();
    if (means.length < size) {
      means = new double[size];
      labels = new int[size];
    }
    int i = 0;
    for (double[] acc : perExample.values()) {
      means[i] = acc[0] / acc[1];
      labels[i++] = (int) acc[2];
    }
    return size;
  }

  /** Per example id: sum, count and latest label, in a map filled as the indicators always did. */
  static Map<Long, double[]> reference(Iterable<RunState.Sensitivities> window) {
    Map<Long, double[]> perExample = new HashMap<>();
    for (RunState.Sensitivities samples : window) {
      for (int i = 0; i < samples.ids().length; i++) {
        double[] acc = perExample.computeIfAbsent(samples.ids()[i], k -> new double[3]);
        acc[0] += samples.values()[i];
        acc[1] += 1;
        acc[2] = samples.labels()[i];
      }
    }
    return perExample;
  }
}
