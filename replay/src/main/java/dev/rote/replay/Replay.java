package dev.rote.replay;

import dev.rote.alerting.Rule;
import dev.rote.alerting.RuleEvaluator;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.RunAnalysis;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A recorded run fed again through the analyzer's and the alerting service's logic, in this process:
 * the same code the services run, record by record, so the same telemetry and rules give the same
 * indicators and stop decision. Optionally paced at a multiple of the original speed.
 */
public final class Replay {

  /**
   * @param fromStep first training step replayed
   * @param speed multiple of the original pace (by the records' wall-clock times); 0 for full speed
   * @param nmf also factorize probe activations
   */
  public record Options(long fromStep, double speed, boolean nmf) {}

  /** The outcome for one rule set. */
  public record Decision(RuleSet rules, List<StopSignal> signals) {

    /** The first stop signal, if any rule with action stop fired. */
    public Optional<StopSignal> stop() {
      return signals.stream().filter(s -> s.getAction() == SignalAction.SIGNAL_ACTION_STOP).findFirst();
    }

    /** Alerts of rules that could not evaluate the run (no training-set size for epochs, ...). */
    public List<StopSignal> ruleErrors() {
      return signals.stream().filter(RuleEvaluator::isRuleError).toList();
    }
  }

  /**
   * @param firstStep first step replayed, or -1 when nothing was
   * @param rejected records the analyzer skipped as invalid
   * @param testAccuracy clean evaluations recorded in the telemetry, by step
   */
  public record Result(long firstStep, long lastStep, long records, long rejected, List<Indicator> indicators,
      List<Decision> decisions, TreeMap<Long, Double> testAccuracy, double seconds) {}

  private Replay() {}

  /** Whether any rule of the sets reads an NMF indicator (the only costly ones). */
  public static boolean needsNmf(List<RuleSet> sets) {
    for (RuleSet set : sets) {
      for (Rule r : set.rules()) {
        if (r.monitor().startsWith("nmf_") || r.when().stream().anyMatch(c -> c.indicator().startsWith("nmf_"))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Replays {@code telemetry} (one run's records in their recorded order) as run {@code outputRunId}.
   *
   * @param metadata the run's metadata, as the live alerting service reads it from {@code rote.runs}
   *     (steps per epoch for rules that count in epochs), or null when the run has none
   * @param onIndicator called with each indicator, run id already {@code outputRunId}
   * @param onSignal called with each signal of the first rule set
   */
  public static Result run(List<Telemetry> telemetry, RunMetadata metadata, String outputRunId, Options options,
      List<RuleSet> ruleSets, Consumer<Indicator> onIndicator, Consumer<StopSignal> onSignal)
      throws InterruptedException {
    long t0 = System.nanoTime();
    RunAnalysis analysis = new RunAnalysis(AnalyzerConfig.defaults(), options.nmf());
    Map<String, RunMetadata> runs = metadata == null ? Map.of() : Map.of(outputRunId, metadata);
    List<RuleEvaluator> evaluators = ruleSets.stream().map(set -> new RuleEvaluator(set, runs)).toList();
    List<List<StopSignal>> signals = ruleSets.stream().map(s -> (List<StopSignal>) new ArrayList<StopSignal>()).toList();
    List<Indicator> indicators = new ArrayList<>();
    TreeMap<Long, Double> accuracy = new TreeMap<>();
    long first = -1;
    long last = -1;
    long records = 0;
    long firstTime = -1;
    for (Telemetry t : telemetry) {
      if (t.getStep() < options.fromStep()) {
        continue;
      }
      if (options.speed() > 0) {
        firstTime = firstTime < 0 ? t.getTimeMs() : firstTime;
        long due = t0 + (long) ((t.getTimeMs() - firstTime) * 1e6 / options.speed());
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      first = first < 0 ? t.getStep() : first;
      last = Math.max(last, t.getStep());
      records++;
      if (t.hasEvaluation() && t.getEvaluation().getSplit().equals("test")) {
        accuracy.put(t.getStep(), t.getEvaluation().getAccuracy());
      }
      for (Indicator i : analysis.apply(t)) {
        Indicator out = i.toBuilder().setRunId(outputRunId).build();
        indicators.add(out);
        onIndicator.accept(out);
        for (int k = 0; k < evaluators.size(); k++) {
          for (StopSignal s : evaluators.get(k).apply(out, System.currentTimeMillis())) {
            signals.get(k).add(s);
            if (k == 0) {
              onSignal.accept(s);
            }
          }
        }
      }
    }
    List<Decision> decisions = new ArrayList<>();
    for (int k = 0; k < ruleSets.size(); k++) {
      decisions.add(new Decision(ruleSets.get(k), signals.get(k)));
    }
    return new Result(first, last, records, analysis.rejected(), indicators, decisions, accuracy,
        (System.nanoTime() - t0) / 1e9);
  }

  /** The clean test accuracy at a step: the latest evaluation at or before it, or null. */
  public static Double accuracyAt(TreeMap<Long, Double> byStep, long step) {
    var e = byStep.floorEntry(step);
    return e == null ? null : e.getValue();
  }
}
