package dev.rote.alerting;

import dev.rote.service.CountedOffsets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The alerting service's meters. In Prometheus: {@code rote_alerting_records_processed_total},
 * {@code rote_alerting_records_deadlettered_total{reason}},
 * {@code rote_alerting_rule_evaluations_total{rule}},
 * {@code rote_alerting_alerts_total{rule,run,action}} (every firing, warn or stop),
 * {@code rote_alerting_stop_signals_total{rule,run}},
 * {@code rote_alerting_rule_errors_total{rule,reason}} (a rule that cannot evaluate a run: no
 * training-set size for its epochs, no standard errors, ...) and
 * {@code rote_alerting_signal_latency_seconds} (trainer publish of the telemetry → signal issued).
 * A run's series go when its state is evicted ({@link #runEvicted}), counted by
 * {@code rote_alerting_runs_evicted_total}.
 *
 * <p>The record counters (all but the latency's percentiles) count each consumed record once per
 * process ({@link CountedOffsets}, {@link #counted()}), also when exactly-once processing runs it
 * again after an aborted transaction; {@code rote_alerting_records_reprocessed_total} counts those
 * second runs. A restarted process starts from zero, as every Prometheus counter does.
 */
public final class AlertingMetrics implements MeterBinder, EvaluationListener {

  public static final String PROCESSED = "rote.alerting.records.processed";
  public static final String DEAD_LETTERED = "rote.alerting.records.deadlettered";
  /** Tag value of {@link #DEAD_LETTERED} for the indicators the rule processor rejects. */
  public static final String INDICATORS_TOPIC = "rote.indicators";
  public static final String EVALUATIONS = "rote.alerting.rule.evaluations";
  public static final String ALERTS = "rote.alerting.alerts";
  public static final String STOP_SIGNALS = "rote.alerting.stop.signals";
  public static final String LATENCY = "rote.alerting.signal.latency";
  public static final String RULE_ERRORS = "rote.alerting.rule.errors";
  public static final String RUNS_EVICTED = "rote.alerting.runs.evicted";
  public static final String REPROCESSED = "rote.alerting.records.reprocessed";

  private MeterRegistry registry = new SimpleMeterRegistry();
  private Timer latency;
  private Counter processed;
  private Counter evicted;
  private final CountedOffsets counted = new CountedOffsets();
  private final Map<Tags, Counter> counters = new ConcurrentHashMap<>();
  /** Runs whose counters are registered. */
  private final Set<String> runs = ConcurrentHashMap.newKeySet();

  public AlertingMetrics() {
    bindTo(registry);
  }

  @Override
  public synchronized void bindTo(MeterRegistry r) {
    registry = r;
    counters.clear();
    runs.clear();
    counted.clear();
    FunctionCounter.builder(REPROCESSED, counted, CountedOffsets::repeats)
        .description("Records a processor ran again (after an aborted transaction) and did not count again")
        .register(r);
    evicted = Counter.builder(RUNS_EVICTED).description("Finished runs whose state and series were evicted")
        .register(r);
    processed = Counter.builder(PROCESSED).description("Indicator records read by the alerting service, each counted once per process")
        .register(r);
    latency = Timer.builder(LATENCY)
        .description("Time from the trainer publishing the telemetry behind an indicator to the signal it fired")
        .publishPercentileHistogram()
        .publishPercentiles(0.5, 0.99)
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(r);
    DEAD_LETTER_REASONS.forEach(reason -> counter(DEAD_LETTERED, "Records sent to the dead-letter topic, each counted once per process",
        null, Tags.of("reason", reason, "topic", INDICATORS_TOPIC)));
  }

  /** Reasons the processor dead-letters for; their counters start at 0 so rates exist from the start. */
  public static final java.util.List<String> DEAD_LETTER_REASONS =
      java.util.List.of("deserialization", "null_record", "run_id_mismatch", "missing_name", "negative_step",
          "key_mismatch", "too_large");

  /**
   * Registers a run's alert and stop-signal counters at 0 when the service first sees the run, so
   * that {@code increase()} and {@code changes()} see its first alert.
   */
  public void runSeen(String runId, RuleSet rules) {
    if (!runs.add(runId)) {
      return;
    }
    for (Rule r : rules.rules()) {
      counter(ALERTS, "Rules that fired, warn or stop", "alerts",
          Tags.of("rule", r.name(), "run", runId, "action", r.action().name().toLowerCase()));
      if (r.action() == Rule.Action.STOP) {
        counter(STOP_SIGNALS, "Stop signals sent to trainers", "signals", Tags.of("rule", r.name(), "run", runId));
      }
    }
  }

  /** A finished run's state was evicted: its series go, and the eviction is counted. */
  public void runEvicted(String runId) {
    removeRun(runId);
    countEviction();
  }

  /** Counts an eviction ({@code rote_alerting_runs_evicted_total}). */
  public void countEviction() {
    evicted.increment();
  }

  /** Removes a run's alert and stop-signal series. */
  public void removeRun(String runId) {
    runs.remove(runId);
    Tag tag = Tag.of("run", runId);
    counters.entrySet().removeIf(e -> {
      boolean ofRun = e.getValue().getId().getTags().contains(tag);
      if (ofRun) {
        registry.remove(e.getValue());
      }
      return ofRun;
    });
  }

  /**
   * Which consumed records the counters have counted: a processor asks it once per record and
   * counts only a first ({@link CountedOffsets#first}).
   */
  public CountedOffsets counted() {
    return counted;
  }

  public void processed() {
    processed.increment();
  }

  /** Counts a {@code rote.indicators} record the service dead-lettered. */
  public void deadLettered(String reason) {
    deadLettered(reason, INDICATORS_TOPIC);
  }

  /** Counts a dead-lettered record by its reason and the topic it came from ({@code rote.runs} too). */
  public void deadLettered(String reason, String topic) {
    count(DEAD_LETTERED, "Records sent to the dead-letter topic, each counted once per process", null, Tags.of("reason", reason, "topic", topic));
  }

  @Override
  public void evaluated(Rule rule, String runId) {
    count(EVALUATIONS, "Rule evaluations (one per monitored value)", "evaluations", Tags.of("rule", rule.name()));
  }

  @Override
  public void ruleError(Rule rule, String runId, String reason) {
    count(RULE_ERRORS, "Rules that cannot evaluate a run (reported once per run and rule)", "errors",
        Tags.of("rule", rule.name(), "reason", reason));
  }

  /** A rule fired for a run outside the live path (a replay): counted, no latency recorded. */
  public void fired(Rule rule, String runId) {
    count(ALERTS, "Rules that fired, warn or stop", "alerts",
        Tags.of("rule", rule.name(), "run", runId, "action", rule.action().name().toLowerCase()));
    if (rule.action() == Rule.Action.STOP) {
      count(STOP_SIGNALS, "Stop signals sent to trainers", "signals", Tags.of("rule", rule.name(), "run", runId));
    }
  }

  /** A rule fired for a run: an alert always, a stop signal when the action is stop. */
  public void fired(Rule rule, String runId, long latencyMs) {
    count(ALERTS, "Rules that fired, warn or stop", "alerts",
        Tags.of("rule", rule.name(), "run", runId, "action", rule.action().name().toLowerCase()));
    if (rule.action() == Rule.Action.STOP) {
      count(STOP_SIGNALS, "Stop signals sent to trainers", "signals", Tags.of("rule", rule.name(), "run", runId));
    }
    dev.rote.service.Latencies.record(latency, latencyMs);
  }

  public long deadLetteredCount() {
    return (long) registry.find(DEAD_LETTERED).counters().stream().mapToDouble(Counter::count).sum();
  }

  private void count(String name, String description, String unit, Tags tags) {
    counter(name, description, unit, tags).increment();
  }

  private Counter counter(String name, String description, String unit, Tags tags) {
    // Units only where the name does not already say it (Prometheus appends the unit to the name).
    return counters.computeIfAbsent(Tags.of(name, "").and(tags), k -> Counter.builder(name)
        .description(description).baseUnit(unit).tags(tags).register(registry));
  }
}
