package dev.rote.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.rote.alerting.AlertingMetrics;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.RunIds;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import dev.rote.metrics.MetricsEndpoint;
import dev.rote.service.KafkaOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Replay recorded runs from their telemetry through the analyzer's and the alerting service's "
        + "logic again.",
        "Without --rules: a replay, published as RUN_ID@replay-N (indicators, alerts, run metadata) for the "
            + "dashboards, with the built-in rules, at full speed or --speed X.",
        "With --rules (one or more files): a backtest that publishes nothing and compares when each rule set "
            + "would have stopped each run, and the clean test accuracy then, with the original."})
final class ReplayCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "RUN_ID", arity = "1..*", description = "Recorded runs to replay.")
  List<String> runIds;

  @Option(names = "--rules", paramLabel = "FILE",
      description = "Backtest these rules (repeat for several rule files); nothing is published.")
  List<Path> rules = new ArrayList<>();

  @Option(names = "--from-step", paramLabel = "N", defaultValue = "0",
      description = "Replay from this training step on (default: the oldest step still recorded).")
  long fromStep;

  @Option(names = "--speed", paramLabel = "X", defaultValue = "0",
      description = "Pace at X times the original speed; 0 for full speed (default: ${DEFAULT-VALUE}).")
  double speed;

  @Option(names = "--json", description = "Print the outcome as JSON.")
  boolean json;

  @Option(names = "--compare",
      description = "Also compare the replayed indicators with the original run's, value by value.")
  boolean compare;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
      description = "Serve the replayed run's indicators and alerts as Prometheus metrics on this port (the "
          + "analyzer's and alerting service's metric names), for the dashboards; 0 for none (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--no-nmf",
      description = "Skip the NMF factorizations (the costly part) unless a rule needs them.")
  boolean noNmf;

  private AnalyzerMetrics analyzerMetrics;
  private AlertingMetrics alertingMetrics;

  /** What one replay of one run with one rule set gave, as printed and as --json writes it. */
  record Outcome(String run, String replayRunId, String rules, Long firstStep, Long lastStep, Long missingFrom,
      Long missingTo, Long stopStep, String stopRule, Double testAccAtStop, Long restoreStep, Long originalStopStep,
      String originalStopRule, Double originalTestAccAtStop, Double bestTestAcc, Long indicatorsCompared,
      Long indicatorsDiffering, double seconds, double stepsPerSecond) {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (speed < 0) {
      throw new IllegalArgumentException("--speed must be >= 0, was " + speed);
    }
    boolean backtest = !rules.isEmpty();
    List<RuleSet> sets = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (backtest) {
      for (Path p : rules) {
        RuleSet s = RuleSet.load(p);
        s.warnings().forEach(w -> System.err.println("warning: " + w));
        sets.add(s);
        names.add(p.toString());
      }
    } else {
      sets.add(RuleSet.defaults());
      names.add("built-in rules");
    }
    KafkaSettings settings = kafka.connect(Duration.ofSeconds(15));
    Map<String, RunMetadata> catalog = RunsCommand.read(settings);
    PrintStream out = json ? System.err : System.out;
    List<Outcome> outcomes = new ArrayList<>();
    try (MetricsEndpoint endpoint = new MetricsEndpoint("replay", metricsPort)) {
      analyzerMetrics = new AnalyzerMetrics();
      analyzerMetrics.bindTo(endpoint.registry());
      alertingMetrics = new AlertingMetrics();
      alertingMetrics.bindTo(endpoint.registry());
      if (metricsPort > 0) {
        out.printf("replay metrics at http://127.0.0.1:%d/metrics%n", metricsPort);
      }
      for (String runId : runIds) {
        outcomes.addAll(replay(settings, catalog, runId, sets, names, backtest, out));
      }
    }
    if (json) {
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
          .writeValueAsString(outcomes));
    } else if (backtest) {
      printTable(outcomes, System.out);
    }
    return 0;
  }

  private List<Outcome> replay(KafkaSettings settings, Map<String, RunMetadata> catalog, String runId,
      List<RuleSet> sets, List<String> names, boolean backtest, PrintStream out) throws InterruptedException {
    RunTopics.Slice slice = RunTopics.read(settings, Topics.TELEMETRY.name(), runId);
    List<Telemetry> telemetry = new ArrayList<>();
    for (var r : slice.records()) {
      try {
        telemetry.add(Telemetry.parseFrom(r.value()));
      } catch (InvalidProtocolBufferException e) {
        // the analyzer dead-lettered it in the original run too; the replay skips it the same way
      }
    }
    if (telemetry.isEmpty()) {
      throw new IllegalArgumentException("no telemetry of run " + runId + " in " + Topics.TELEMETRY.name()
          + (catalog.containsKey(runId) ? " (it has aged out: retention)" : " (unknown run; see ./rote runs)"));
    }
    long firstRecorded = telemetry.get(0).getStep();
    long wanted = Math.max(1, fromStep);
    Long missingFrom = null;
    Long missingTo = null;
    if (firstRecorded > wanted && slice.logStartOffset() > 0) {
      missingFrom = wanted;
      missingTo = firstRecorded - 1;
      out.printf("run %s: steps %d..%d are gone from %s (retention; the partition's log starts at offset %d); "
          + "replaying from step %d. Indicators that need history (flips, forgetting) start afresh there.%n",
          runId, missingFrom, missingTo, Topics.TELEMETRY.name(), slice.logStartOffset(), firstRecorded);
    }
    String replayId = backtest ? runId : RunIds.nextReplay(runId, catalog.keySet());
    if (!backtest) {
      catalog.put(replayId, RunMetadata.newBuilder().setRunId(replayId).build()); // the next replay counts it
    }
    Optional<StopSignal> original = originalStop(settings, runId);
    // A backtest factorizes only when one of its rules reads an NMF indicator (or to compare every
    // indicator); a replay unless told not to (then the built-in NMF warn rule never evaluates).
    boolean nmf = compare || (backtest ? Replay.needsNmf(sets) : !noNmf);
    Replay.Result result;
    if (backtest) {
      out.printf("backtesting run %s (%d records, steps %d..%d)%n", runId, telemetry.size(), firstRecorded,
          telemetry.get(telemetry.size() - 1).getStep());
      result = Replay.run(telemetry, runId, new Replay.Options(fromStep, speed, nmf), sets, i -> { }, s -> { });
    } else {
      out.printf("replaying run %s as %s: %d records, steps %d..%d, %s%n", runId, replayId, telemetry.size(),
          Math.max(firstRecorded, wanted), telemetry.get(telemetry.size() - 1).getStep(),
          speed > 0 ? speed + "x the original pace" : "full speed");
      result = publish(settings, catalog.get(runId), runId, replayId, telemetry, sets, nmf, out);
    }
    Map<String, long[]> diff = compare ? compareIndicators(settings, runId, result.indicators()) : null;
    if (diff != null) {
      long[] d = diff.get("");
      out.printf("compared with the original: %d indicators, %d identical, %d differing, %d missing, %d extra%n",
          d[0], d[1], d[2], d[3], d[4]);
    }
    List<Outcome> outcomes = new ArrayList<>();
    Double best = result.testAccuracy().values().stream().max(Double::compare).orElse(null);
    for (int k = 0; k < sets.size(); k++) {
      Optional<StopSignal> stop = result.decisions().get(k).stop();
      long[] d = diff == null ? null : diff.get("");
      outcomes.add(new Outcome(runId, backtest ? null : replayId, names.get(k),
          result.firstStep() < 0 ? null : result.firstStep(), result.lastStep() < 0 ? null : result.lastStep(),
          missingFrom, missingTo,
          stop.map(StopSignal::getStep).orElse(null), stop.map(StopSignal::getRule).orElse(null),
          stop.map(s -> Replay.accuracyAt(result.testAccuracy(), s.getStep())).orElse(null),
          stop.filter(StopSignal::hasRestoreStep).map(StopSignal::getRestoreStep).orElse(null),
          original.map(StopSignal::getStep).orElse(null), original.map(StopSignal::getRule).orElse(null),
          original.map(s -> Replay.accuracyAt(result.testAccuracy(), s.getStep())).orElse(null), best,
          d == null ? null : d[0], d == null ? null : d[0] - d[1], result.seconds(),
          result.records() == 0 ? 0 : (result.lastStep() - result.firstStep() + 1) / Math.max(1e-9, result.seconds())));
      if (!backtest) {
        Outcome o = outcomes.get(outcomes.size() - 1);
        out.printf("replayed %d records in %.2f s (%.0f steps/s): %s; original: %s%n", result.records(),
            result.seconds(), o.stepsPerSecond(), describeStop(o.stopStep(), o.stopRule(), o.testAccAtStop()),
            describeStop(o.originalStopStep(), o.originalStopRule(), o.originalTestAccAtStop()));
      }
    }
    return outcomes;
  }

  private Replay.Result publish(KafkaSettings settings, RunMetadata meta, String runId, String replayId,
      List<Telemetry> telemetry, List<RuleSet> sets, boolean nmf, PrintStream out) throws InterruptedException {
    try (var producer = new KafkaProducer<>(settings.with(Map.of()), new StringSerializer(), new ByteArraySerializer())) {
      RunMetadata.Builder m = (meta == null ? RunMetadata.newBuilder() : meta.toBuilder())
          .setRunId(replayId).setStatus(RunStatus.RUN_STATUS_RUNNING).setUpdatedTimeMs(System.currentTimeMillis())
          .setStartTimeMs(System.currentTimeMillis()).setStatusReason("replay of " + runId)
          .clearStopSignalId().clearRestoredStep()
          .putHyperparameters("replay_of", runId)
          .putHyperparameters("replay_from_step", Long.toString(fromStep));
      java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
      org.apache.kafka.clients.producer.Callback count = (md, e) -> {
        if (e != null) {
          failed.incrementAndGet();
        }
      };
      producer.send(new ProducerRecord<>(Topics.RUNS.name(), replayId, m.build().toByteArray()), count);
      alertingMetrics.runSeen(replayId, sets.get(0));
      Replay.Result r = Replay.run(telemetry, replayId, new Replay.Options(fromStep, speed, nmf), sets,
          i -> {
            producer.send(new ProducerRecord<>(Topics.INDICATORS.name(), replayId, i.toByteArray()), count);
            analyzerMetrics.indicator(i);
          },
          s -> {
            producer.send(new ProducerRecord<>(Topics.ALERTS.name(), replayId, s.toByteArray()), count);
            sets.get(0).rules().stream().filter(rule -> rule.name().equals(s.getRule())).findFirst()
                .ifPresent(rule -> alertingMetrics.fired(rule, replayId));
            out.printf(">> alert in the replay: rule %s (%s) at step %d: %s%n", s.getRule(),
                s.getAction() == SignalAction.SIGNAL_ACTION_STOP ? "stop" : "warn", s.getStep(), s.getReason());
          });
      Optional<StopSignal> stop = r.decisions().get(0).stop();
      m.setStatus(RunStatus.RUN_STATUS_COMPLETED).setUpdatedTimeMs(System.currentTimeMillis())
          .setLastStep(Math.max(0, r.lastStep()))
          .setStatusReason("replay of " + runId + stop.map(s -> "; rule " + s.getRule() + " would stop it at step "
              + s.getStep()).orElse(""));
      producer.send(new ProducerRecord<>(Topics.RUNS.name(), replayId, m.build().toByteArray()), count);
      producer.flush();
      if (failed.get() > 0) {
        throw new IllegalStateException(failed.get() + " records of replay " + replayId + " could not be published");
      }
      return r;
    }
  }

  /** The first stop signal the alerting service sent for the run, from rote.alerts. */
  static Optional<StopSignal> originalStop(KafkaSettings settings, String runId) {
    for (var r : RunTopics.read(settings, Topics.ALERTS.name(), runId).records()) {
      try {
        StopSignal s = StopSignal.parseFrom(r.value());
        if (s.getAction() == SignalAction.SIGNAL_ACTION_STOP && runId.equals(s.getRunId())) {
          return Optional.of(s);
        }
      } catch (InvalidProtocolBufferException e) {
        // skip
      }
    }
    return Optional.empty();
  }

  /**
   * Compares replayed indicators with the original run's on rote.indicators, by (name, layer,
   * class, step): counts under key "" as {compared, identical, differing, missing, extra}.
   */
  static Map<String, long[]> compareIndicators(KafkaSettings settings, String runId, List<Indicator> replayed) {
    // A key can occur twice at one step (the generalization gap of a batch and of an evaluation):
    // the n-th occurrence is compared with the n-th.
    Map<String, Double> original = new HashMap<>();
    Map<String, Integer> occurrences = new HashMap<>();
    for (var r : RunTopics.read(settings, Topics.INDICATORS.name(), runId).records()) {
      try {
        Indicator i = Indicator.parseFrom(r.value());
        String k = key(i);
        original.put(k + "#" + occurrences.merge(k, 1, Integer::sum), i.getValue());
      } catch (InvalidProtocolBufferException e) {
        // skip
      }
    }
    long identical = 0;
    long differing = 0;
    long extra = 0;
    Map<String, Double> seen = new LinkedHashMap<>();
    Map<String, Integer> replayedOccurrences = new HashMap<>();
    for (Indicator i : replayed) {
      String k = key(i) + "#" + replayedOccurrences.merge(key(i), 1, Integer::sum);
      seen.put(k, i.getValue());
      Double o = original.get(k);
      if (o == null) {
        extra++;
      } else if (Double.doubleToLongBits(o) == Double.doubleToLongBits(i.getValue())) {
        identical++;
      } else {
        differing++;
      }
    }
    long missing = original.keySet().stream().filter(k -> !seen.containsKey(k)).count();
    return Map.of("", new long[] {original.size(), identical, differing, missing, extra});
  }

  private static String key(Indicator i) {
    return i.getName() + "|" + (i.hasLayer() ? i.getLayer() : "") + "|" + (i.hasClassLabel() ? i.getClassLabel() : "")
        + "|" + i.getStep();
  }

  private static String describeStop(Long step, String rule, Double acc) {
    if (step == null) {
      return "no stop";
    }
    return String.format(Locale.ROOT, "stop at step %d by %s (clean test accuracy then %s)", step, rule,
        acc == null ? "not recorded" : String.format(Locale.ROOT, "%.4f", acc));
  }

  static void printTable(List<Outcome> outcomes, PrintStream out) {
    String fmt = "%-28s %-28s %9s %-20s %9s   %9s %-20s %9s%n";
    out.printf(fmt, "RUN", "RULES", "STOP STEP", "RULE", "TEST ACC", "ORIGINAL", "ORIGINAL RULE", "TEST ACC");
    for (Outcome o : outcomes) {
      out.printf(fmt, o.run(), shorten(o.rules(), 28), o.stopStep() == null ? "-" : o.stopStep(),
          o.stopRule() == null ? "-" : o.stopRule(), acc(o.testAccAtStop()),
          o.originalStopStep() == null ? "-" : o.originalStopStep(),
          o.originalStopRule() == null ? "-" : o.originalStopRule(), acc(o.originalTestAccAtStop()));
    }
  }

  private static String acc(Double a) {
    return a == null ? "-" : String.format(Locale.ROOT, "%.4f", a);
  }

  private static String shorten(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
  }
}
