package dev.rote.reference.experiment;

import dev.rote.reference.data.NoisyLabels;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The label noise of one run of the experiment: clean labels, or a fraction of labels changed symmetrically
 * or along class pairs (asymmetrically).
 *
 * @param mode {@link NoisyLabels.Mode#NONE} (then {@code level} is 0), {@link NoisyLabels.Mode#SYMMETRIC} or
 *     {@link NoisyLabels.Mode#ASYMMETRIC}
 * @param level the fraction of labels changed (of all labels, or of each source class's), in [0, 1)
 */
public record NoiseCondition(NoisyLabels.Mode mode, double level) {

  /** Clean labels. */
  public static final NoiseCondition CLEAN = new NoiseCondition(NoisyLabels.Mode.NONE, 0);

  public NoiseCondition {
    if (!(level >= 0 && level < 1)) {
      throw new IllegalArgumentException("label noise levels must be in [0, 1), was " + level);
    }
    if (mode == NoisyLabels.Mode.RANDOM || (mode == NoisyLabels.Mode.NONE) != (level == 0)) {
      throw new IllegalArgumentException("noise mode " + mode + " does not go with level " + level);
    }
  }

  /** {@code level} of noise in {@code mode}; level 0 is {@link #CLEAN} whatever the mode. */
  public static NoiseCondition of(NoisyLabels.Mode mode, double level) {
    return level == 0 ? CLEAN : new NoiseCondition(mode, level);
  }

  /** Whether labels are changed at all. */
  public boolean noisy() {
    return level > 0;
  }

  /** For people: {@code clean}, {@code symmetric 40%}, {@code asymmetric 40%}. */
  public String label() {
    return noisy() ? mode.cliName() + " " + percent() + "%" : "clean";
  }

  /** For keys and file names: {@code clean}, {@code sym40}, {@code asym40}. */
  public String key() {
    return noisy() ? (mode == NoisyLabels.Mode.ASYMMETRIC ? "asym" : "sym") + percent() : "clean";
  }

  /** The level in percent, at most two decimals, no trailing zeros: 0.4 → {@code 40}, 0.125 → {@code 12.5}. */
  private String percent() {
    return BigDecimal.valueOf(level * 100).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }
}
