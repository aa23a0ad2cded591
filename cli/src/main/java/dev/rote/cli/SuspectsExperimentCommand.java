package dev.rote.cli;

import dev.rote.alerting.RuleSet;
import dev.rote.alerting.cli.RulesOption;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.contract.v1.LabelNoise;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.StopSignal;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.StopOptions;
import dev.rote.reference.TrainOptions;
import dev.rote.reference.cli.ModelOptions;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.data.NoisyLabels;
import dev.rote.replay.Outcome;
import dev.rote.replay.Recording;
import dev.rote.replay.ReplayJob;
import dev.rote.report.SuspectsReport;
import dev.rote.report.SuspectsResults;
import dev.rote.report.SuspectsResults.Measure;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.TelemetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "suspects-experiment", mixinStandardHelpOptions = true,
    description = {"The suspect-label experiment: train noisy runs to the end while the full loop watches (the "
        + "stop is recorded, not obeyed), read each run's telemetry back, and measure how well the suspicion score "
        + "and each single statistic find the flipped labels (AUROC, precision at the true noise rate) at every "
        + "epoch, at Rote's stop step and at the end. With --recording, the same on recorded runs, training nothing. "
        + "With --retrain, the payoff: each run's ranking at Rote's stop (at the end without one) is exported as "
        + "./rote suspects --export-clean and --export-relabel write it, and the same settings and seed train again "
        + "on the data without the suspects and with the suspects relabeled.",
        "Writes JSON (--out) and, with --results, a Markdown page with plots."})
final class SuspectsExperimentCommand implements Callable<Integer> {

  @Mixin RulesOption rules;

  @Mixin ModelOptions model;

  @Option(names = "--label-noise", paramLabel = "F,F,...", split = ",", defaultValue = "0.2,0.4,0.6",
      description = "Label-noise levels (default: ${DEFAULT-VALUE}).")
  double[] labelNoise;

  @Option(names = "--noise-mode", paramLabel = "MODE", defaultValue = "symmetric",
      description = "symmetric, or asymmetric (the data set's class pairs, as ./rote train) (default: ${DEFAULT-VALUE}).")
  String noiseMode;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "2",
      description = "Seeds 1..N of each level (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--out", paramLabel = "FILE.json", defaultValue = "suspects-experiment.json",
      description = "Results as JSON (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--results", paramLabel = "FILE.md",
      description = "Also render the results page here, with plots in suspects-plots/ beside it (e.g. docs/SUSPECTS.md).")
  Path results;

  @Option(names = "--render", paramLabel = "FILE.json",
      description = "Run nothing: render --results from a JSON file an earlier run wrote.")
  Path render;

  @Option(names = "--recording", paramLabel = "FILE",
      description = "Train nothing: measure recorded evaluation runs (./rote record; repeatable), with the stop step "
          + "a backtest of the rules gives. Needs the recordings' ground truth (ExampleColumns.noisy).")
  List<Path> recordings = new ArrayList<>();

  @Option(names = "--retrain",
      description = "Also measure the payoff: retrain on the data without the suspects (score above 0.5 at Rote's "
          + "stop, at the end without a stop) and with them relabeled, and compare the clean test accuracy with "
          + "the noisy run's. The exported files go to suspects-exports/ beside --out.")
  boolean retrain;

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
      writePage(SuspectsReport.readJson(render));
      return 0;
    }
    if (!recordings.isEmpty()) {
      if (retrain) {
        throw new IllegalArgumentException("--retrain trains on the data set and cannot be combined with --recording");
      }
      return measureRecordings();
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
      if (!(n > 0 && n < 1)) {
        throw new IllegalArgumentException("--label-noise levels must be in (0, 1), was " + n);
      }
    }
    NoisyLabels.Mode mode = NoisyLabels.Mode.parseNoiseMode(noiseMode);
    RuleSet ruleSet = rules.load(System.err);
    IdxDataset dataset = ModelOptions.loadDataset(model.data);
    if (model.trainSize > 0) {
      dataset = dataset.subsetTrain(model.trainSize);
    }
    String settings = String.format(Locale.ROOT, "%s, %d training examples, %s, batch %d, %d epochs; "
            + "Rote: %s, analyzer defaults; statistics from the run's telemetry read back from Kafka",
        model.data, dataset.trainSize(), model.describeModel(), model.batchSize, model.epochs, rules.describe());
    PrintStream o = System.out;
    o.println("suspects experiment: " + settings);
    List<SuspectsResults.Run> runs = new ArrayList<>();
    int total = labelNoise.length * seeds;
    long t0 = System.nanoTime();
    MeterRegistry registry = new SimpleMeterRegistry();
    try (LocalPipeline pipeline = LocalPipeline.start(0, AnalyzerConfig.defaults(), ruleSet, registry)) {
      for (double noise : labelNoise) {
        for (int seed = 1; seed <= seeds; seed++) {
          int done = runs.size();
          String eta = done == 0 ? "" : String.format(Locale.ROOT, " (about %.0f min left)",
              (System.nanoTime() - t0) / 6e10 / done * (total - done));
          o.printf("%n[%d/%d] %s label noise %.0f%%, seed %d%s%n", done + 1, total, mode.cliName(), noise * 100, seed,
              eta);
          runs.add(runOne(pipeline, registry, dataset, mode, noise, seed, o));
          SuspectsReport.writeJson(results(runs, settings), out);
        }
      }
    }
    SuspectsResults all = results(runs, settings);
    SuspectsReport.writeJson(all, out);
    o.printf("%nresults: %s (%.1f min)%n", out.toAbsolutePath(), (System.nanoTime() - t0) / 6e10);
    if (results != null) {
      writePage(all);
    }
    return 0;
  }

  /** Measures recorded runs: the stop step from a backtest of the rules, the statistics at every epoch, stop and end. */
  private int measureRecordings() throws IOException, InterruptedException {
    RuleSet ruleSet = rules.load(System.err);
    ReplayJob.Request backtest = new ReplayJob.Request(List.of(ruleSet), List.of(rules.describe()), true, 0, 0, true,
        false);
    String settings = "recorded runs (./rote record), measured with the analyzer's own computation; stop step: "
        + "backtest of " + rules.describe();
    PrintStream o = System.out;
    o.println("suspects experiment: " + settings);
    List<SuspectsResults.Run> runs = new ArrayList<>();
    for (Path file : recordings) {
      Recording recording = Recording.read(file);
      o.printf("%n%s: run %s (%s), %d telemetry records%n", file, recording.runId(),
          recording.metadata().getDataset().getName(), recording.telemetry().size());
      Outcome outcome = ReplayJob.backtest(recording, backtest, new ReplayJob.Listener() { }).get(0);
      long stop = outcome.stopStep() == null ? -1 : outcome.stopStep();
      o.println(stop < 0 ? "  the rules do not stop it" : "  the rules stop it at step " + stop);
      SuspectMeasurements m;
      try {
        m = SuspectMeasurements.of(recording, stop);
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
      runs.add(recordedRun(recording, stop, m, o));
    }
    SuspectsResults all = results(runs, settings);
    SuspectsReport.writeJson(all, out);
    o.printf("%nresults: %s%n", out.toAbsolutePath());
    if (results != null) {
      writePage(all);
    }
    return 0;
  }

  private static SuspectsResults.Run recordedRun(Recording recording, long stop, SuspectMeasurements m, PrintStream o) {
    print(m, o);
    RunMetadata meta = recording.metadata();
    LabelNoise noise = meta.getLabelNoise();
    String mode = switch (noise.getMode()) {
      case LABEL_NOISE_MODE_SYMMETRIC -> "symmetric";
      case LABEL_NOISE_MODE_ASYMMETRIC -> "asymmetric";
      case LABEL_NOISE_MODE_RANDOM -> "random";
      default -> "none";
    };
    // recordings older than the "model" hyperparameter: the reference trainer names hidden widths for its MLP only
    String model = meta.getHyperparametersOrDefault("model", meta.containsHyperparameters("hidden") ? "mlp" : "model");
    int trainSize = (int) meta.getDataset().getTrainSize();
    int batch = positiveInt(meta.getHyperparametersOrDefault("batch_size", ""));
    long steps = recording.telemetry().get(recording.telemetry().size() - 1).getStep();
    long stepsPerEpoch = batch > 0 ? (trainSize + batch - 1) / batch : 1;
    String setting = String.format(Locale.ROOT, "%s, %d examples, %s %.0f%%, recorded", model, trainSize, mode,
        noise.getFraction() * 100);
    return new SuspectsResults.Run(setting, model, mode, noise.getFraction(), trainSize, (int) noise.getSeed(),
        (int) noise.getFlippedCount(), stop >= 0 ? stop : null, steps, stepsPerEpoch, m.measures, null);
  }

  /** The value as a positive int, or 0 when it is none. */
  private static int positiveInt(String s) {
    try {
      return Math.max(0, Integer.parseInt(s.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static void print(SuspectMeasurements m, PrintStream o) {
    for (Measure x : m.measures) {
      if (!x.moment().equals("epoch")) {
        o.printf(Locale.ROOT, "  %-5s step %5d  %-34s AUROC %.4f  precision at the noise rate %.4f%n", x.moment(),
            x.step(), x.statistic(), x.auroc(), x.precision());
      }
    }
  }

  private void writePage(SuspectsResults all) throws IOException {
    Path page = results.toAbsolutePath();
    SuspectsReport.write(all, page, page.getParent().resolve("suspects-plots"));
    System.out.println("results page: " + page);
  }

  private SuspectsResults.Run runOne(LocalPipeline pipeline, MeterRegistry registry, IdxDataset dataset,
      NoisyLabels.Mode mode, double noise, int seed, PrintStream o) throws IOException {
    String runId = String.format(Locale.ROOT, "suspects-n%02d-s%d-%s", Math.round(noise * 100), seed,
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")));
    TrainOptions opts = new TrainOptions(model.data, noise, seed, false, model.trainSize, model.epochs,
        model.batchSize, model.hidden, model.learningRate(), seed, 32, TelemetryConfig.defaults(runId),
        model.architecture(), model.optimization(), mode, new int[0]);
    ReferenceTrainer trainer = new ReferenceTrainer(opts, dataset);
    ReferenceTrainer.Result r = train(pipeline, registry, trainer, opts, o);
    SuspectMeasurements m = SuspectMeasurements.of(pipeline.kafka(), runId, r.stopStep(), dataset.trainSize());
    print(m, o);
    SuspectsResults.Payoff payoff = null;
    if (retrain) {
      boolean stopped = m.atStop != null;
      payoff = SuspectPayoff.measure(pipeline, registry, dataset, opts, trainer, r, stopped ? m.atStop : m.atEnd,
          stopped ? "stop" : "end", out.toAbsolutePath().getParent().resolve("suspects-exports"), o);
    }
    long stepsPerEpoch = (dataset.trainSize() + model.batchSize - 1) / model.batchSize;
    String setting = String.format(Locale.ROOT, "%s, %d examples, %s %.0f%%", model.model, dataset.trainSize(),
        mode.cliName(), noise * 100);
    return new SuspectsResults.Run(setting, model.model, mode.cliName(), noise, dataset.trainSize(), seed,
        trainer.labels().flippedCount(), r.stopStep() >= 0 ? r.stopStep() : null, r.steps(), stepsPerEpoch,
        m.measures, payoff);
  }

  /** Trains to the end with the loop watching; Rote's stop is recorded, not obeyed. */
  static ReferenceTrainer.Result train(LocalPipeline pipeline, MeterRegistry registry,
      ReferenceTrainer trainer, TrainOptions opts, PrintStream o) {
    try (RoteTelemetry telemetry = RoteTelemetry.start(opts.telemetry(), pipeline.kafka(), registry)) {
      return trainer.run(telemetry, StopOptions.defaults().observeOnly(), new ReferenceTrainer.Progress() {
        @Override
        public void onEpoch(ReferenceTrainer.EpochReport e) {
          o.printf(Locale.ROOT, "  epoch %2d/%d step %5d  loss %.3f  test acc %.4f%n", e.epoch(), e.epochs(), e.step(),
              e.trainLoss(), e.testAccuracy());
        }

        @Override
        public void onStop(StopSignal s, long step) {
          o.printf("  >> Rote would stop here (rule %s, after step %d)%n", s.getRule(), step);
        }
      });
    }
  }

  private SuspectsResults results(List<SuspectsResults.Run> runs, String settings) {
    String command = "./rote " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    String machine = Runtime.getRuntime().availableProcessors() + " CPU cores, "
        + System.getProperty("os.arch") + ", Java " + Runtime.version().feature() + ", ND4J native CPU";
    return new SuspectsResults(command, settings, machine,
        LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + "Z", runs);
  }
}
