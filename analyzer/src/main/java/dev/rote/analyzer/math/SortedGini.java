package dev.rote.analyzer.math;

import java.util.Arrays;

/**
 * The Gini coefficient of per-item values that change a little from one call to the next (the
 * analyzer's per-example mean sensitivities of a sliding window), from the previous call's values
 * kept in ascending order: items whose value is unchanged keep their order, the others are sorted
 * alone and the two are merged. Linear in the items when few change, instead of n log n; the same
 * ascending values as a full sort, so {@link Gini#ofSorted} gives {@link Gini#of(double[], int)}'s
 * result bit for bit.
 *
 * <p>One instance per thread (its scratch arrays are reused); the order belongs to the series of
 * values, in an {@link Order} the caller keeps (an empty one: the first call sorts everything).
 */
public final class SortedGini {

  /** A series' values of its last call in ascending order, with their item ids. */
  public static final class Order {
    long[] ids = new long[0];
    double[] values = new double[0];
    int size;

    /** The values kept, ascending. */
    public double[] values() {
      return Arrays.copyOf(values, size);
    }
  }

  /** Insertion-sort moves allowed per changed example before the changed ones are sorted in full. */
  private static final int MOVES_PER_EXAMPLE = 8;

  /** Per example id: its index in the current means plus one, 0 when absent; all 0 between calls. */
  private int[] position = new int[0];
  private boolean[] kept = new boolean[0];
  private long[] keys = new long[0];
  private double[] freshValues = new double[0];
  private long[] freshIds = new long[0];
  private double[] survivors = new double[0];
  private long[] survivorIds = new long[0];
  private int lastKept;

  /**
   * The Gini of {@code means[0, n)}, the values of distinct items {@code ids[0, n)}; updates
   * {@code order} to them. Where an id falls outside {@code [0, idLimit)} or a value is negative or not
   * finite, it is {@link Gini#of(double[], int)} itself (which throws for such a value), and the
   * order is forgotten.
   *
   * @throws IllegalArgumentException when {@code n} is negative or exceeds either array
   */
  public double gini(Order order, long[] ids, double[] means, int n, int idLimit) {
    lastKept = 0;
    if (n < 0 || n > means.length || n > ids.length) {
      throw new IllegalArgumentException("n must be in [0, " + Math.min(means.length, ids.length) + "], was " + n);
    }
    for (int i = 0; i < n; i++) {
      if (ids[i] < 0 || ids[i] >= idLimit || !(means[i] >= 0) || Double.isInfinite(means[i])) {
        order.size = 0;
        return Gini.of(means, n);
      }
    }
    if (n == 0) {
      order.size = 0;
      return Double.NaN;
    }
    if (position.length < idLimit) {
      position = new int[idLimit];
    }
    if (kept.length < n) {
      int capacity = Math.max(n, 2 * kept.length);
      kept = new boolean[capacity];
      keys = new long[capacity];
      freshValues = new double[capacity];
      freshIds = new long[capacity];
      survivors = new double[capacity];
      survivorIds = new long[capacity];
    }
    for (int i = 0; i < n; i++) {
      position[(int) ids[i]] = i + 1;
    }
    // the examples whose mean did not change, in the previous order (still ascending)
    int m = 0;
    for (int j = 0; j < order.size; j++) {
      long id = order.ids[j];
      int p = id < idLimit ? position[(int) id] : 0;
      if (p > 0 && !kept[p - 1] && means[p - 1] == order.values[j]) {
        kept[p - 1] = true;
        survivorIds[m] = id;
        survivors[m++] = order.values[j];
      }
    }
    lastKept = m;
    // the others sorted: by the value as a float (monotone for non-negative values), then fixed where
    // doubles that round to the same float are out of order
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (!kept[i]) {
        keys[k++] = ((long) Float.floatToIntBits((float) means[i]) << 32) | i;
      }
    }
    Arrays.sort(keys, 0, k);
    for (int t = 0; t < k; t++) {
      int i = (int) keys[t];
      freshValues[t] = means[i];
      freshIds[t] = ids[i];
    }
    boolean sorted = insertionSort(k);
    for (int i = 0; i < n; i++) {
      position[(int) ids[i]] = 0;
      kept[i] = false;
    }
    if (!sorted) {
      order.size = 0;
      lastKept = 0;
      return Gini.of(means, n);
    }
    merge(order, m, k);
    return Gini.ofSorted(order.values, n);
  }

  /** Items of the last call that kept their place from the order (the rest were sorted anew). */
  public int lastKept() {
    return lastKept;
  }

  /** Sorts the first {@code k} fresh values (with their ids); false when it would take too long. */
  private boolean insertionSort(int k) {
    long budget = (long) MOVES_PER_EXAMPLE * k;
    for (int t = 1; t < k; t++) {
      double v = freshValues[t];
      if (!(freshValues[t - 1] > v)) {
        continue;
      }
      long id = freshIds[t];
      int u = t;
      while (u > 0 && freshValues[u - 1] > v) {
        if (--budget < 0) {
          return false;
        }
        freshValues[u] = freshValues[u - 1];
        freshIds[u] = freshIds[u - 1];
        u--;
      }
      freshValues[u] = v;
      freshIds[u] = id;
    }
    return true;
  }

  private void merge(Order order, int m, int k) {
    int n = m + k;
    long[] ids = order.ids.length >= n ? order.ids : new long[n];
    double[] values = order.values.length >= n ? order.values : new double[n];
    // the survivors were copied out of the order's arrays, so those can take the merge
    int a = 0;
    int b = 0;
    for (int o = 0; o < n; o++) {
      if (b >= k || (a < m && survivors[a] <= freshValues[b])) {
        ids[o] = survivorIds[a];
        values[o] = survivors[a++];
      } else {
        ids[o] = freshIds[b];
        values[o] = freshValues[b++];
      }
    }
    order.ids = ids;
    order.values = values;
    order.size = n;
  }
}
