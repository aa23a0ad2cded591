package dev.rote.alerting;

import dev.rote.alerting.internal.RuleEngine;
import dev.rote.alerting.internal.RunAlerts;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.StopSignal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerting service's rule evaluation in this process: the same engine and per-run state as the
 * Kafka Streams topology ({@link AlertingTopology}), for replays and backtests that must not touch
 * the live service. The same indicators in the same order give the same signals (all but their
 * {@code issued_time_ms}). Not thread-safe.
 */
public final class RuleEvaluator {

  private final RuleEngine engine;
  private final Map<String, RunAlerts> runs = new HashMap<>();

  public RuleEvaluator(RuleSet rules) {
    this(rules, new EvaluationListener() {});
  }

  /** @param listener told of each evaluation */
  public RuleEvaluator(RuleSet rules, EvaluationListener listener) {
    this.engine = new RuleEngine(rules, listener);
  }

  public RuleSet rules() {
    return engine.rules();
  }

  /**
   * Applies one indicator to the state of its run ({@code indicator.getRunId()}).
   *
   * @param nowMs the signals' {@code issued_time_ms}
   * @return the signals it fires, warn and stop, at most one per rule and run
   */
  public List<StopSignal> apply(Indicator indicator, long nowMs) {
    return engine.apply(runs.computeIfAbsent(indicator.getRunId(), id -> new RunAlerts()), indicator, nowMs);
  }

  /** Whether {@code rule} has fired for {@code runId}. */
  public boolean fired(String runId, String rule) {
    RunAlerts state = runs.get(runId);
    return state != null && state.fired(rule);
  }
}
