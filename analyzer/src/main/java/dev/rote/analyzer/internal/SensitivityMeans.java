package dev.rote.analyzer.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-example mean sensitivities of a window ({@link RunState.Sensitivities}, oldest first),
 * with each example's latest label, one entry per distinct example in the order the window first
 * saw it. Each example's sum runs over its samples in window order.
 *
 * <p>The sums go into arrays indexed by example id, so a window costs one pass over its samples,
 * two over its distinct examples and no boxing; ids outside {@code [0, idLimit)} take a map instead. One instance per thread: it
 * reuses its arrays.
 */
final class SensitivityMeans {

  /** The example ids, means and labels, in first-seen order; valid until the next {@link #of}. */
  long[] ids = new long[0];
  double[] means = new double[0];
  int[] labels = new int[0];
  int size;

  private int[] slotOf = new int[0];
  private double[] sums = new double[0];
  private int[] counts = new int[0];

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
    size = 0;
    boolean inRange = true;
    outer:
    for (RunState.Sensitivities samples : window) {
      long[] sampleIds = samples.ids();
      float[] values = samples.values();
      int[] sampleLabels = samples.labels();
      for (int i = 0; i < sampleIds.length; i++) {
        long id = sampleIds[i];
        if (id < 0 || id >= idLimit) {
          inRange = false;
          break outer;
        }
        int slot = slotOf[(int) id];
        if (slot < 0) {
          slot = add(id);
        }
        sums[slot] += values[i];
        counts[slot]++;
        labels[slot] = sampleLabels[i];
      }
    }
    for (int s = 0; s < size; s++) {
      slotOf[(int) ids[s]] = -1;
    }
    if (!inRange) {
      return byMap(window);
    }
    for (int s = 0; s < size; s++) {
      means[s] = sums[s] / counts[s];
    }
    return size;
  }

  private int add(long id) {
    if (size == ids.length) {
      grow(Math.max(64, size * 2));
    }
    ids[size] = id;
    sums[size] = 0;
    counts[size] = 0;
    slotOf[(int) id] = size;
    return size++;
  }

  private void grow(int n) {
    ids = Arrays.copyOf(ids, n);
    sums = Arrays.copyOf(sums, n);
    counts = Arrays.copyOf(counts, n);
    means = Arrays.copyOf(means, n);
    labels = Arrays.copyOf(labels, n);
  }

  /** The same entries through a map, for ids the arrays do not cover. */
  private int byMap(Iterable<RunState.Sensitivities> window) {
    Map<Long, double[]> perExample = reference(window);
    size = 0;
    if (ids.length < perExample.size()) {
      grow(perExample.size());
    }
    for (Map.Entry<Long, double[]> e : perExample.entrySet()) {
      double[] acc = e.getValue();
      ids[size] = e.getKey();
      means[size] = acc[0] / acc[1];
      labels[size++] = (int) acc[2];
    }
    return size;
  }

  /** Per example id in first-seen order: sum, count and latest label. */
  static Map<Long, double[]> reference(Iterable<RunState.Sensitivities> window) {
    Map<Long, double[]> perExample = new LinkedHashMap<>();
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
