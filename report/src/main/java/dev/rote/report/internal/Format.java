package dev.rote.report.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Number formatting for the results page, locale-independent; {@code null} prints as {@code -}. */
public final class Format {

  public static final String NONE = "-";

  private Format() {}

  /** A fraction as a percentage with at most two decimals and no trailing zeros: 0.4 -> {@code 40}. */
  public static String percentNumber(double fraction) {
    return BigDecimal.valueOf(fraction * 100).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros()
        .toPlainString();
  }

  /** {@link #percentNumber} with a percent sign: 0.4 -> {@code 40%}. */
  public static String percent(double fraction) {
    return percentNumber(fraction) + "%";
  }

  /** An accuracy with four decimals: {@code 0.8123}. */
  public static String accuracy(Double value) {
    return value == null ? NONE : String.format(Locale.ROOT, "%.4f", value);
  }

  /** A ratio as a percentage with one decimal: 0.97912 -> {@code 97.9%}. */
  public static String ratio(Double value) {
    return value == null ? NONE : String.format(Locale.ROOT, "%.1f%%", value * 100);
  }

  /** A step, or {@code -}. */
  public static String step(Long value) {
    return value == null ? NONE : Long.toString(value);
  }
}
