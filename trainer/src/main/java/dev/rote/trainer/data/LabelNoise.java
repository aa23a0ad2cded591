package dev.rote.trainer.data;

import java.util.SplittableRandom;

/** Label-noise injection, deterministic for a given seed; never mutates its input. */
public final class LabelNoise {

  private LabelNoise() {}

  /** No noise: the labels as they are. */
  public static NoisyLabels none(int[] labels) {
    return new NoisyLabels(labels.clone(), new boolean[labels.length], 0);
  }

  /**
   * Symmetric noise: exactly {@code round(fraction * n)} examples, chosen uniformly without
   * replacement, get a different class chosen uniformly among the other {@code numClasses - 1}.
   */
  public static NoisyLabels symmetric(int[] labels, int numClasses, double fraction, long seed) {
    if (Double.isNaN(fraction) || fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("label noise fraction must be in [0, 1], was " + fraction);
    }
    checkClasses(numClasses);
    int n = labels.length;
    int flips = (int) Math.round(fraction * n);
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Partial Fisher-Yates: the first `flips` positions are a uniform sample without replacement.
    for (int i = 0; i < flips; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] out = labels.clone();
    boolean[] flipped = new boolean[n];
    for (int i = 0; i < flips; i++) {
      int e = order[i];
      int other = rnd.nextInt(numClasses - 1);
      out[e] = other >= labels[e] ? other + 1 : other;
      flipped[e] = true;
    }
    return new NoisyLabels(out, flipped, flips);
  }

  /** Random labels: every label replaced by a uniformly random class (it may equal the original). */
  public static NoisyLabels random(int[] labels, int numClasses, long seed) {
    checkClasses(numClasses);
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] out = new int[labels.length];
    boolean[] flipped = new boolean[labels.length];
    int count = 0;
    for (int i = 0; i < labels.length; i++) {
      out[i] = rnd.nextInt(numClasses);
      flipped[i] = out[i] != labels[i];
      count += flipped[i] ? 1 : 0;
    }
    return new NoisyLabels(out, flipped, count);
  }

  private static void checkClasses(int numClasses) {
    if (numClasses < 2) {
      throw new IllegalArgumentException("label noise needs >= 2 classes, was " + numClasses);
    }
  }
}
