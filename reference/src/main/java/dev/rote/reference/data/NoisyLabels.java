package dev.rote.reference.data;

/**
 * Training labels after noise injection, as made by {@link LabelNoise}.
 *
 * @param labels the labels to train with
 * @param flipped whether each label differs from the original
 * @param flippedCount number of labels that differ (the number of {@code true} in {@code flipped})
 * @param mode how the noise was made
 * @param fraction the requested fraction of labels to change: 0 for {@link Mode#NONE}, 1 for
 *     {@link Mode#RANDOM} (every label is redrawn, about {@code 1/numClasses} of them land on the
 *     original class)
 * @param seed the seed of the noise; 0 for {@link Mode#NONE}
 * @param pairs for {@link Mode#ASYMMETRIC}: the class pairs as (source, target, source, target, ...);
 *     empty otherwise
 */
public record NoisyLabels(int[] labels, boolean[] flipped, int flippedCount, Mode mode, double fraction,
    long seed, int[] pairs) {

  /** Labels without class pairs (every mode but {@link Mode#ASYMMETRIC}). */
  public NoisyLabels(int[] labels, boolean[] flipped, int flippedCount, Mode mode, double fraction, long seed) {
    this(labels, flipped, flippedCount, mode, fraction, seed, new int[0]);
  }

  /** How the labels were corrupted. */
  public enum Mode {
    /** Labels as they are. */
    NONE,
    /** An exact fraction of labels moved to a different class, uniformly among the others. */
    SYMMETRIC,
    /** Every label redrawn uniformly over all classes. */
    RANDOM,
    /** An exact fraction of each source class's labels moved to its partner class (class-pair noise). */
    ASYMMETRIC;

    /** The name on the command line: {@code none}, {@code symmetric}, {@code random}, {@code asymmetric}. */
    public String cliName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The mode of {@code --noise-mode}: {@code symmetric} or {@code asymmetric} (any case).
     *
     * @throws IllegalArgumentException naming the choices
     */
    public static Mode parseNoiseMode(String text) {
      for (Mode m : new Mode[] {SYMMETRIC, ASYMMETRIC}) {
        if (m.cliName().equalsIgnoreCase(text == null ? "" : text.trim())) {
          return m;
        }
      }
      throw new IllegalArgumentException("noise mode must be one of symmetric|asymmetric, was " + text);
    }
  }

  public NoisyLabels {
    if (labels.length != flipped.length) {
      throw new IllegalArgumentException("labels and flipped must have the same length: "
          + labels.length + " != " + flipped.length);
    }
    int count = 0;
    for (boolean f : flipped) {
      count += f ? 1 : 0;
    }
    if (flippedCount != count) {
      throw new IllegalArgumentException("flippedCount must equal the flipped flags set, "
          + count + ", was " + flippedCount);
    }
    if (mode == null) {
      throw new IllegalArgumentException("mode must not be null");
    }
    if (Double.isNaN(fraction) || fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("fraction must be in [0, 1], was " + fraction);
    }
    pairs = pairs == null ? new int[0] : pairs.clone();
    if (pairs.length % 2 != 0) {
      throw new IllegalArgumentException("pairs must hold (source, target) pairs, had " + pairs.length + " values");
    }
  }

  @Override
  public int[] pairs() {
    return pairs.clone();
  }
}
