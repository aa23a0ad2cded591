package dev.rote.alerting;

import dev.rote.alerting.internal.RuleEngine;
import dev.rote.alerting.internal.RunAlerts;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.StopSignal;
import dev.rote.service.RunDirectory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerting service's rule evaluation in this process: the same engine and per-run state as the
 * Kafka Streams topology ({@link AlertingTopology}), for replays and backtests that must not touch
 * the live service. The same indicators in the same order, with the same run metadata, give the
 * same signals (all but their {@code issued_time_ms}). Not thread-safe.
 */
public final class RuleEvaluator {

  private final RuleEngine engine;
  private final RunDirectory runs;
  private final Map<String, RunAlerts> states = new HashMap<>();

  /** An evaluator that knows no run's metadata: rules that count in epochs report it and never fire. */
  public RuleEvaluator(RuleSet rules) {
    this(rules, RunDirectory.EMPTY, new EvaluationListener() {});
  }

  /**
   * An evaluator of runs whose metadata is in {@code runs} (run id to its latest {@code RunMetadata},
   * read at each lookup), as the live service reads it from {@code rote.runs}.
   */
  public RuleEvaluator(RuleSet rules, Map<String, RunMetadata> runs) {
    this(rules, RunDirectory.of(runs), new EvaluationListener() {});
  }

  /**
   * @param runs the runs' metadata (steps per epoch), looked up by the indicators' run id
   * @param listener told of each evaluation and rule error
   */
  public RuleEvaluator(RuleSet rules, RunDirectory runs, EvaluationListener listener) {
    this.engine = new RuleEngine(rules, listener);
    this.runs = runs;
  }

  public RuleSet rules() {
    return engine.rules();
  }

  /**
   * Applies one indicator to the state of its run ({@code indicator.getRunId()}).
   *
   * @param nowMs the signals' {@code issued_time_ms}
   * @return the signals it fires, warn and stop, at most one per rule and run, and at most one
   *     alert per rule and run saying the rule cannot evaluate the run ({@link #isRuleError})
   */
  public List<StopSignal> apply(Indicator indicator, long nowMs) {
    return engine.apply(states.computeIfAbsent(indicator.getRunId(), id -> new RunAlerts()), indicator, nowMs, runs);
  }

  /** Whether {@code rule} has fired for {@code runId}. */
  public boolean fired(String runId, String rule) {
    RunAlerts state = states.get(runId);
    return state != null && state.fired(rule);
  }

  /**
   * Whether a signal is an alert that its rule cannot evaluate the run (signal id {@code
   * <run>/<rule>/error}, action WARN), not a firing.
   */
  public static boolean isRuleError(StopSignal signal) {
    return RuleEngine.isRuleError(signal);
  }
}
