package dev.rote.alerting.internal;

import dev.rote.alerting.EvaluationListener;
import dev.rote.alerting.Rule;
import dev.rote.alerting.RuleSet;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Evaluates the rules on one run's indicators, one record at a time. Pure apart from the state it
 * is given: the same indicators in the same order give the same signals, whatever the clock says
 * (except {@code issued_time_ms}).
 */
public final class RuleEngine {

  private final RuleSet rules;
  private final EvaluationListener listener;

  public RuleEngine(RuleSet rules, EvaluationListener listener) {
    this.rules = rules;
    this.listener = listener;
  }

  public RuleSet rules() {
    return rules;
  }

  /** The signal id of a rule firing for a run: the same on every re-delivery and replay. */
  public static String signalId(String runId, String rule) {
    return runId + "/" + rule;
  }

  /** Applies one indicator to the run's state; returns the signals it fires. */
  public List<StopSignal> apply(RunAlerts state, Indicator i, long nowMs) {
    if (i.hasClassLabel()) {
      return List.of();
    }
    String series = i.hasLayer() ? i.getName() + "/" + i.getLayer() : i.getName();
    state.latest.put(series, i.getValue());
    List<StopSignal> out = new ArrayList<>();
    for (Rule r : rules.rules()) {
      if (!r.series().equals(series)) {
        continue;
      }
      RuleState s = state.rules.computeIfAbsent(r.name(),
          k -> new RuleState(r.baseline() != null ? r.baseline() : r.mode().worst()));
      if (s.fired || i.getStep() <= s.lastStep) {
        continue; // one signal per rule and run; re-delivered or out-of-order values change nothing
      }
      s.lastStep = i.getStep();
      if (i.getStep() < r.startFromStep()) {
        continue;
      }
      s.evaluations++;
      listener.evaluated(r, i.getRunId());
      String reason = evaluate(r, s, i.getValue(), i.getStep());
      if (reason != null && conditionsHold(r, state)) {
        s.fired = true;
        out.add(signal(r, s, i, reason, state, nowMs));
      }
    }
    return out;
  }

  /** Updates the rule's state with a value; returns why it fires, or null. */
  private static String evaluate(Rule r, RuleState s, double v, long step) {
    String m = r.series();
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      if (r.checkFinite()) {
        return m + " = " + v + " is not finite";
      }
    }
    if (r.stoppingThreshold() != null && r.mode().better(v, r.stoppingThreshold())) {
      // the value that reached the target is the best so far: the step to keep is this one
      s.best = v;
      s.bestStep = step;
      s.wait = 0;
      return String.format(Locale.ROOT, "%s = %.6g reached the stopping threshold %s", m, v, r.stoppingThreshold());
    }
    if (r.divergenceThreshold() != null && r.mode().better(r.divergenceThreshold(), v)) {
      return String.format(Locale.ROOT, "%s = %.6g diverged beyond %s", m, v, r.divergenceThreshold());
    }
    double shifted = r.mode() == Rule.Mode.MIN ? v + r.minDelta() : v - r.minDelta();
    if (!Double.isNaN(v) && r.mode().better(shifted, s.best)) {
      s.best = v;
      s.bestStep = step;
      s.wait = 0;
      return null;
    }
    s.wait++; // NaN (with check_finite off) counts as no improvement, as in Keras and Lightning
    if (s.wait < r.patience() || (r.rebound() > 0 && !(worseBy(r, v, s.best) > r.rebound()))) {
      return null;
    }
    String best = s.bestStep < 0
        ? "never improved on the baseline " + r.baseline()
        : String.format(Locale.ROOT, "best %.6g at step %d", s.best, s.bestStep);
    String rebound = r.rebound() > 0 ? String.format(Locale.ROOT, " and is more than %s off it", r.rebound()) : "";
    return String.format(Locale.ROOT, "%s = %.6g has not improved by more than %s for %d evaluations (%s)%s",
        m, v, r.minDelta(), s.wait, best, rebound);
  }

  /** How much worse than {@code best} a value is, in the rule's direction (negative when better). */
  private static double worseBy(Rule r, double v, double best) {
    return r.mode() == Rule.Mode.MIN ? v - best : best - v;
  }

  private static boolean conditionsHold(Rule r, RunAlerts state) {
    for (Rule.Condition c : r.when()) {
      if (!c.holds(state.latest.get(c.series()))) {
        return false;
      }
    }
    return true;
  }

  private static StopSignal signal(Rule r, RuleState s, Indicator i, String reason, RunAlerts state, long nowMs) {
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
    if (s.bestStep >= 0) {
      b.putValues("best", s.best).putValues("best_step", s.bestStep);
      if (r.restoreBest()) {
        b.setRestoreStep(s.bestStep);
      }
    }
    for (Rule.Condition c : r.when()) {
      Double v = state.latest.get(c.series());
      if (v != null) {
        b.putValues(c.series(), v);
      }
    }
    return b.build();
  }
}
