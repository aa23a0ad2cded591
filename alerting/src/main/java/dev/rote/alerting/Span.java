package dev.rote.alerting;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A length in a rule — {@code patience}, {@code start_from}, {@code restore_average} — in
 * evaluations (values of the monitored indicator), training steps, or epochs (passes over the
 * training data, converted to steps through the run's metadata: {@link dev.rote.contract.EpochLength}).
 * Written {@code 24} (the field's bare unit), {@code 24 evaluations}, {@code 240 steps} or
 * {@code 3 epochs}; epochs may be fractional ({@code 1.5 epochs}).
 *
 * @param amount how many, >= 0; whole for evaluations and steps
 * @param unit the unit
 */
public record Span(double amount, Unit unit) {

  /** What a span counts. */
  public enum Unit {
    EVALUATIONS("evaluations"), STEPS("steps"), EPOCHS("epochs");

    private final String word;

    Unit(String word) {
      this.word = word;
    }

    /** The unit as rules write it, plural. */
    public String word() {
      return word;
    }
  }

  private static final Pattern FORM = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)\\s*");

  public Span {
    if (unit == null) {
      throw new IllegalArgumentException("unit must not be null");
    }
    if (!(amount >= 0) || Double.isInfinite(amount)) {
      throw new IllegalArgumentException("must be >= 0, was " + amount);
    }
    if (unit != Unit.EPOCHS && amount != Math.rint(amount)) {
      throw new IllegalArgumentException(unit.word + " must be a whole number, was " + amount);
    }
  }

  public static Span evaluations(long n) {
    return new Span(n, Unit.EVALUATIONS);
  }

  public static Span steps(long n) {
    return new Span(n, Unit.STEPS);
  }

  public static Span epochs(double n) {
    return new Span(n, Unit.EPOCHS);
  }

  /**
   * Reads {@code text} ({@code 3 epochs}, {@code 240 steps}, {@code 24}, ...).
   *
   * @param bare the unit of a number without one
   * @param allowed the units the field accepts
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Span parse(String text, Unit bare, Set<Unit> allowed) {
    Matcher m = FORM.matcher(text == null ? "" : text);
    Unit unit = null;
    if (m.matches()) {
      String word = m.group(2).toLowerCase(Locale.ROOT);
      unit = word.isEmpty() ? bare : unitOf(word);
    }
    if (unit == null || !allowed.contains(unit)) {
      throw new IllegalArgumentException("must be " + forms(bare, allowed) + ", was '" + text + "'");
    }
    return new Span(Double.parseDouble(m.group(1)), unit);
  }

  private static Unit unitOf(String word) {
    for (Unit u : Unit.values()) {
      if (u.word.equals(word) || u.word.equals(word + "s")) {
        return u;
      }
    }
    return null;
  }

  /** The accepted forms in words, e.g. {@code N (evaluations), N evaluations, N steps or N epochs}. */
  static String forms(Unit bare, Set<Unit> allowed) {
    StringBuilder b = new StringBuilder("N (" + bare.word + ")");
    Unit[] units = Unit.values();
    int listed = 0;
    for (Unit u : units) {
      if (allowed.contains(u)) {
        listed++;
      }
    }
    int i = 0;
    for (Unit u : units) {
      if (allowed.contains(u)) {
        b.append(++i == listed ? " or " : ", ").append("N ").append(u.word);
      }
    }
    return b.append(" with N >= 0").toString();
  }

  /**
   * In steps: steps as they are, epochs times {@code stepsPerEpoch} (rounded); not for evaluations.
   */
  public long inSteps(long stepsPerEpoch) {
    return switch (unit) {
      case STEPS -> (long) amount;
      case EPOCHS -> Math.round(amount * stepsPerEpoch);
      case EVALUATIONS -> throw new IllegalStateException("evaluations are not steps");
    };
  }

  @Override
  public String toString() {
    String n = amount == Math.rint(amount) ? Long.toString((long) amount) : Double.toString(amount);
    return n + " " + (amount == 1 ? unit.word.substring(0, unit.word.length() - 1) : unit.word);
  }
}
