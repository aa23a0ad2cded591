package dev.rote.replay;

import dev.rote.alerting.AlertingMetrics;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.RunIds;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replays or backtests recorded runs: reads a run's telemetry back from its partition, notes what
 * retention deleted and what could not be read, feeds it through {@link Replay}, publishes a replay
 * ({@link ReplayPublisher}) or only evaluates a backtest, compares with the original when asked,
 * and says what came of it as {@link Outcome}s.
 */
public final class ReplayJob {

  /**
   * What to replay and how.
   *
   * @param ruleSets the rule sets; a replay publishes the alerts of the first
   * @param ruleNames what each rule set is called in the outcomes
   * @param backtest publish nothing, only evaluate
   * @param fromStep first training step replayed
   * @param speed multiple of the original pace; 0 for full speed
   * @param skipNmf leave the NMF factorizations out unless a backtest's rules or a comparison need them
   * @param compare compare the replayed indicators with the original's
   */
  public record Request(List<RuleSet> ruleSets, List<String> ruleNames, boolean backtest, long fromStep,
      double speed, boolean skipNmf, boolean compare) {

    public Request {
      if (speed < 0) {
        throw new IllegalArgumentException("--speed must be >= 0, was " + speed);
      }
      ruleSets = List.copyOf(ruleSets);
      ruleNames = List.copyOf(ruleNames);
    }
  }

  /** What a replay reports as it goes, for the command line to print; methods do nothing by default. */
  public interface Listener {

    /** Retention deleted the run's first steps; the replay starts after them. */
    default void gap(String runId, RetentionGap gap) {}

    /** A backtest of {@code records} telemetry records begins. */
    default void backtesting(String runId, int records, long firstStep, long lastStep) {}

    /** A published replay begins, as run {@code replayId}. */
    default void replaying(String runId, String replayId, int records, long firstStep, long lastStep) {}

    /** A rule of a published replay fired. */
    default void alert(StopSignal signal) {}

    /** Records of the run could not be read and were skipped. */
    default void unreadable(String runId, List<Unreadable> records) {}

    /** The replayed indicators were compared with the original's. */
    default void compared(IndicatorComparison comparison) {}

    /** A published replay ended. */
    default void replayed(Replay.Result result, Outcome outcome) {}

    /**
     * Rules of rule set {@code rules} could not evaluate the run (no training-set size for epochs,
     * no standard errors, ...) and never fired for it; the signals' reasons say why.
     */
    default void ruleErrors(String runId, String rules, List<StopSignal> errors) {}
  }

  private final KafkaSettings kafka;
  private final Map<String, RunMetadata> catalog;
  private final Request request;
  private final AnalyzerMetrics analyzerMetrics;
  private final AlertingMetrics alertingMetrics;
  private final Listener listener;

  /**
   * @param catalog the runs the cluster knows ({@link RunCatalog}); a published replay adds its id
   * @param analyzerMetrics where a published replay's indicators are metered
   * @param alertingMetrics where a published replay's alerts are metered
   */
  public ReplayJob(KafkaSettings kafka, Map<String, RunMetadata> catalog, Request request,
      AnalyzerMetrics analyzerMetrics, AlertingMetrics alertingMetrics, Listener listener) {
    this.kafka = kafka;
    this.catalog = catalog;
    this.request = request;
    this.analyzerMetrics = analyzerMetrics;
    this.alertingMetrics = alertingMetrics;
    this.listener = listener;
  }

  /**
   * Replays one run with every rule set.
   *
   * @return one outcome per rule set
   * @throws IllegalArgumentException when the topic holds no telemetry of the run
   */
  public List<Outcome> replay(String runId) throws InterruptedException {
    RunTopics.Slice<Telemetry> slice = RunTopics.read(kafka, Topics.TELEMETRY, runId);
    List<Unreadable> unreadable = new ArrayList<>(slice.unreadable());
    List<Telemetry> telemetry = new ArrayList<>();
    for (var r : slice.records()) {
      if (r.value().getRunId().equals(runId)) {
        telemetry.add(r.value());
      } else {
        // The live analyzer dead-letters such a record (key_mismatch); the replay must not analyze it either.
        unreadable.add(new Unreadable(r.topic(), r.partition(), r.offset(), "record key '" + runId
            + "' differs from run_id '" + r.value().getRunId() + "'"));
      }
    }
    if (telemetry.isEmpty()) {
      throw new IllegalArgumentException("no telemetry of run " + runId + " in " + Topics.TELEMETRY.name()
          + (catalog.containsKey(runId) ? " (it has aged out: retention)" : " (unknown run; see ./rote runs)")
          + (unreadable.isEmpty() ? "" : "; " + Unreadable.summary(unreadable)));
    }
    long firstRecorded = telemetry.get(0).getStep();
    long lastRecorded = telemetry.get(telemetry.size() - 1).getStep();
    Optional<RetentionGap> gap = RetentionGap.find(request.fromStep(), firstRecorded, slice.logStartOffset());
    gap.ifPresent(g -> listener.gap(runId, g));
    Optional<StopSignal> original = originalStop(runId, unreadable);
    // A backtest factorizes only when one of its rules reads an NMF indicator (or to compare every
    // indicator); a replay unless told not to (then the built-in NMF warn rule never evaluates).
    boolean nmf = request.compare() || (request.backtest() ? Replay.needsNmf(request.ruleSets()) : !request.skipNmf());
    Replay.Options options = new Replay.Options(request.fromStep(), request.speed(), nmf);
    String replayId = null;
    Replay.Result result;
    if (request.backtest()) {
      listener.backtesting(runId, telemetry.size(), firstRecorded, lastRecorded);
      result = Replay.run(telemetry, catalog.get(runId), runId, options, request.ruleSets(), i -> { }, s -> { });
    } else {
      replayId = RunIds.nextReplay(runId, catalog.keySet());
      catalog.put(replayId, RunMetadata.newBuilder().setRunId(replayId).build()); // the next replay counts it
      listener.replaying(runId, replayId, telemetry.size(), Math.max(firstRecorded, Math.max(1, request.fromStep())),
          lastRecorded);
      result = publish(catalog.get(runId), runId, replayId, telemetry, options);
    }
    IndicatorComparison comparison = null;
    if (request.compare()) {
      RunTopics.Slice<Indicator> originals = RunTopics.read(kafka, Topics.INDICATORS, runId);
      unreadable.addAll(originals.unreadable());
      comparison = IndicatorComparison.of(originals.values(), result.indicators());
      listener.compared(comparison);
    }
    if (!unreadable.isEmpty()) {
      listener.unreadable(runId, unreadable);
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (int k = 0; k < request.ruleSets().size(); k++) {
      reportRuleErrors(runId, request, result, k, listener);
      Outcome o = outcome(runId, replayId, request.ruleNames().get(k), result, result.decisions().get(k).stop(),
          original, gap, comparison, unreadable);
      outcomes.add(o);
      if (!request.backtest()) {
        listener.replayed(result, o);
      }
    }
    return outcomes;
  }

  /**
   * Backtests a recorded run from a file ({@link Recording}) with every rule set of {@code request}:
   * the same analysis and rule evaluation as a backtest of the run on the broker, with the
   * recording's metadata; no broker, nothing published, no original stop to compare with.
   *
   * @return one outcome per rule set
   * @throws IllegalArgumentException when the recording holds no telemetry
   */
  public static List<Outcome> backtest(Recording recording, Request request, Listener listener)
      throws InterruptedException {
    String runId = recording.runId();
    List<Telemetry> telemetry = recording.telemetry();
    if (telemetry.isEmpty()) {
      throw new IllegalArgumentException("the recording of run " + runId + " holds no telemetry");
    }
    listener.backtesting(runId, telemetry.size(), telemetry.get(0).getStep(),
        telemetry.get(telemetry.size() - 1).getStep());
    Replay.Options options = new Replay.Options(request.fromStep(), 0, Replay.needsNmf(request.ruleSets()));
    Replay.Result result = Replay.run(telemetry, recording.metadata(), runId, options, request.ruleSets(), i -> { },
        s -> { });
    List<Outcome> outcomes = new ArrayList<>();
    for (int k = 0; k < request.ruleSets().size(); k++) {
      reportRuleErrors(runId, request, result, k, listener);
      outcomes.add(outcome(runId, null, request.ruleNames().get(k), result, result.decisions().get(k).stop(),
          Optional.empty(), Optional.empty(), null, List.of()));
    }
    return outcomes;
  }

  private static void reportRuleErrors(String runId, Request request, Replay.Result result, int k,
      Listener listener) {
    List<StopSignal> errors = result.decisions().get(k).ruleErrors();
    if (!errors.isEmpty()) {
      listener.ruleErrors(runId, request.ruleNames().get(k), errors);
    }
  }

  private Replay.Result publish(RunMetadata meta, String runId, String replayId, List<Telemetry> telemetry,
      Replay.Options options) throws InterruptedException {
    RuleSet rules = request.ruleSets().get(0);
    try (ReplayPublisher out = new ReplayPublisher(kafka, analyzerMetrics, alertingMetrics, rules, meta, runId,
        replayId, request.fromStep())) {
      out.started();
      Replay.Result r = Replay.run(telemetry, meta, replayId, options, request.ruleSets(), out::indicator, s -> {
        out.alert(s);
        listener.alert(s);
      });
      out.finished(r.lastStep(), r.decisions().get(0).stop());
      return r;
    }
  }

  /** The first stop signal the alerting service sent for the run, from {@code rote.alerts}. */
  private Optional<StopSignal> originalStop(String runId, List<Unreadable> unreadable) {
    RunTopics.Slice<StopSignal> alerts = RunTopics.read(kafka, Topics.ALERTS, runId);
    unreadable.addAll(alerts.unreadable());
    return alerts.values().stream()
        .filter(s -> s.getAction() == SignalAction.SIGNAL_ACTION_STOP && runId.equals(s.getRunId())).findFirst();
  }

  private static Outcome outcome(String runId, String replayId, String rules, Replay.Result result,
      Optional<StopSignal> stop, Optional<StopSignal> original, Optional<RetentionGap> gap,
      IndicatorComparison comparison, List<Unreadable> unreadable) {
    Double best = result.testAccuracy().values().stream().max(Double::compare).orElse(null);
    return new Outcome(runId, replayId, rules,
        result.firstStep() < 0 ? null : result.firstStep(), result.lastStep() < 0 ? null : result.lastStep(),
        gap.map(RetentionGap::fromStep).orElse(null), gap.map(RetentionGap::toStep).orElse(null),
        stop.map(StopSignal::getStep).orElse(null), stop.map(StopSignal::getRule).orElse(null),
        stop.map(s -> Replay.accuracyAt(result.testAccuracy(), s.getStep())).orElse(null),
        stop.filter(StopSignal::hasRestoreStep).map(StopSignal::getRestoreStep).orElse(null),
        original.map(StopSignal::getStep).orElse(null), original.map(StopSignal::getRule).orElse(null),
        original.map(s -> Replay.accuracyAt(result.testAccuracy(), s.getStep())).orElse(null), best,
        comparison == null ? null : comparison.compared(),
        comparison == null ? null : comparison.compared() - comparison.identical(),
        result.seconds(),
        result.records() == 0 ? 0 : (result.lastStep() - result.firstStep() + 1) / Math.max(1e-9, result.seconds()),
        result.rejected(), unreadable.size(), unreadable);
  }
}
