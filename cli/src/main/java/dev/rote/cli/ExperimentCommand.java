package dev.rote.cli;

import dev.rote.alerting.RuleSet;
import dev.rote.alerting.cli.RulesOption;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.reference.cli.ModelOptions;
import dev.rote.report.ExperimentJson;
import dev.rote.report.ExperimentResults;
import dev.rote.report.ExperimentRun;
import dev.rote.report.Point;
import dev.rote.report.ResultsReport;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.TelemetryConfig;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.BaselineTrainer;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.StopOptions;
import dev.rote.reference.TrainOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = "The noisy-label stopping experiment: train each label-noise level and seed to the end "
        + "while the full loop watches (stops are recorded, not obeyed), next to DL4J's EarlyStoppingTrainer "
        + "on a validation split of the noisy training data; write JSON and a Markdown page with plots.")
final class ExperimentCommand implements Callable<Integer> {

  @Mixin RulesOption rules;

  @Mixin ModelOptions model;

  @Option(names = "--label-noise", paramLabel = "F,F,...", split = ",", defaultValue = "0,0.2,0.4,0.6",
      description = "Label-noise levels (default: ${DEFAULT-VALUE}).")
  double[] labelNoise;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "2",
      description = "Seeds 1..N of each level (initialization, shuffling and noise) (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--out", paramLabel = "FILE.json", defaultValue = "experiment.json",
      description = "Results as JSON (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--results", paramLabel = "FILE.md",
      description = "Also render the results page here, with plots in results-plots/ beside it "
          + "(e.g. docs/RESULTS.md).")
  Path results;

  @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.1",
      description = "Baseline: share of the (noisy) training data held out for validation (default: ${DEFAULT-VALUE}).")
  double validationFraction;

  @Option(names = "--baseline-patience", paramLabel = "EPOCHS", defaultValue = "5",
      description = "Baseline: epochs without a better validation loss before it stops (default: ${DEFAULT-VALUE}).")
  int baselinePatience;

  @Option(names = "--average-radius", paramLabel = "STEPS", defaultValue = "80",
      description = "Also measure the average of the checkpoints within STEPS of the restore step (an "
          + "averaged restore, measured only; 0 for none) (default: ${DEFAULT-VALUE}).")
  int averageRadius;

  @Option(names = "--no-baseline", description = "Skip the baseline runs.")
  boolean noBaseline;

  @Option(names = "--render", paramLabel = "FILE.json",
      description = "Run nothing: render --results from a JSON file an earlier run wrote.")
  Path render;

  @Option(names = "--quick",
      description = "A small variant for tests: 2,000 examples, 8 epochs, 256-256 hidden units, 40%% noise, one seed.")
  boolean quick;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (render != null) {
      if (results == null) {
        throw new IllegalArgumentException("--render needs --results FILE.md");
      }
      Path page = results.toAbsolutePath();
      ResultsReport.write(ExperimentJson.read(render), page, page.getParent().resolve("results-plots"));
      System.out.println("results page: " + page);
      return 0;
    }
    if (quick) {
      var parsed = spec.commandLine().getParseResult();
      model.trainSize = parsed.hasMatchedOption("--train-size") ? model.trainSize : 2000;
      model.epochs = parsed.hasMatchedOption("--epochs") ? model.epochs : 8;
      model.hidden = parsed.hasMatchedOption("--hidden") ? model.hidden : new int[] {256, 256};
      labelNoise = parsed.hasMatchedOption("--label-noise") ? labelNoise : new double[] {0.4};
      seeds = parsed.hasMatchedOption("--seeds") ? seeds : 1;
    }
    if (seeds < 1) {
      throw new IllegalArgumentException("--seeds must be >= 1, was " + seeds);
    }
    for (double n : labelNoise) {
      if (!(n >= 0 && n < 1)) {
        throw new IllegalArgumentException("--label-noise levels must be in [0, 1), was " + n);
      }
    }
    RuleSet ruleSet = rules.load(System.err);
    IdxDataset dataset = ModelOptions.loadDataset(model.data);
    if (model.trainSize > 0) {
      dataset = dataset.subsetTrain(model.trainSize);
    }
    String settings = String.format(Locale.ROOT,
        "%s, %d training examples, MLP %s, Adam %s, batch %d, %d epochs; Rote: %s, analyzer defaults; "
            + "baseline: DL4J EarlyStoppingTrainer, %.0f%% of the noisy training data for validation, "
            + "patience %d epochs on validation loss", model.data, dataset.trainSize(),
        Arrays.toString(model.hidden), model.learningRate, model.batchSize, model.epochs, rules.describe(), validationFraction * 100, baselinePatience);
    PrintStream o = System.out;
    o.println("experiment: " + settings);
    List<ExperimentRun> runs = new ArrayList<>();
    int total = labelNoise.length * seeds;
    long t0 = System.nanoTime();
    MeterRegistry registry = new SimpleMeterRegistry();
    try (LocalPipeline pipeline = LocalPipeline.start(0, AnalyzerConfig.defaults(), ruleSet, registry)) {
      for (double noise : labelNoise) {
        for (int seed = 1; seed <= seeds; seed++) {
          int done = runs.size();
          String eta = done == 0 ? "" : String.format(" (about %.0f min left)",
              (System.nanoTime() - t0) / 1e9 / 60 / done * (total - done));
          o.printf("%n[%d/%d] label noise %.0f%%, seed %d%s%n", done + 1, total, noise * 100, seed, eta);
          runs.add(runOne(pipeline, registry, dataset, noise, seed, o));
          ExperimentJson.write(results(runs, settings), out);
        }
      }
    }
    ExperimentResults all = results(runs, settings);
    ExperimentJson.write(all, out);
    o.printf("%nresults: %s (%.1f min)%n", out.toAbsolutePath(), (System.nanoTime() - t0) / 6e10);
    if (results != null) {
      Path page = results.toAbsolutePath();
      ResultsReport.write(all, page, page.getParent().resolve("results-plots"));
      o.println("results page: " + page);
    }
    for (ExperimentRun r : runs) {
      o.printf("  noise %.0f%% seed %d: %s%n", r.labelNoise() * 100, r.seed(), verdict(r));
    }
    return 0;
  }

  private ExperimentRun runOne(LocalPipeline pipeline, MeterRegistry registry, IdxDataset dataset, double noise,
      int seed, PrintStream o) {
    String runId = String.format(Locale.ROOT, "exp-n%02d-s%d-%s", Math.round(noise * 100), seed,
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")));
    TrainOptions opts = new TrainOptions(model.data, noise, seed, false, model.trainSize, model.epochs,
        model.batchSize, model.hidden, model.learningRate, seed, 32, TelemetryConfig.defaults(runId));
    ReferenceTrainer trainer = new ReferenceTrainer(opts, dataset);
    ReferenceTrainer.Result r;
    try (RoteTelemetry telemetry = RoteTelemetry.start(opts.telemetry(), pipeline.kafka(), registry)) {
      StopOptions stop = StopOptions.defaults().observeOnly().measuringAverage(averageRadius, 64);
      r = trainer.run(telemetry, stop, new ReferenceTrainer.Progress() {
        @Override
        public void onEpoch(ReferenceTrainer.EpochReport e) {
          o.printf("  epoch %2d/%d step %5d  loss %.3f  test acc %.4f%n", e.epoch(), e.epochs(), e.step(),
              e.trainLoss(), e.testAccuracy());
        }

        @Override
        public void onStop(dev.rote.contract.v1.StopSignal s, long step) {
          o.printf("  >> Rote would stop here (rule %s, after step %d; restore step %s): %s%n", s.getRule(), step,
              s.hasRestoreStep() ? Long.toString(s.getRestoreStep()) : "-", s.getReason());
        }
      });
    }
    o.printf("  Rote: %s; best %.4f at step %d; final %.4f%n", r.stopStep() < 0 ? "no stop"
        : String.format(Locale.ROOT, "stop after step %d at %.4f, restore step %d at %.4f (averaged: %.4f)",
            r.stopStep(), r.testAccuracyAtStop(), r.restoredStep(), r.testAccuracyAtRestore(),
            r.testAccuracyAtRestoreAverage()),
        r.bestTestAccuracy(), r.bestStep(), r.finalTestAccuracy());
    BaselineTrainer.Result b = null;
    if (!noBaseline) {
      b = new BaselineTrainer(opts, dataset, trainer.labels(), validationFraction, baselinePatience).run();
      o.printf("  baseline: stopped after step %d (%d epochs), keeps epoch %d at %.4f%n", b.stopStep(),
          b.epochsTrained(), b.bestEpoch() + 1, b.bestModelTestAcc());
    }
    List<Point> curve = r.testAccuracy().stream().map(p -> new Point((long) p[0], p[1])).toList();
    List<Point> baseCurve = b == null ? List.of()
        : b.testAccuracyByEpoch().stream().map(p -> new Point((long) p[1], p[2])).toList();
    boolean stopped = r.stopStep() >= 0;
    boolean restored = stopped && r.restoredStep() >= 0;
    return new ExperimentRun(noise, seed,
        stopped ? (Long) r.stopStep() : null,
        restored ? (Double) r.testAccuracyAtRestore() : stopped ? (Double) r.testAccuracyAtStop() : null,
        restored ? (Double) r.testAccuracyAtRestore() : null,
        restored ? (Long) r.restoredStep() : null,
        r.bestTestAccuracy(), r.bestStep(), r.finalTestAccuracy(), r.steps(),
        stopped ? r.stop().get().getRule() : null,
        b == null || !b.stoppedEarly() ? null : (Long) b.stopStep(),
        b == null ? null : (Double) b.bestModelTestAcc(),
        b == null ? null : (Double) b.bestTestAccSeen(),
        curve, baseCurve, stopped ? (Double) r.testAccuracyAtStop() : null,
        stopped && !Double.isNaN(r.testAccuracyAtRestoreAverage()) ? (Double) r.testAccuracyAtRestoreAverage() : null);
  }

  private ExperimentResults results(List<ExperimentRun> runs, String settings) {
    String command = "./rote " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    String machine = Runtime.getRuntime().availableProcessors() + " CPU cores, "
        + System.getProperty("os.arch") + ", Java " + Runtime.version().feature() + ", ND4J native CPU";
    return new ExperimentResults(command, settings, machine,
        LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + "Z", runs);
  }

  private static String verdict(ExperimentRun r) {
    return ResultsReport.targetMet(r).map(ok -> ok ? "target met" : "target missed").orElse("no target")
        + String.format(Locale.ROOT, " (stop %s, best %.4f, baseline %s)",
        r.testAccAtStop() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.testAccAtStop()), r.bestTestAcc(),
        r.baselineTestAccAtStop() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.baselineTestAccAtStop()));
  }
}
