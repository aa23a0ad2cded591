package dev.rote.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rote.alerting.AlertingMetrics;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.metrics.MetricsEndpoint;
import dev.rote.replay.IndicatorComparison;
import dev.rote.replay.Outcome;
import dev.rote.replay.Read;
import dev.rote.replay.Recording;
import dev.rote.replay.RetentionGap;
import dev.rote.replay.Replay;
import dev.rote.replay.ReplayJob;
import dev.rote.replay.RunCatalog;
import dev.rote.replay.Unreadable;
import dev.rote.service.KafkaOptions;
import dev.rote.service.MetricsOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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
final class ReplayCommand implements Callable<Integer>, ReplayJob.Listener {

  @Mixin KafkaOptions kafka;
  @Mixin MetricsOptions metrics;

  @Parameters(paramLabel = "RUN_ID", arity = "0..*", description = "Recorded runs to replay.")
  List<String> runIds = new ArrayList<>();

  @Option(names = "--recording", paramLabel = "FILE",
      description = "Backtest a recording written by ./rote record instead of a run on the broker (repeatable; "
          + "with the built-in rules unless --rules is given; needs no broker).")
  List<Path> recordings = new ArrayList<>();

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

  /** Where progress goes: stdout, or stderr when stdout carries the JSON. */
  private PrintStream out = System.out;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (runIds.isEmpty() == recordings.isEmpty()) {
      System.err.println("give RUN_ID... or --recording FILE..., not " + (runIds.isEmpty() ? "neither" : "both"));
      return 2;
    }
    boolean backtest = !rules.isEmpty() || !recordings.isEmpty();
    List<RuleSet> sets = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (!rules.isEmpty()) {
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
    ReplayJob.Request request = new ReplayJob.Request(sets, names, backtest, fromStep, speed, noNmf, compare);
    if (!recordings.isEmpty()) {
      return backtestRecordings(request);
    }
    MetricsEndpoint.Address address = metrics.address(metricsPort);
    KafkaSettings settings = kafka.connect(Duration.ofSeconds(15));
    out = json ? System.err : System.out;
    Read<Map<String, RunMetadata>> catalog = RunCatalog.read(settings);
    if (!catalog.unreadable().isEmpty()) {
      out.println(Topics.RUNS.name() + ": " + Unreadable.summary(catalog.unreadable()));
    }
    List<Outcome> outcomes = new ArrayList<>();
    try (MetricsEndpoint endpoint = new MetricsEndpoint("replay", address)) {
      AnalyzerMetrics analyzerMetrics = new AnalyzerMetrics();
      analyzerMetrics.bindTo(endpoint.registry());
      AlertingMetrics alertingMetrics = new AlertingMetrics();
      alertingMetrics.bindTo(endpoint.registry());
      if (metricsPort > 0) {
        out.printf("replay metrics at %s%n", address.url());
      }
      ReplayJob job = new ReplayJob(settings, catalog.value(), request, analyzerMetrics,
          alertingMetrics, this);
      for (String runId : runIds) {
        outcomes.addAll(job.replay(runId));
      }
    }
    if (json) {
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).writeValueAsString(outcomes));
    } else if (backtest) {
      printTable(outcomes, System.out);
    }
    return 0;
  }

  private int backtestRecordings(ReplayJob.Request request) throws IOException, InterruptedException {
    out = json ? System.err : System.out;
    List<Outcome> outcomes = new ArrayList<>();
    for (Path file : recordings) {
      outcomes.addAll(ReplayJob.backtest(Recording.read(file), request, this));
    }
    if (json) {
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).writeValueAsString(outcomes));
    } else {
      printTable(outcomes, System.out);
    }
    return 0;
  }

  @Override
  public void ruleErrors(String runId, String rules, List<StopSignal> errors) {
    for (StopSignal e : errors) {
      out.printf("run %s, %s: %s%n", runId, rules, e.getReason());
    }
  }

  @Override
  public void gap(String runId, RetentionGap gap) {
    out.printf("run %s: steps %d..%d are gone from %s (retention; the partition's log starts at offset %d); "
        + "replaying from step %d. Indicators that need history (flips, forgetting) start afresh there.%n",
        runId, gap.fromStep(), gap.toStep(), Topics.TELEMETRY.name(), gap.logStartOffset(), gap.toStep() + 1);
  }

  @Override
  public void backtesting(String runId, int records, long firstStep, long lastStep) {
    out.printf("backtesting run %s (%d records, steps %d..%d)%n", runId, records, firstStep, lastStep);
  }

  @Override
  public void replaying(String runId, String replayId, int records, long firstStep, long lastStep) {
    out.printf("replaying run %s as %s: %d records, steps %d..%d, %s%n", runId, replayId, records, firstStep,
        lastStep, speed > 0 ? speed + "x the original pace" : "full speed");
  }

  @Override
  public void alert(StopSignal s) {
    out.printf(">> alert in the replay: rule %s (%s) at step %d: %s%n", s.getRule(),
        s.getAction() == SignalAction.SIGNAL_ACTION_STOP ? "stop" : "warn", s.getStep(), s.getReason());
  }

  @Override
  public void unreadable(String runId, List<Unreadable> records) {
    out.printf("run %s: %s%n", runId, Unreadable.summary(records));
  }

  @Override
  public void compared(IndicatorComparison c) {
    out.printf("compared with the original: %d indicators, %d identical, %d differing, %d missing, %d extra%n",
        c.compared(), c.identical(), c.differing(), c.missing(), c.extra());
  }

  @Override
  public void replayed(Replay.Result result, Outcome o) {
    out.printf("replayed %d records in %.2f s (%.0f steps/s): %s; original: %s%n", result.records(),
        result.seconds(), o.stepsPerSecond(), describeStop(o.stopStep(), o.stopRule(), o.testAccAtStop()),
        describeStop(o.originalStopStep(), o.originalStopRule(), o.originalTestAccAtStop()));
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
