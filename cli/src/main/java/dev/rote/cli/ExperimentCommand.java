package dev.rote.cli;

import dev.rote.alerting.RuleSet;
import dev.rote.alerting.cli.RulesOption;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.reference.RestorePolicy;
import dev.rote.reference.cli.ModelOptions;
import dev.rote.reference.data.LabelNoise;
import dev.rote.reference.data.NoisyLabels;
import dev.rote.reference.experiment.ExperimentRunner;
import dev.rote.reference.experiment.Matrix;
import dev.rote.reference.experiment.MatrixCell;
import dev.rote.reference.experiment.NoiseCondition;
import dev.rote.report.ExperimentJson;
import dev.rote.report.ExperimentResults;
import dev.rote.report.ExperimentRun;
import dev.rote.report.ResultsReport;
import dev.rote.report.Targets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = "The noisy-label stopping experiment: train each setting, label-noise condition and seed to the "
        + "end while the full loop watches (stops are recorded, not obeyed), next to DL4J's early stopping on a "
        + "validation split of the noisy training data; one setting from the options, or a matrix of settings "
        + "from a YAML file; write JSON and a Markdown page with plots.")
final class ExperimentCommand implements Callable<Integer> {

  /** Options that describe the single cell; a matrix file describes its cells itself. */
  private static final List<String> CELL_OPTIONS = List.of("--train-size", "--epochs", "--batch-size", "--model",
      "--hidden", "--optimizer", "--learning-rate", "--lr-schedule", "--weight-decay", "--label-noise",
      "--noise-mode", "--noise-pairs", "--seeds");

  @Mixin RulesOption rules;

  @Mixin ModelOptions model;

  @Option(names = "--matrix", paramLabel = "FILE.yaml",
      description = "Run the cells of this matrix file (e.g. docs/matrix.yaml) instead of one setting from the "
          + "options.")
  Path matrixFile;

  @Option(names = "--cells", paramLabel = "NAME,...", split = ",",
      description = "With --matrix: only these cells.")
  List<String> cells;

  @Option(names = "--plan",
      description = "Run nothing: list the cells, their runs and the estimated time of each.")
  boolean plan;

  @Option(names = "--resume",
      description = "Keep the runs already recorded in --out and run only the others.")
  boolean resume;

  @Option(names = "--label-noise", paramLabel = "F,F,...", split = ",", defaultValue = "0,0.2,0.4,0.6",
      description = "Label-noise levels (default: ${DEFAULT-VALUE}).")
  double[] labelNoise;

  @Option(names = "--noise-mode", paramLabel = "MODE", defaultValue = "symmetric",
      description = "symmetric or asymmetric (class pairs) noise at every level (default: ${DEFAULT-VALUE}).")
  String noiseMode;

  @Option(names = "--noise-pairs", paramLabel = "S:T,...",
      description = "Class pairs of asymmetric noise (default: the data set's, see train --help).")
  String noisePairs;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "2",
      description = "Seeds 1..N of each level (initialization, shuffling and noise) (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--out", paramLabel = "FILE.json", defaultValue = "experiment.json",
      description = "Results as JSON, written after every run (default: ${DEFAULT-VALUE}).")
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

  @Option(names = "--restore-policies", paramLabel = "P,...", split = ",",
      defaultValue = "closest,signal_window,signal_window_steps,library_100_32,library_e8_32,average_steps_80,"
          + "average_epochs_1,average_epochs_3,average_epochs_5",
      description = "Restore policies measured at every stop: closest, signal_window, signal_window_steps, "
          + "library_S_C and library_eK_C (a trainer library's store: every S steps or K per epoch, and each epoch "
          + "end, at most C), average_steps_R, average_epochs_K "
          + "(default: ${DEFAULT-VALUE}).")
  List<String> restorePolicies;

  @Option(names = "--no-baseline", description = "Skip the baseline runs.")
  boolean noBaseline;

  @Option(names = "--render", paramLabel = "FILE.json",
      description = "Run nothing: render --results from a JSON file an earlier run wrote.")
  Path render;

  @Option(names = "--quick",
      description = "A small variant for tests: one setting of 2,000 examples, 8 epochs, 256-256 hidden units, 40%% "
          + "noise, one seed; with --matrix, every cell on at most 500 training and 500 test examples, 2 epochs, "
          + "one seed and one noise condition.")
  boolean quick;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (render != null) {
      if (results == null) {
        throw new IllegalArgumentException("--render needs --results FILE.md");
      }
      writePage(ExperimentJson.read(render));
      return 0;
    }
    Matrix matrix = matrix();
    ExperimentRunner.Settings settings = new ExperimentRunner.Settings(validationFraction, baselinePatience,
        !noBaseline, restorePolicies.stream().map(RestorePolicy::parse).toList());
    PrintStream o = System.out;
    if (plan) {
      printPlan(matrix, o);
      return 0;
    }
    Map<String, ExperimentRun> done = resume ? MatrixExperiment.recorded(out, matrix) : Map.of();
    RuleSet ruleSet = rules.load(System.err);
    String description = describe(matrix);
    o.println("experiment: " + description);
    long t0 = System.nanoTime();
    List<ExperimentRun> runs;
    var registry = new SimpleMeterRegistry();
    try (LocalPipeline pipeline = LocalPipeline.start(0, AnalyzerConfig.defaults(), ruleSet, registry)) {
      ExperimentRunner runner = new ExperimentRunner(settings, pipeline.kafka(), registry);
      runs = new MatrixExperiment(matrix, runner, validationFraction, out, r -> results(r, description, matrix), o)
          .run(done);
    }
    ExperimentResults all = results(runs, description, matrix);
    ExperimentJson.write(all, out);
    o.printf("%nresults: %s (%.1f min)%n", out.toAbsolutePath(), (System.nanoTime() - t0) / 6e10);
    if (results != null) {
      writePage(all);
    }
    for (var cell : runs.stream().collect(java.util.stream.Collectors.groupingBy(ExperimentRun::cellName,
        java.util.LinkedHashMap::new, java.util.stream.Collectors.toList())).entrySet()) {
      Targets.Verdict v = Targets.verdict(cell.getValue());
      o.printf("  cell %s: %s (clean runs >= 99%% of best: %d/%d; noisy runs >= 98%%: %d/%d, mean %s vs baseline %s)%n",
          cell.getKey(), v.met().map(ok -> ok ? "targets met" : "targets missed").orElse("no target"),
          v.cleanMet(), v.cleanRuns(), v.noisyMet(), v.noisyRuns(), percent(v.meanKept()), percent(v.meanBaseline()));
    }
    return 0;
  }

  /** The matrix of {@code --matrix} (with {@code --cells} and {@code --quick}), or one cell from the options. */
  Matrix matrix() {
    var parsed = spec.commandLine().getParseResult();
    if (matrixFile != null) {
      List<String> given = CELL_OPTIONS.stream().filter(parsed::hasMatchedOption).toList();
      if (!given.isEmpty()) {
        throw new IllegalArgumentException(String.join(", ", given) + ": with --matrix every cell's setting comes "
            + "from the matrix file (edit it, or run one setting without --matrix)");
      }
      Matrix m = Matrix.load(matrixFile);
      if (parsed.hasMatchedOption("--data")) {
        m = m.withData(model.data);
      }
      m = cells == null ? m : m.select(cells);
      return quick ? m.quick() : m;
    }
    if (cells != null) {
      throw new IllegalArgumentException("--cells needs --matrix");
    }
    if (quick) {
      model.trainSize = parsed.hasMatchedOption("--train-size") ? model.trainSize : 2000;
      model.epochs = parsed.hasMatchedOption("--epochs") ? model.epochs : 8;
      model.hidden = parsed.hasMatchedOption("--hidden") ? model.hidden : new int[] {256, 256};
      labelNoise = parsed.hasMatchedOption("--label-noise") ? labelNoise : new double[] {0.4};
      seeds = parsed.hasMatchedOption("--seeds") ? seeds : 1;
    }
    if (seeds < 1) {
      throw new IllegalArgumentException("--seeds must be >= 1, was " + seeds);
    }
    NoisyLabels.Mode mode = NoisyLabels.Mode.parseNoiseMode(noiseMode);
    List<NoiseCondition> noise = Arrays.stream(labelNoise).distinct().mapToObj(l -> NoiseCondition.of(mode, l))
        .toList();
    MatrixCell cell = new MatrixCell("default", model.data, model.trainSize, 0, model.batchSize, model.epochs,
        model.architecture(), model.hidden, model.optimization(), model.learningRate(), noise,
        LabelNoise.parsePairs(noisePairs), LongStream.rangeClosed(1, seeds).boxed().toList(), null);
    return new Matrix("", List.of(cell), null);
  }

  private void printPlan(Matrix matrix, PrintStream o) {
    double total = 0;
    for (MatrixCell c : matrix.cells()) {
      double minutes = matrix.timing() == null ? Double.NaN : matrix.timing().cellMinutes(c, validationFraction);
      total += minutes;
      o.printf(Locale.ROOT, "%-16s %3d runs  %s  %s%n", c.name(), c.runs().size(),
          Double.isNaN(minutes) ? "(no timing)" : String.format(Locale.ROOT, "~%s (listed: %s)",
              MatrixExperiment.minutes(minutes), c.estimateMinutes() == null ? "-"
                  : MatrixExperiment.minutes(c.estimateMinutes())), c.describe());
    }
    o.printf(Locale.ROOT, "%d cells, %d runs%s%n", matrix.cells().size(), matrix.runs().size(),
        Double.isNaN(total) ? "" : ", about " + MatrixExperiment.minutes(total) + " in all (runs and baselines)");
  }

  private String describe(Matrix matrix) {
    String what = matrixFile == null ? matrix.cells().get(0).describe()
        : "matrix " + matrixFile + (quick ? " (quick)" : "") + ": " + matrix.cells().size() + " cells, "
            + matrix.runs().size() + " runs";
    return what + "; Rote: " + rules.describe() + ", analyzer defaults, restore policies measured "
        + restorePolicies + "; baseline: " + (noBaseline ? "none" : String.format(Locale.ROOT,
        "DL4J early stopping, %.0f%% of the noisy training data for validation, patience %d epochs on validation "
            + "loss", validationFraction * 100, baselinePatience));
  }

  private ExperimentResults results(List<ExperimentRun> runs, String description, Matrix matrix) {
    String command = "./rote " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    String machine = Runtime.getRuntime().availableProcessors() + " CPU cores, "
        + System.getProperty("os.arch") + ", Java " + Runtime.version().feature() + ", ND4J native CPU";
    return new ExperimentResults(command, description, machine,
        LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + "Z", runs,
        matrix.rulesDesignedOn());
  }

  private void writePage(ExperimentResults all) throws IOException {
    Path page = results.toAbsolutePath();
    ResultsReport.write(all, page, page.getParent().resolve("results-plots"));
    System.out.println("results page: " + page);
  }

  private static String percent(Double ratio) {
    return ratio == null ? "-" : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }
}
