package dev.rote.alerting;

/**
 * Told of every rule evaluation (one per monitored value of a run), for metrics: the alerting
 * service counts them in {@link AlertingMetrics}. Methods do nothing by default.
 */
public interface EvaluationListener {

  /** {@code rule} evaluated a value of run {@code runId}. */
  default void evaluated(Rule rule, String runId) {}
}
