package dev.rote.reference.data;

import java.util.SplittableRandom;

/**
 * Label-noise injection for memorization experiments. Deterministic for a given seed (it draws
 * from {@link SplittableRandom}); never mutates its input.
 */
public final class LabelNoise {

  private LabelNoise() {}

  /** No noise: a copy of the labels, none flipped. */
  public static NoisyLabels none(int[] labels) {
    return new NoisyLabels(labels.clone(), new boolean[labels.length], 0, NoisyLabels.Mode.NONE, 0, 0);
  }

  /**
   * Symmetric noise: exactly {@code round(fraction * n)} examples, chosen uniformly without
   * replacement, get a different class chosen uniformly among the other {@code numClasses - 1}.
   *
   * @param labels the clean labels, each in [0, numClasses)
   * @param fraction the fraction of labels to change, in [0, 1] (the {@code --label-noise} option)
   * @throws IllegalArgumentException when the fraction is outside [0, 1] or NaN, numClasses < 2,
   *     or a label is out of range
   */
  public static NoisyLabels symmetric(int[] labels, int numClasses, double fraction, long seed) {
    if (Double.isNaN(fraction) || fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("label noise fraction must be in [0, 1], was " + fraction);
    }
    checkClasses(labels, numClasses);
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
    return new NoisyLabels(out, flipped, flips, NoisyLabels.Mode.SYMMETRIC, fraction, seed);
  }

  /**
   * Random labels: every label replaced by a uniformly random class in [0, numClasses) (it may
   * equal the original, so about {@code 1 - 1/numClasses} of them are flipped).
   *
   * @throws IllegalArgumentException when numClasses < 2 or a label is out of range
   */
  public static NoisyLabels random(int[] labels, int numClasses, long seed) {
    checkClasses(labels, numClasses);
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] out = new int[labels.length];
    boolean[] flipped = new boolean[labels.length];
    int count = 0;
    for (int i = 0; i < labels.length; i++) {
      out[i] = rnd.nextInt(numClasses);
      flipped[i] = out[i] != labels[i];
      count += flipped[i] ? 1 : 0;
    }
    return new NoisyLabels(out, flipped, count, NoisyLabels.Mode.RANDOM, 1, seed);
  }

  private static void checkClasses(int[] labels, int numClasses) {
    if (numClasses < 2) {
      throw new IllegalArgumentException("label noise needs >= 2 classes, was " + numClasses);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("label " + labels[i] + " at index " + i
            + " is out of range [0, " + numClasses + ")");
      }
    }
  }
}
