package dev.rote.alerting;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A stop rule in the vocabulary of Keras' and Lightning's {@code EarlyStopping}, evaluated on one
 * indicator of every run. Each value of the monitored indicator is one evaluation.
 *
 * <p>On each evaluation, in this order: a non-finite value fires when {@code checkFinite}; a value
 * better than {@code stoppingThreshold} fires; a value worse than {@code divergenceThreshold} fires;
 * otherwise the value either improves on the best so far by more than {@code minDelta} (it becomes
 * the best, the wait resets) or it does not (the wait grows, and fires once it reaches {@code
 * patience} and the value is more than {@code rebound} worse than the best). A rule fires at most once per run, and only while every {@code when} condition holds
 * on the run's latest values; a patience trigger that finds a condition false fires at the first
 * later evaluation where all hold.
 *
 * @param name unique name, used in signal ids, metrics and reasons
 * @param monitor indicator name, e.g. {@code prediction_flip_rate}
 * @param layer only values of this layer; null for run-level values (without a layer)
 * @param mode whether smaller ({@link Mode#MIN}) or larger ({@link Mode#MAX}) values are better
 * @param minDelta smallest change that counts as an improvement, >= 0
 * @param patience evaluations without improvement before the rule fires, >= 0
 * @param rebound Rote's addition: a patience trigger fires only once the value is worse than the
 *     best by more than this (absolute, >= 0; 0 keeps Keras' behaviour). It tells a turning point
 *     (the value has come back up from its minimum) from a plateau (it merely stopped improving)
 * @param baseline the best value to start from: the run must improve on it (Keras), or null
 * @param stoppingThreshold fire as soon as a value is better than this (Lightning), or null
 * @param divergenceThreshold fire as soon as a value is worse than this (Lightning), or null
 * @param checkFinite fire on NaN or infinite values
 * @param startFromStep evaluations before this training step are ignored
 * @param action what firing does
 * @param restoreBest recommend restoring the checkpoint of the best step when firing
 * @param when conditions on other indicators that must all hold for the rule to fire
 */
public record Rule(
    String name,
    String monitor,
    Integer layer,
    Mode mode,
    double minDelta,
    int patience,
    double rebound,
    Double baseline,
    Double stoppingThreshold,
    Double divergenceThreshold,
    boolean checkFinite,
    long startFromStep,
    Action action,
    boolean restoreBest,
    List<Condition> when) {

  /** Which direction of the monitored value is an improvement. */
  public enum Mode {
    MIN, MAX;

    /** Whether {@code a} is strictly better than {@code b}. */
    public boolean better(double a, double b) {
      return this == MIN ? a < b : a > b;
    }

    /** The starting best: the worst possible value. */
    public double worst() {
      return this == MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }
  }

  /** What a rule does when it fires. */
  public enum Action {
    /** An alert record and a metric; training goes on. */
    WARN,
    /** A stop signal to the trainer (and an alert record). */
    STOP
  }

  /**
   * A condition on the latest value of another indicator of the same run.
   *
   * @param indicator indicator name
   * @param layer layer of the indicator, or null for run-level values
   * @param above holds when the value is greater than this, or null
   * @param below holds when the value is less than this, or null
   */
  public record Condition(String indicator, Integer layer, Double above, Double below) {
    public Condition {
      requireName(indicator, "indicator");
      if (above == null && below == null) {
        throw new IllegalArgumentException("condition on " + indicator + " needs above or below");
      }
    }

    /** The series the condition reads: {@code name} or {@code name/layer}. */
    public String series() {
      return Rule.series(indicator, layer);
    }

    /** Whether a value satisfies the condition; a missing value never does. */
    public boolean holds(Double value) {
      return value != null && (above == null || value > above) && (below == null || value < below);
    }
  }

  public Rule {
    requireName(name, "name");
    requireName(monitor, "monitor");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(action, "action");
    if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
      throw new IllegalArgumentException("min_delta must be a finite number >= 0, was " + minDelta);
    }
    if (!(rebound >= 0) || Double.isInfinite(rebound)) {
      throw new IllegalArgumentException("rebound must be a finite number >= 0, was " + rebound);
    }
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be >= 0, was " + patience);
    }
    if (startFromStep < 0) {
      throw new IllegalArgumentException("start_from_step must be >= 0, was " + startFromStep);
    }
    if (layer != null && layer < 0) {
      throw new IllegalArgumentException("layer must be >= 0, was " + layer);
    }
    when = when == null ? List.of() : List.copyOf(when);
  }

  /** A rule with the documented defaults: min, min_delta 0, patience 3, check_finite, stop. */
  public static Rule of(String name, String monitor) {
    return new Rule(name, monitor, null, Mode.MIN, 0.0, 3, 0.0, null, null, null, true, 0, Action.STOP, true,
        List.of());
  }

  /** The series the rule reads: {@code monitor} or {@code monitor/layer}. */
  public String series() {
    return series(monitor, layer);
  }

  /**
   * The rule in one line, as the commands list it: {@code name: stop when series (min) has not
   * improved by more than 0.0 for 24 evaluations and is more than 0.01 off its best, ...}.
   */
  public String describe() {
    StringBuilder b = new StringBuilder(name).append(": ").append(action.name().toLowerCase(Locale.ROOT))
        .append(" when ").append(series()).append(" (").append(mode.name().toLowerCase(Locale.ROOT))
        .append(") has not improved by more than ").append(minDelta).append(" for ").append(patience)
        .append(" evaluations");
    if (rebound > 0) {
      b.append(" and is more than ").append(rebound).append(" off its best");
    }
    if (stoppingThreshold != null) {
      b.append(", or passes ").append(stoppingThreshold);
    }
    if (divergenceThreshold != null) {
      b.append(", or diverges beyond ").append(divergenceThreshold);
    }
    for (Condition c : when) {
      b.append(", while ").append(c.series()).append(c.above() != null ? " > " + c.above() : "")
          .append(c.below() != null ? " < " + c.below() : "");
    }
    if (startFromStep > 0) {
      b.append(", from step ").append(startFromStep);
    }
    return b.toString();
  }

  public Rule withPatience(int value) {
    return new Rule(name, monitor, layer, mode, minDelta, value, rebound, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, startFromStep, action, restoreBest, when);
  }

  public Rule withMode(Mode value) {
    return new Rule(name, monitor, layer, value, minDelta, patience, rebound, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, startFromStep, action, restoreBest, when);
  }

  public Rule withAction(Action value) {
    return new Rule(name, monitor, layer, mode, minDelta, patience, rebound, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, startFromStep, value, restoreBest, when);
  }

  static String series(String name, Integer layer) {
    return layer == null ? name : name + "/" + layer;
  }

  private static void requireName(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }
}
