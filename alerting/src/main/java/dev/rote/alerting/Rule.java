package dev.rote.alerting;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A stop rule in the vocabulary of Keras' and Lightning's {@code EarlyStopping}, evaluated on one
 * indicator of every run. Each value of the monitored indicator is one evaluation.
 *
 * <p>On each evaluation, in this order: a non-finite value fires when {@code checkFinite}; the value
 * joins the moving average of the last {@code smoothing} values (no decision until there are that
 * many); the average better than {@code stoppingThreshold} fires; worse than {@code
 * divergenceThreshold} fires; otherwise it either improves on the best so far by more than {@code
 * minDelta} (it becomes the best, the wait resets) or it does not (the wait grows, and the rule
 * fires once the wait has reached {@code patience} and the value is more than {@code rebound} worse
 * than the best). A rule fires at most once per run, and only while every {@code when} condition
 * holds on the run's latest values; a patience trigger that finds a condition false fires at the
 * first later evaluation where all hold.
 *
 * <p>Units: {@code patience}, {@code startFrom} and {@code restoreAverage} are {@link Span}s
 * (evaluations, steps or epochs; epochs through the run's metadata), {@code minDelta} and {@code
 * rebound} are {@link Delta}s (absolute, percent of the best, or standard errors). A rule that needs
 * what a run cannot give (epochs without the training-set size, standard errors on values that
 * carry none) reports it once per run in an alert and never fires for that run.
 *
 * @param name unique name, used in signal ids, metrics and reasons
 * @param monitor indicator name, e.g. {@code epoch_prediction_flip_rate}
 * @param layer only values of this layer; null for run-level values (without a layer)
 * @param mode whether smaller ({@link Mode#MIN}) or larger ({@link Mode#MAX}) values are better
 * @param minDelta smallest change that counts as an improvement
 * @param patience how long without improvement before the rule fires: evaluations, or steps or
 *     epochs since the best value
 * @param rebound Rote's addition: a patience trigger fires only once the value is worse than the
 *     best by more than this (0 keeps Keras' behaviour). It tells a turning point (the value has
 *     come back up from its minimum) from a plateau (it merely stopped improving)
 * @param smoothing Rote's addition: evaluate the moving average of the last N values ({@code N
 *     evaluations}; 1 = the values themselves) or of the values within the last N training steps ({@code
 *     N steps}: the latest value and those less than N steps before it; a decision waits until the
 *     values seen reach N steps back, counted from the value before the window's oldest, or step 0);
 *     its standard error is sqrt(Σ se²) / n over its n values, its restore step the middle one's. A
 *     window in steps holds as many per-epoch values as N steps span: one at N updates per epoch or
 *     more, ten at 6
 * @param baseline the best value to start from: the run must improve on it (Keras), or null
 * @param stoppingThreshold fire as soon as a value is better than this (Lightning), or null
 * @param divergenceThreshold fire as soon as a value is worse than this (Lightning), or null
 * @param checkFinite fire on NaN or infinite values
 * @param startFrom values before this training step (in steps or epochs) are ignored
 * @param action what firing does
 * @param restoreBest recommend restoring the checkpoint of the best step when firing
 * @param restoreAverage when set, also recommend the window of checkpoints within this distance of
 *     the best step ({@code restore_from_step}, {@code restore_to_step}) for averaging; null for none
 * @param when conditions on other indicators that must all hold for the rule to fire
 * @param reboundFor Rote's addition: how many evaluations in a row the value must have been more
 *     than {@code rebound} off the best (1: the current one alone). A turning point persists; a
 *     disturbance of one evaluation does not. With more than 1, a rebound trigger asks the {@code
 *     when} conditions at one of the evaluations of that run off the best (since it began), not
 *     necessarily at the last; thresholds and non-finite values read them as without it. Needs a
 *     {@code rebound}
 * @param armingThreshold Rote's addition: a patience trigger fires only once the best value has been
 *     better than this (below it in {@link Mode#MIN}, above it in {@link Mode#MAX}); null for none.
 *     A rebound from a minimum that never got that low is not the turning point the rule looks for
 * @param armingRatio Rote's addition: a patience trigger also fires once the best value, divided by
 *     another indicator's value at the same step, is better than a threshold; null for none. With
 *     {@code smoothing}, the sum of the window's values over the sum of the divisors at their steps.
 *     With {@code armingThreshold} too, either arms the rule (the threshold only while the ratio is
 *     better than the ratio's {@code limit}, when it has one). A ratio of two rates that rise and fall
 *     together with the optimizer's churn (e.g. the wrong examples learned over the right ones
 *     forgotten per epoch) does not depend on the batch size as either rate does
 */
public record Rule(
    String name,
    String monitor,
    Integer layer,
    Mode mode,
    Delta minDelta,
    Span patience,
    Delta rebound,
    Span smoothing,
    Double baseline,
    Double stoppingThreshold,
    Double divergenceThreshold,
    boolean checkFinite,
    Span startFrom,
    Action action,
    boolean restoreBest,
    Span restoreAverage,
    List<Condition> when,
    int reboundFor,
    Double armingThreshold,
    ArmingRatio armingRatio) {

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

  /**
   * Arms a rule by the ratio of its best value to another indicator's value at the same step.
   *
   * @param over indicator name of the divisor, a run-level value published at the monitored
   *     indicator's steps (e.g. {@code epoch_forgetting_rate} beside {@code epoch_wrong_learned_rate})
   * @param threshold the ratio must be better than this in the rule's mode (below it in
   *     {@link Mode#MIN}); a divisor of 0 or a missing one never arms
   * @param limit with an {@code armingThreshold}, the threshold arms only while the ratio is better
   *     than this (a ratio that cannot be taken lets it arm nothing); null: the threshold arms alone.
   *     An absolute threshold on a per-epoch rate reads differently at 10 updates per epoch than at
   *     300; the ratio does not
   * @param span 1: the best value over the divisor at its step; 3: the sum of the values over the
   *     sum of the divisors at the evaluation before the best, the best's and the one after (those
   *     that have both), so that one noisy evaluation of either does not arm the rule alone; the
   *     ratio is complete one evaluation after the best
   */
  public record ArmingRatio(String over, double threshold, Double limit, int span) {
    public ArmingRatio {
      requireName(over, "arming_ratio over");
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("arming_ratio threshold must be finite, was " + threshold);
      }
      if (limit != null && !Double.isFinite(limit)) {
        throw new IllegalArgumentException("arming_ratio limit must be finite, was " + limit);
      }
      if (span != 1 && span != 3) {
        throw new IllegalArgumentException("arming_ratio span must be 1 or 3, was " + span);
      }
    }

    /** A ratio at the best's step alone. */
    public ArmingRatio(String over, double threshold, Double limit) {
      this(over, threshold, limit, 1);
    }

    /** A ratio at the best's step alone that arms alone, without a limit on the threshold. */
    public ArmingRatio(String over, double threshold) {
      this(over, threshold, null, 1);
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
   * A condition on the latest value of another indicator of the same run, or on the mean of its
   * latest values, or on its ratio to a third indicator.
   *
   * @param indicator indicator name
   * @param layer layer of the indicator, or null for run-level values
   * @param above holds when the value is greater than this, or null
   * @param below holds when the value is less than this, or null
   * @param smoothing how many of the indicator's latest values the condition averages (1: the latest
   *     value alone); it never holds before that many values arrived
   * @param over Rote's addition: the condition compares the value over this run-level indicator's (each
   *     the mean of its last {@code smoothing} values), or null for the value itself. A divisor
   *     missing, not positive or not finite never holds. Two rates that rise and fall together with
   *     the optimizer's churn (the wrong examples learned, the right ones forgotten per epoch) have a
   *     ratio that does not move with the updates per epoch as either rate does
   */
  public record Condition(String indicator, Integer layer, Double above, Double below, int smoothing, String over) {

    /** The largest {@code smoothing} a condition may ask for. */
    public static final int MAX_SMOOTHING = 16;

    public Condition {
      requireName(indicator, "indicator");
      if (above == null && below == null) {
        throw new IllegalArgumentException("condition on " + indicator + " needs above or below");
      }
      if (smoothing < 1 || smoothing > MAX_SMOOTHING) {
        throw new IllegalArgumentException("smoothing of the condition on " + indicator + " must be in [1, "
            + MAX_SMOOTHING + "], was " + smoothing);
      }
      if (over != null) {
        requireName(over, "over of the condition on " + indicator);
      }
    }

    /** A condition on the latest value alone. */
    public Condition(String indicator, Integer layer, Double above, Double below) {
      this(indicator, layer, above, below, 1);
    }

    /** A condition on the indicator's own values. */
    public Condition(String indicator, Integer layer, Double above, Double below, int smoothing) {
      this(indicator, layer, above, below, smoothing, null);
    }

    /** The series the condition reads: {@code name} or {@code name/layer}. */
    public String series() {
      return Rule.series(indicator, layer);
    }

    /** What the condition compares, as the commands list it: {@code series}, a mean of it, or a ratio. */
    public String describe() {
      String v = smoothing > 1 ? "the mean of the last " + smoothing + " " + series() : series();
      if (over != null) {
        v += smoothing > 1 ? " over the mean of the last " + smoothing + " " + over : " over " + over;
      }
      return v;
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
    Objects.requireNonNull(minDelta, "min_delta");
    Objects.requireNonNull(patience, "patience");
    Objects.requireNonNull(rebound, "rebound");
    Objects.requireNonNull(startFrom, "start_from");
    Objects.requireNonNull(smoothing, "smoothing");
    try {
      checkSmoothing(smoothing);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("smoothing " + e.getMessage(), e);
    }
    if (startFrom.unit() == Span.Unit.EVALUATIONS) {
      throw new IllegalArgumentException("start_from must be in steps or epochs, was " + startFrom);
    }
    if (layer != null && layer < 0) {
      throw new IllegalArgumentException("layer must be >= 0, was " + layer);
    }
    when = when == null ? List.of() : List.copyOf(when);
    if (reboundFor < 1 || reboundFor > MAX_REBOUND_FOR) {
      throw new IllegalArgumentException("rebound_for must be in [1, " + MAX_REBOUND_FOR + "], was " + reboundFor);
    }
    if (reboundFor > 1 && rebound.amount() <= 0) {
      throw new IllegalArgumentException("rebound_for " + reboundFor + " needs a rebound > 0");
    }
    if (armingThreshold != null && !Double.isFinite(armingThreshold)) {
      throw new IllegalArgumentException("arming_threshold must be finite, was " + armingThreshold);
    }
    if (armingRatio != null && armingRatio.limit() != null && armingThreshold == null) {
      throw new IllegalArgumentException("arming_ratio limit " + armingRatio.limit() + " needs an arming_threshold");
    }
  }

  /**
   * The largest {@code smoothing} in steps: the window keeps at most one value per step, and the
   * run's state carries it.
   */
  public static final int MAX_SMOOTHING_STEPS = 256;

  /**
   * Checks a {@code smoothing}: N evaluations or N steps, N at least 1, steps at most {@link
   * #MAX_SMOOTHING_STEPS}.
   *
   * @throws IllegalArgumentException saying what it must be
   */
  public static void checkSmoothing(Span smoothing) {
    if (smoothing.unit() == Span.Unit.EPOCHS || smoothing.amount() < 1) {
      throw new IllegalArgumentException("must be N evaluations or N steps with N >= 1, was " + smoothing);
    }
    if (smoothing.unit() == Span.Unit.STEPS && smoothing.amount() > MAX_SMOOTHING_STEPS) {
      throw new IllegalArgumentException("must be at most " + MAX_SMOOTHING_STEPS + " steps, was " + smoothing);
    }
  }

  /** Whether the rule reads a moving average rather than each value alone. */
  public boolean smoothed() {
    return !(smoothing.unit() == Span.Unit.EVALUATIONS && smoothing.amount() == 1);
  }

  /**
   * The most values the moving average can hold: N evaluations, or N steps (at most one value per
   * step).
   */
  public int smoothingCapacity() {
    return (int) smoothing.amount();
  }

  /** The largest {@code rebound_for} a rule may ask for. */
  public static final int MAX_REBOUND_FOR = 16;

  /** A rule whose rebound counts from the current evaluation alone ({@code rebound_for: 1}). */
  public Rule(String name, String monitor, Integer layer, Mode mode, Delta minDelta, Span patience, Delta rebound,
      int smoothing, Double baseline, Double stoppingThreshold, Double divergenceThreshold, boolean checkFinite,
      Span startFrom, Action action, boolean restoreBest, Span restoreAverage, List<Condition> when) {
    this(name, monitor, layer, mode, minDelta, patience, rebound, Span.evaluations(smoothing), baseline,
        stoppingThreshold, divergenceThreshold, checkFinite, startFrom, action, restoreBest, restoreAverage, when, 1,
        null, null);
  }

  /**
   * A rule in today's units: absolute deltas, patience in evaluations, a start step, no smoothing
   * and no restore window.
   */
  public Rule(String name, String monitor, Integer layer, Mode mode, double minDelta, int patience, double rebound,
      Double baseline, Double stoppingThreshold, Double divergenceThreshold, boolean checkFinite, long startFromStep,
      Action action, boolean restoreBest, List<Condition> when) {
    this(name, monitor, layer, mode, Delta.absolute(minDelta), Span.evaluations(checked("patience", patience)),
        Delta.absolute(rebound), 1, baseline, stoppingThreshold, divergenceThreshold, checkFinite,
        Span.steps(checked("start_from_step", startFromStep)), action, restoreBest, null, when);
  }

  private static long checked(String field, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + value);
    }
    return value;
  }

  /** A rule with the documented defaults: min, min_delta 0, patience 3, check_finite, stop. */
  public static Rule of(String name, String monitor) {
    return new Rule(name, monitor, null, Mode.MIN, 0.0, 3, 0.0, null, null, null, true, 0, Action.STOP, true,
        List.of());
  }

  /** Whether the rule counts anything in epochs, so needs the run's steps per epoch. */
  public boolean needsEpochLength() {
    return patience.unit() == Span.Unit.EPOCHS || startFrom.unit() == Span.Unit.EPOCHS
        || (restoreAverage != null && restoreAverage.unit() == Span.Unit.EPOCHS);
  }

  /** Whether the rule judges changes in standard errors, so needs values that carry one. */
  public boolean needsStandardErrors() {
    return minDelta.inStandardErrors() || rebound.inStandardErrors();
  }

  /** The series the rule reads: {@code monitor} or {@code monitor/layer}. */
  public String series() {
    return series(monitor, layer);
  }

  /**
   * The rule in one line, as the commands list it: {@code name: stop when series (min) has not
   * improved by more than 1 se for 2 epochs and is more than 4 se off its best, ...}.
   */
  public String describe() {
    StringBuilder b = new StringBuilder(name).append(": ").append(action.name().toLowerCase(Locale.ROOT))
        .append(" when ").append(series()).append(" (").append(mode.name().toLowerCase(Locale.ROOT));
    if (smoothed()) {
      b.append(smoothing.unit() == Span.Unit.STEPS ? ", mean over " : ", mean of ").append(smoothing);
    }
    b.append(") has not improved by more than ").append(minDelta).append(" for ").append(patience);
    if (rebound.amount() > 0) {
      b.append(" and is more than ").append(rebound).append(" off its best");
      if (reboundFor > 1) {
        b.append(" at ").append(reboundFor).append(" evaluations in a row");
        if (!when.isEmpty()) {
          b.append(" (the conditions holding at one of them)");
        }
      }
    }
    if (armingThreshold != null || armingRatio != null) {
      b.append(", once its best is ");
      if (armingThreshold != null) {
        b.append(mode == Mode.MIN ? "below " : "above ").append(armingThreshold);
      }
      if (armingThreshold != null && armingRatio != null && armingRatio.limit() != null) {
        b.append(" (while ").append(mode == Mode.MIN ? "below " : "above ").append(armingRatio.limit())
            .append(" times ").append(armingRatio.over()).append(" at its step)");
      }
      if (armingRatio != null) {
        b.append(armingThreshold != null ? " or " : "").append(mode == Mode.MIN ? "below " : "above ")
            .append(armingRatio.threshold()).append(" times ").append(armingRatio.over()).append(" at its step");
      }
      if (armingRatio != null && armingRatio.span() == 3) {
        b.append(" (ratios of sums over the evaluation before it, its own and the one after)");
      }
    }
    if (stoppingThreshold != null) {
      b.append(", or passes ").append(stoppingThreshold);
    }
    if (divergenceThreshold != null) {
      b.append(", or diverges beyond ").append(divergenceThreshold);
    }
    for (Condition c : when) {
      b.append(", while ").append(c.describe()).append(c.above() != null ? " > " + c.above() : "")
          .append(c.below() != null ? " < " + c.below() : "");
    }
    if (startFrom.amount() > 0) {
      b.append(startFrom.unit() == Span.Unit.STEPS ? ", from step " + (long) startFrom.amount()
          : ", after " + startFrom);
    }
    if (restoreAverage != null) {
      b.append(", restore window ").append(restoreAverage);
    }
    return b.toString();
  }

  public Rule withPatience(int value) {
    return withPatience(Span.evaluations(checked("patience", value)));
  }

  public Rule withPatience(Span value) {
    return new Rule(name, monitor, layer, mode, minDelta, value, rebound, smoothing, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, startFrom, action, restoreBest, restoreAverage, when,
        reboundFor, armingThreshold, armingRatio);
  }

  public Rule withMode(Mode value) {
    return new Rule(name, monitor, layer, value, minDelta, patience, rebound, smoothing, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, startFrom, action, restoreBest, restoreAverage, when,
        reboundFor, armingThreshold, armingRatio);
  }

  public Rule withAction(Action value) {
    return new Rule(name, monitor, layer, mode, minDelta, patience, rebound, smoothing, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, startFrom, value, restoreBest, restoreAverage, when,
        reboundFor, armingThreshold, armingRatio);
  }

  /** This rule judging changes by {@code minDelta} and {@code rebound}. */
  public Rule withDeltas(Delta minDeltaValue, Delta reboundValue) {
    return new Rule(name, monitor, layer, mode, minDeltaValue, patience, reboundValue, smoothing, baseline,
        stoppingThreshold, divergenceThreshold, checkFinite, startFrom, action, restoreBest, restoreAverage, when,
        reboundFor, armingThreshold, armingRatio);
  }

  /** This rule on the moving average of {@code n} evaluations, recommending a restore window. */
  public Rule withSmoothing(int n, Span restoreAverageValue) {
    return withSmoothing(Span.evaluations(n), restoreAverageValue);
  }

  /** This rule on a moving average ({@code N evaluations} or {@code N steps}), recommending a restore window. */
  public Rule withSmoothing(Span value, Span restoreAverageValue) {
    return new Rule(name, monitor, layer, mode, minDelta, patience, rebound, value, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, startFrom, action, restoreBest, restoreAverageValue, when,
        reboundFor, armingThreshold, armingRatio);
  }

  /** This rule ignoring values before {@code value}. */
  public Rule withStartFrom(Span value) {
    return new Rule(name, monitor, layer, mode, minDelta, patience, rebound, smoothing, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, value, action, restoreBest, restoreAverage, when,
        reboundFor, armingThreshold, armingRatio);
  }

  /** This rule firing only while {@code conditions} hold. */
  public Rule withWhen(List<Condition> conditions) {
    return new Rule(name, monitor, layer, mode, minDelta, patience, rebound, smoothing, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, startFrom, action, restoreBest, restoreAverage, conditions,
        reboundFor, armingThreshold, armingRatio);
  }

  /** This rule asking the rebound of {@code n} evaluations in a row. */
  public Rule withReboundFor(int n) {
    return new Rule(name, monitor, layer, mode, minDelta, patience, rebound, smoothing, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, startFrom, action, restoreBest, restoreAverage, when, n, armingThreshold,
        armingRatio);
  }

  /** This rule firing on patience only once its best has been better than {@code value} (null: always). */
  public Rule withArmingThreshold(Double value) {
    return new Rule(name, monitor, layer, mode, minDelta, patience, rebound, smoothing, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, startFrom, action, restoreBest, restoreAverage, when, reboundFor, value,
        armingRatio);
  }

  /** This rule also armed once its best over another indicator has been better than a threshold (null: not). */
  public Rule withArmingRatio(ArmingRatio value) {
    return new Rule(name, monitor, layer, mode, minDelta, patience, rebound, smoothing, baseline, stoppingThreshold,
        divergenceThreshold, checkFinite, startFrom, action, restoreBest, restoreAverage, when, reboundFor,
        armingThreshold, value);
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
