package dev.rote.alerting;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A change in a rule — {@code min_delta}, {@code rebound} — as an absolute amount ({@code 0.01}),
 * a share of the best value ({@code 5%}: 0.05 × |best|), or standard errors ({@code 1 se}: the
 * standard error of the difference between the value and the best, sqrt(se_value² + se_best²),
 * from the indicators' {@code standard_error}).
 *
 * @param amount how much, finite and >= 0
 * @param kind its unit
 */
public record Delta(double amount, Kind kind) {

  /** What a delta is measured in. */
  public enum Kind { ABSOLUTE, PERCENT, SE }

  /** No change at all: 0. */
  public static final Delta ZERO = new Delta(0, Kind.ABSOLUTE);

  private static final Pattern FORM = Pattern.compile("\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*(%|se)?\\s*",
      Pattern.CASE_INSENSITIVE);

  /** The accepted forms, for messages. */
  static final String FORMS = "a number >= 0 (absolute), N% (of the best value) or N se (standard errors)";

  public Delta {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    if (!(amount >= 0) || Double.isInfinite(amount)) {
      throw new IllegalArgumentException("must be a finite number >= 0, was " + amount);
    }
  }

  public static Delta absolute(double amount) {
    return new Delta(amount, Kind.ABSOLUTE);
  }

  public static Delta se(double amount) {
    return new Delta(amount, Kind.SE);
  }

  /** Reads {@code 0.01}, {@code 5%} or {@code 1 se}; throws naming the accepted forms. */
  public static Delta parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("must be " + FORMS + ", was '" + text + "'");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    return new Delta(amount, switch (unit) {
      case "%" -> Kind.PERCENT;
      case "se" -> Kind.SE;
      default -> Kind.ABSOLUTE;
    });
  }

  /** Whether this delta needs standard errors. */
  public boolean inStandardErrors() {
    return kind == Kind.SE && amount > 0;
  }

  /**
   * The delta as an absolute amount against {@code best}.
   *
   * @param seValue standard error of the value compared (NaN when unknown)
   * @param seBest standard error of the best value (NaN when unknown; 0 for a baseline)
   */
  public double absolute(double best, double seValue, double seBest) {
    return switch (kind) {
      case ABSOLUTE -> amount;
      case PERCENT -> Double.isFinite(best) ? amount / 100 * Math.abs(best) : 0;
      case SE -> amount == 0 ? 0 : amount * Math.sqrt(seValue * seValue + (Double.isNaN(seBest) ? 0 : seBest * seBest));
    };
  }

  @Override
  public String toString() {
    String n = amount == Math.rint(amount) && Math.abs(amount) < 1e15 ? Long.toString((long) amount)
        : Double.toString(amount);
    return switch (kind) {
      case ABSOLUTE -> Double.toString(amount);
      case PERCENT -> n + "%";
      case SE -> n + " se";
    };
  }
}
