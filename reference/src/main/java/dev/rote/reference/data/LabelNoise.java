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
   * The default class pairs of asymmetric noise for a dataset, as (source, target, ...): for
   * Fashion-MNIST (a directory name containing {@code fashion}) T-shirt/top ↔ Shirt (0 ↔ 6), Pullover ↔
   * Coat (2 ↔ 4) and Sandal ↔ Sneaker (5 ↔ 7), the classes its images confuse most, both ways;
   * for any other dataset every class c to c + 1 mod numClasses.
   */
  public static int[] defaultPairs(String datasetName, int numClasses) {
    if (datasetName != null && datasetName.toLowerCase(java.util.Locale.ROOT).contains("fashion") && numClasses == 10) {
      return new int[] {0, 6, 6, 0, 2, 4, 4, 2, 5, 7, 7, 5};
    }
    int[] pairs = new int[2 * numClasses];
    for (int c = 0; c < numClasses; c++) {
      pairs[2 * c] = c;
      pairs[2 * c + 1] = (c + 1) % numClasses;
    }
    return pairs;
  }

  /**
   * Parses class pairs written {@code source:target,source:target,...} (the {@code --noise-pairs}
   * option), e.g. {@code 0:6,6:0}.
   *
   * @throws IllegalArgumentException naming the pair that is not {@code int:int}
   */
  public static int[] parsePairs(String text) {
    if (text == null || text.isBlank()) {
      return new int[0];
    }
    String[] items = text.split(",");
    int[] pairs = new int[2 * items.length];
    for (int i = 0; i < items.length; i++) {
      String[] st = items[i].trim().split(":");
      try {
        if (st.length != 2) {
          throw new NumberFormatException();
        }
        pairs[2 * i] = Integer.parseInt(st[0].trim());
        pairs[2 * i + 1] = Integer.parseInt(st[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("noise pairs must be source:target,source:target,... (e.g. 0:6,6:0), "
            + "was \"" + items[i].trim() + "\" in " + text);
      }
    }
    return pairs;
  }

  /** Class pairs as {@code source:target,...}, as {@link #parsePairs} reads them. */
  public static String formatPairs(int[] pairs) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      b.append(b.length() == 0 ? "" : ",").append(pairs[i]).append(':').append(pairs[i + 1]);
    }
    return b.toString();
  }

  /**
   * Asymmetric (class-pair) noise: for each pair (c, t), exactly {@code round(fraction * n_c)} of the
   * {@code n_c} examples whose label is c, chosen uniformly without replacement, get the label t.
   * Classes that are no pair's source keep their labels. Source classes are drawn in the order the pairs
   * list them, from one generator seeded with {@code seed}.
   *
   * @param pairs (source, target, source, target, ...); each source at most once, target != source
   * @throws IllegalArgumentException when the fraction is outside [0, 1] or NaN, numClasses < 2, a
   *     label or a class of a pair is out of range, a source repeats or maps to itself
   */
  public static NoisyLabels asymmetric(int[] labels, int numClasses, double fraction, int[] pairs, long seed) {
    if (Double.isNaN(fraction) || fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("label noise fraction must be in [0, 1], was " + fraction);
    }
    checkClasses(labels, numClasses);
    checkPairs(pairs, numClasses);
    int n = labels.length;
    int[] out = labels.clone();
    boolean[] flipped = new boolean[n];
    int count = 0;
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int p = 0; p < pairs.length; p += 2) {
      int source = pairs[p];
      int[] members = java.util.stream.IntStream.range(0, n).filter(i -> labels[i] == source).toArray();
      int flips = (int) Math.round(fraction * members.length);
      for (int i = 0; i < flips; i++) {
        int j = i + rnd.nextInt(members.length - i);
        int t = members[i];
        members[i] = members[j];
        members[j] = t;
        out[members[i]] = pairs[p + 1];
        flipped[members[i]] = true;
      }
      count += flips;
    }
    return new NoisyLabels(out, flipped, count, NoisyLabels.Mode.ASYMMETRIC, fraction, seed, pairs);
  }

  private static void checkPairs(int[] pairs, int numClasses) {
    if (pairs == null || pairs.length == 0 || pairs.length % 2 != 0) {
      throw new IllegalArgumentException("asymmetric noise needs one or more source:target pairs, was "
          + (pairs == null ? "nothing" : java.util.Arrays.toString(pairs)));
    }
    boolean[] seen = new boolean[numClasses];
    for (int p = 0; p < pairs.length; p += 2) {
      for (int c : new int[] {pairs[p], pairs[p + 1]}) {
        if (c < 0 || c >= numClasses) {
          throw new IllegalArgumentException("noise pair " + pairs[p] + ":" + pairs[p + 1] + " names class " + c
              + ", out of range [0, " + numClasses + ")");
        }
      }
      if (pairs[p] == pairs[p + 1]) {
        throw new IllegalArgumentException("noise pair " + pairs[p] + ":" + pairs[p + 1] + " maps a class to itself");
      }
      if (seen[pairs[p]]) {
        throw new IllegalArgumentException("noise pairs list source class " + pairs[p] + " more than once");
      }
      seen[pairs[p]] = true;
    }
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
