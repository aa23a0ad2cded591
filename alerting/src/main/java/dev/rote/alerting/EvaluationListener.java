package dev.rote.alerting;

/**
 * Told of every rule evaluation (one per monitored value of a run) and of every rule that cannot
 * evaluate a run, for metrics: the alerting service counts them in {@link AlertingMetrics}. Methods
 * do nothing by default.
 */
public interface EvaluationListener {

  /** {@code rule} evaluated a value of run {@code runId}. */
  default void evaluated(Rule rule, String runId) {}

  /**
   * {@code rule} cannot evaluate run {@code runId} and will not fire for it.
   *
   * @param reason a short code, e.g. {@code missing_train_size}, {@code missing_standard_error}
   */
  default void ruleError(Rule rule, String runId, String reason) {}
}
