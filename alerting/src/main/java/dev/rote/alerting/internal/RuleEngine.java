package dev.rote.alerting.internal;

import dev.rote.alerting.EvaluationListener;
import dev.rote.alerting.Rule;
import dev.rote.alerting.RuleSet;
import dev.rote.alerting.Span;
import dev.rote.contract.EpochLength;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.service.RunDirectory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Evaluates the rules on one run's indicators, one record at a time. Pure apart from the state it
 * is given and the run's metadata: the same indicators in the same order, with the same metadata,
 * give the same signals, whatever the clock says (except {@code issued_time_ms}).
 */
public final class RuleEngine {

  /** Suffix of the signal id of an alert saying a rule cannot evaluate a run. */
  public static final String ERROR_SUFFIX = "/error";

  private final RuleSet rules;
  private final EvaluationListener listener;
  /** Series a smoothed condition reads, to the longest smoothing asked of it. */
  private final Map<String, Integer> smoothed = new HashMap<>();

  public RuleEngine(RuleSet rules, EvaluationListener listener) {
    this.rules = rules;
    this.listener = listener;
    for (Rule r : rules.rules()) {
      for (Rule.Condition c : r.when()) {
        if (c.smoothing() > 1) {
          smoothed.merge(c.series(), c.smoothing(), Math::max);
          if (c.over() != null) {
            smoothed.merge(c.over(), c.smoothing(), Math::max);
          }
        }
      }
      int window = r.smoothingCapacity();
      if (r.smoothing().unit() == Span.Unit.STEPS) {
        // whether the window reaches N steps back is counted from the value before its oldest
        smoothed.merge(r.series(), window + 1, Math::max);
      }
      if (r.armingRatio() != null) {
        // The divisor is read at the steps of the monitored values (of the best's window, and the one
        // before it with span 3), which arrive after it at an epoch end.
        smoothed.merge(r.armingRatio().over(), window + 2, Math::max);
        if (r.armingRatio().span() == 3) {
          // a new best's ratio window opens with the value before its own window
          smoothed.merge(r.series(), window + 1, Math::max);
        }
      }
    }
  }

  public RuleSet rules() {
    return rules;
  }

  /** The signal id of a rule firing for a run: the same on every re-delivery and replay. */
  public static String signalId(String runId, String rule) {
    return runId + "/" + rule;
  }

  /** Whether a signal reports a rule that cannot evaluate its run rather than a firing. */
  public static boolean isRuleError(StopSignal s) {
    return s.getSignalId().endsWith(ERROR_SUFFIX);
  }

  /**
   * Applies one indicator to the run's state; returns the signals it fires and, once per rule and
   * run, an alert for a rule that cannot evaluate the run.
   *
   * @param runs the runs' metadata, for rules that count in epochs
   */
  public List<StopSignal> apply(RunAlerts state, Indicator i, long nowMs, RunDirectory runs) {
    return apply(state, i, nowMs, runs, listener);
  }

  /** As {@link #apply(RunAlerts, Indicator, long, RunDirectory)}, telling {@code listener} instead of the engine's. */
  public List<StopSignal> apply(RunAlerts state, Indicator i, long nowMs, RunDirectory runs,
      EvaluationListener listener) {
    if (i.hasClassLabel()) {
      return List.of();
    }
    String series = i.hasLayer() ? i.getName() + "/" + i.getLayer() : i.getName();
    state.latest.put(series, i.getValue());
    Integer keep = smoothed.get(series);
    if (keep != null) {
      state.remember(series, i.getStep(), i.getValue(), keep);
    }
    List<StopSignal> out = new ArrayList<>();
    for (Rule r : rules.rules()) {
      if (r.armingRatio() != null && r.armingRatio().over().equals(series)) {
        // A divisor that arrives after the best it divides (out of the usual order) still arms the rule.
        RuleState s = state.rules.get(r.name());
        if (s != null && r.armingRatio().span() == 1 && !r.smoothed() && Double.isNaN(s.bestRatio)
            && s.bestAt == i.getStep()) {
          s.bestRatio = ratio(s.best, i.getValue());
        }
      }
      if (!r.series().equals(series)) {
        continue;
      }
      RuleState s = state.rules.computeIfAbsent(r.name(),
          k -> new RuleState(r.baseline() != null ? r.baseline() : r.mode().worst()));
      if (s.fired || s.broken || i.getStep() <= s.lastStep) {
        continue; // one signal per rule and run; re-delivered or out-of-order values change nothing
      }
      s.lastStep = i.getStep();
      Problem problem = problem(r, s, i, runs);
      if (problem != null) {
        s.broken = true;
        listener.ruleError(r, i.getRunId(), problem.code());
        out.add(error(r, i, problem.message(), nowMs));
        continue;
      }
      if (i.getStep() < startStep(r, s)) {
        continue;
      }
      s.evaluations++;
      listener.evaluated(r, i.getRunId());
      double se = i.hasStandardError() ? i.getStandardError() : Double.NaN;
      long gap = s.lastEvaluated < 0 ? 0 : i.getStep() - s.lastEvaluated;
      if (s.firstEvaluated < 0) {
        s.firstEvaluated = i.getStep();
      }
      if (r.armingRatio() != null && r.armingRatio().span() == 3 && s.ratioOpen) {
        // the evaluation after the best closes its ratio's window (a new best below opens another)
        s.addToRatio(i.getValue(), state.valueAt(r.armingRatio().over(), i.getStep()));
        s.ratioOpen = false;
      }
      Trigger trigger = evaluate(r, s, i.getValue(), se, i.getStep(), gap, state);
      s.lastEvaluated = i.getStep();
      boolean hold = conditionsHold(r, state);
      // a rebound of several evaluations in a row counts when the conditions held at one of them
      s.heldInStreak = s.above > 0 && (hold || (s.above > 1 && s.heldInStreak));
      // thresholds and non-finite values read `hold`; a rebound of several evaluations, the streak's
      boolean streak = trigger != null && trigger.patience() && r.reboundFor() > 1;
      if (trigger != null && (streak ? s.heldInStreak : hold)) {
        String stoppedBy = r.action() == Rule.Action.STOP ? stoppedBy(state) : null;
        s.fired = true;
        StopSignal fired = signal(r, s, i, trigger.reason(), state, nowMs, gap);
        if (stoppedBy != null) {
          // A run is stopped once: a later stop rule firing for it is an alert, not a second signal.
          fired = fired.toBuilder().setAction(SignalAction.SIGNAL_ACTION_WARN)
              .setReason(fired.getReason() + " (an alert only: rule " + stoppedBy + " already stopped the run)")
              .build();
        }
        out.add(fired);
      }
    }
    return out;
  }

  /** The stop rule that has already fired for the run, or null. */
  private String stoppedBy(RunAlerts state) {
    for (Rule other : rules.rules()) {
      RuleState o = state.rules.get(other.name());
      if (other.action() == Rule.Action.STOP && o != null && o.fired) {
        return other.name();
      }
    }
    return null;
  }

  /** Why a rule cannot evaluate a run: a metric code and a message. */
  private record Problem(String code, String message) {}

  private static Problem problem(Rule r, RuleState s, Indicator i, RunDirectory runs) {
    if (r.needsEpochLength() && s.stepsPerEpoch == 0) {
      EpochLength e = runs.epochLength(i.getRunId());
      if (!e.known()) {
        String code = e.missing().startsWith("dataset.") ? "missing_train_size"
            : e.missing().startsWith("hyperparameters") ? "missing_batch_size" : "missing_metadata";
        return new Problem(code, String.format(Locale.ROOT, "rule %s counts in epochs (%s) but the metadata of run "
            + "%s lacks %s, so its steps per epoch (ceil(dataset.train_size / batch_size)) are unknown: the rule "
            + "will not evaluate this run. Publish the training-set size and hyperparameters[\"batch_size\"] in the "
            + "run's RunMetadata on %s, or write the rule in steps.", r.name(), epochFields(r), i.getRunId(),
            e.missing(), Topics.RUNS.name()));
      }
      s.stepsPerEpoch = e.steps();
    }
    if (r.needsStandardErrors() && !i.hasStandardError()) {
      return new Problem("missing_standard_error", String.format(Locale.ROOT, "rule %s judges changes in "
          + "standard errors (min_delta: %s, rebound: %s) but %s at step %d carries no standard_error: the rule "
          + "will not evaluate this run. Monitor an indicator that publishes one, or use absolute or %% deltas.",
          r.name(), r.minDelta(), r.rebound(), r.series(), i.getStep()));
    }
    return null;
  }

  private static String epochFields(Rule r) {
    List<String> fields = new ArrayList<>();
    if (r.patience().unit() == Span.Unit.EPOCHS) {
      fields.add("patience: " + r.patience());
    }
    if (r.startFrom().unit() == Span.Unit.EPOCHS) {
      fields.add("start_from: " + r.startFrom());
    }
    if (r.restoreAverage() != null && r.restoreAverage().unit() == Span.Unit.EPOCHS) {
      fields.add("restore_average: " + r.restoreAverage());
    }
    return String.join(", ", fields);
  }

  private static long startStep(Rule r, RuleState s) {
    return r.startFrom().inSteps(s.stepsPerEpoch);
  }

  /**
   * Why a rule fires at an evaluation.
   *
   * @param patience whether patience (and the rebound, if any) triggered it, rather than a threshold
   *     or a non-finite value
   */
  private record Trigger(String reason, boolean patience) {}

  /** Updates the rule's state with a value; returns why it fires, or null. */
  private static Trigger evaluate(Rule r, RuleState s, double v, double se, long step, long gap, RunAlerts state) {
    String m = r.series();
    if ((Double.isNaN(v) || Double.isInfinite(v)) && r.checkFinite()) {
      return new Trigger(m + " = " + v + " is not finite", false);
    }
    if (!push(r, s, v, se, step, state)) {
      return null; // the moving average needs `smoothing` values, or values reaching `smoothing` steps back
    }
    double value = s.mean();
    double valueSe = s.meanSe();
    long restore = s.middleStep();
    String what = !r.smoothed() ? String.format(Locale.ROOT, "%s = %.6g", m, value)
        : r.smoothing().unit() == Span.Unit.STEPS && s.windowValues.length == 1
            ? String.format(Locale.ROOT, "%s (the only value within %s) = %.6g", m, r.smoothing(), value)
        : r.smoothing().unit() == Span.Unit.STEPS ? String.format(Locale.ROOT, "%s (mean of %d over %s) = %.6g", m,
            s.windowValues.length, r.smoothing(), value)
        : String.format(Locale.ROOT, "%s (mean of %d) = %.6g", m, s.windowValues.length, value);
    if (r.stoppingThreshold() != null && r.mode().better(value, r.stoppingThreshold())) {
      // the value that reached the target is the best so far: the step to keep is this one
      best(r, s, value, valueSe, restore, step, state);
      return new Trigger(String.format(Locale.ROOT, "%s reached the stopping threshold %s", what,
          r.stoppingThreshold()), false);
    }
    if (r.divergenceThreshold() != null && r.mode().better(r.divergenceThreshold(), value)) {
      return new Trigger(String.format(Locale.ROOT, "%s diverged beyond %s", what, r.divergenceThreshold()), false);
    }
    double bestSe = s.bestStep < 0 ? 0 : s.bestSe;
    double minDelta = r.minDelta().absolute(s.best, valueSe, bestSe);
    double shifted = r.mode() == Rule.Mode.MIN ? value + minDelta : value - minDelta;
    if (!Double.isNaN(value) && r.mode().better(shifted, s.best)) {
      best(r, s, value, valueSe, restore, step, state);
      return null;
    }
    s.wait++; // NaN (with check_finite off) counts as no improvement, as in Keras and Lightning
    double rebound = r.rebound().absolute(s.best, valueSe, bestSe);
    boolean off = worseBy(r, value, s.best) > rebound;
    s.above = off ? s.above + 1 : 0;
    long since = step - (s.bestAt >= 0 ? s.bestAt : s.firstEvaluated);
    if (!patienceMet(r, s, since, gap)) {
      return null;
    }
    if (r.rebound().amount() > 0 && !(off && s.above >= r.reboundFor())) {
      return null;
    }
    if (!armed(r, s)) {
      return null; // the best never got past the arming threshold: not the turning point the rule is for
    }
    String best = s.bestStep < 0
        ? "never improved on the baseline " + r.baseline()
        : String.format(Locale.ROOT, "best %.6g at step %d", s.best, s.bestStep);
    String reboundText = r.rebound().amount() > 0
        ? String.format(Locale.ROOT, " and is more than %s off it", amount(r.rebound().toString(), r.rebound().kind(),
            rebound)) + (r.reboundFor() > 1 ? " at " + s.above + " evaluations in a row" : "") : "";
    return new Trigger(String.format(Locale.ROOT, "%s has not improved by more than %s for %s (%s)%s", what,
        amount(r.minDelta().toString(), r.minDelta().kind(), minDelta), waited(r, s, since), best, reboundText), true);
  }

  /**
   * Adds a value to the rule's moving average; returns whether it is complete: {@code N evaluations}
   * once N values arrived, {@code N steps} once the window reaches N steps back from the value, counted
   * from the series' value before the window's oldest (step 0 when there is none), so that a series
   * published every K steps averages ceil(N / K) values.
   */
  private static boolean push(Rule r, RuleState s, double v, double se, long step, RunAlerts state) {
    if (r.smoothing().unit() == Span.Unit.EVALUATIONS) {
      return s.push(v, se, step, r.smoothingCapacity());
    }
    long steps = (long) r.smoothing().amount();
    s.pushWithin(v, se, step, steps);
    long before = state.stepBefore(r.series(), s.oldestStep());
    return step - Math.max(0, before) >= steps;
  }

  /** Whether a rule with an arming threshold or ratio has had a best that passes either; true without both. */
  private static boolean armed(Rule r, RuleState s) {
    if (r.armingThreshold() == null && r.armingRatio() == null) {
      return true;
    }
    Double limit = r.armingRatio() == null ? null : r.armingRatio().limit();
    boolean byThreshold = r.armingThreshold() != null && s.bestStep >= 0
        && r.mode().better(s.best, r.armingThreshold())
        && (limit == null || (!Double.isNaN(s.bestRatio) && r.mode().better(s.bestRatio, limit)));
    boolean byRatio = r.armingRatio() != null && s.bestStep >= 0 && !Double.isNaN(s.bestRatio)
        && r.mode().better(s.bestRatio, r.armingRatio().threshold());
    return byThreshold || byRatio;
  }

  /** The best over its arming ratio's divisor; NaN (never arming) for a divisor missing, not positive or not finite. */
  private static double ratio(double best, Double over) {
    return over == null || !(over > 0) || !Double.isFinite(over) ? Double.NaN : best / over;
  }

  /**
   * Makes {@code value} the best. Its arming ratio: the sum of the values of its window (the value
   * alone without smoothing) over the sum of the divisors at their steps, with span 3 also the value
   * before the window (from the run's recent values) and the one after it (added when it comes,
   * {@link RuleState#ratioOpen}); only the evaluations that have both count.
   */
  private static void best(Rule r, RuleState s, double value, double se, long restore, long step, RunAlerts state) {
    if (r.armingRatio() != null) {
      String over = r.armingRatio().over();
      s.ratioNum = 0;
      s.ratioDen = 0;
      s.bestRatio = Double.NaN;
      if (r.armingRatio().span() == 3) {
        long before = state.stepBefore(r.series(), s.oldestStep());
        if (before >= 0) {
          s.addToRatio(state.valueAt(r.series(), before), state.valueAt(over, before));
        }
      }
      for (int k = 0; k < s.windowValues.length; k++) {
        s.addToRatio(s.windowValues[k], state.valueAt(over, s.windowSteps[k]));
      }
      s.ratioOpen = r.armingRatio().span() == 3;
    }
    s.best = value;
    s.bestSe = se;
    s.bestStep = restore;
    s.bestAt = step;
    s.wait = 0;
    s.above = 0;
  }

  /**
   * Patience in evaluations counts them; in steps or epochs it is met at the first evaluation at
   * least that many steps after the best one, less half the step gap between evaluations, so that a
   * series evaluated once per epoch meets "2 epochs" at the second epoch after its best even when a
   * pass ends a step early or late.
   */
  private static boolean patienceMet(Rule r, RuleState s, long since, long gap) {
    Span p = r.patience();
    if (p.unit() == Span.Unit.EVALUATIONS) {
      return s.wait >= p.amount();
    }
    return since >= p.inSteps(s.stepsPerEpoch) - gap / 2.0;
  }

  private static String waited(Rule r, RuleState s, long since) {
    return switch (r.patience().unit()) {
      case EVALUATIONS -> s.wait + " evaluations";
      case STEPS -> since + " steps";
      case EPOCHS -> String.format(Locale.ROOT, "%.3g epochs (%d steps)", (double) since / s.stepsPerEpoch, since);
    };
  }

  private static String amount(String written, dev.rote.alerting.Delta.Kind kind, double absolute) {
    return kind == dev.rote.alerting.Delta.Kind.ABSOLUTE ? written
        : String.format(Locale.ROOT, "%s (%.3g)", written, absolute);
  }

  /** How much worse than {@code best} a value is, in the rule's direction (negative when better). */
  private static double worseBy(Rule r, double v, double best) {
    return r.mode() == Rule.Mode.MIN ? v - best : best - v;
  }

  private static boolean conditionsHold(Rule r, RunAlerts state) {
    for (Rule.Condition c : r.when()) {
      if (!c.holds(conditionValue(c, state))) {
        return false;
      }
    }
    return true;
  }

  /**
   * What a condition compares: the latest value, or the mean of the last {@code smoothing} values;
   * with {@code over}, that over the divisor's own (null, never holding, for a divisor missing, not
   * positive or not finite).
   */
  private static Double conditionValue(Rule.Condition c, RunAlerts state) {
    Double v = latestOrMean(c.series(), c.smoothing(), state);
    if (c.over() == null || v == null) {
      return v;
    }
    Double d = latestOrMean(c.over(), c.smoothing(), state);
    return d == null || !(d > 0) || !Double.isFinite(d) ? null : v / d;
  }

  private static Double latestOrMean(String series, int n, RunAlerts state) {
    return n == 1 ? state.latest.get(series) : state.meanOfLast(series, n);
  }

  private static StopSignal signal(Rule r, RuleState s, Indicator i, String reason, RunAlerts state, long nowMs,
      long gap) {
    StopSignal.Builder b = StopSignal.newBuilder()
        .setSignalId(signalId(i.getRunId(), r.name()))
        .setRunId(i.getRunId())
        .setStep(i.getStep())
        .setReason(reason)
        .setRule(r.name())
        .putValues(r.series(), i.getValue())
        .putValues("evaluations_without_improvement", s.wait)
        .setAction(r.action() == Rule.Action.STOP ? SignalAction.SIGNAL_ACTION_STOP : SignalAction.SIGNAL_ACTION_WARN)
        .setIssuedTimeMs(nowMs)
        .setSourceTimeMs(i.getSourceTimeMs());
    if (i.hasStandardError()) {
      b.putValues("standard_error", i.getStandardError());
    }
    if (r.smoothed() && s.windowValues.length > 0) {
      b.putValues(r.series() + "/mean", s.mean());
    }
    if (s.stepsPerEpoch > 0) {
      b.putValues("steps_per_epoch", s.stepsPerEpoch);
    }
    if (s.bestStep >= 0) {
      b.putValues("best", s.best).putValues("best_step", s.bestStep);
      if (r.armingRatio() != null && !Double.isNaN(s.bestRatio)) {
        b.putValues("best_over_" + r.armingRatio().over(), s.bestRatio);
      }
      if (r.restoreBest()) {
        b.setRestoreStep(s.bestStep);
        if (r.restoreAverage() != null) {
          long d = r.restoreAverage().unit() == Span.Unit.EVALUATIONS ? (long) r.restoreAverage().amount() * gap
              : r.restoreAverage().inSteps(s.stepsPerEpoch);
          b.setRestoreFromStep(Math.max(0, s.bestStep - d)).setRestoreToStep(Math.min(i.getStep(), s.bestStep + d));
        }
      }
    }
    for (Rule.Condition c : r.when()) {
      Double v = state.latest.get(c.series());
      if (v != null) {
        b.putValues(c.series(), v);
      }
      Double mean = c.smoothing() > 1 ? latestOrMean(c.series(), c.smoothing(), state) : null;
      if (mean != null) {
        b.putValues(c.series() + "/mean_of_" + c.smoothing(), mean);
      }
      Double ratio = c.over() != null ? conditionValue(c, state) : null;
      if (ratio != null) {
        b.putValues(c.series() + "/over_" + c.over() + (c.smoothing() > 1 ? "/mean_of_" + c.smoothing() : ""), ratio);
      }
    }
    return b.build();
  }

  private static StopSignal error(Rule r, Indicator i, String reason, long nowMs) {
    return StopSignal.newBuilder()
        .setSignalId(signalId(i.getRunId(), r.name()) + ERROR_SUFFIX)
        .setRunId(i.getRunId())
        .setStep(i.getStep())
        .setReason(reason)
        .setRule(r.name())
        .setAction(SignalAction.SIGNAL_ACTION_WARN)
        .setIssuedTimeMs(nowMs)
        .setSourceTimeMs(i.getSourceTimeMs())
        .build();
  }
}
