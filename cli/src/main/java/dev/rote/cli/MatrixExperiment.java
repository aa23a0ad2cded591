package dev.rote.cli;

import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.cli.ModelOptions;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.experiment.ExperimentRunner;
import dev.rote.reference.experiment.Matrix;
import dev.rote.reference.experiment.MatrixCell;
import dev.rote.reference.experiment.MatrixRun;
import dev.rote.report.ExperimentJson;
import dev.rote.report.ExperimentResults;
import dev.rote.report.ExperimentRun;
import dev.rote.report.Point;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the runs of a matrix one after the other, writing the JSON results after each, with progress and an
 * estimate of the time left; on resume, runs already recorded in the JSON file are kept and skipped.
 */
final class MatrixExperiment {

  private final Matrix matrix;
  private final ExperimentRunner runner;
  private final double validationFraction;
  private final Path out;
  private final Function<List<ExperimentRun>, ExperimentResults> results;
  private final PrintStream o;
  private final Map<Path, IdxDataset> datasets = new HashMap<>();

  MatrixExperiment(Matrix matrix, ExperimentRunner runner, double validationFraction, Path out,
      Function<List<ExperimentRun>, ExperimentResults> results, PrintStream o) {
    this.matrix = matrix;
    this.runner = runner;
    this.validationFraction = validationFraction;
    this.out = out;
    this.results = results;
    this.o = o;
  }

  /**
   * The runs recorded in {@code file} by key ({@link MatrixRun#key}), in their order; empty when the file
   * does not exist.
   *
   * @throws IllegalArgumentException when a recorded run of a cell of {@code matrix} was made with other
   *     settings than the cell has now
   */
  static Map<String, ExperimentRun> recorded(Path file, Matrix matrix) throws IOException {
    Map<String, ExperimentRun> done = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return done;
    }
    for (ExperimentRun r : ExperimentJson.read(file).runs()) {
      for (MatrixCell c : matrix.cells()) {
        if (c.name().equals(r.cellName()) && r.cellSettings() != null
            && !r.cellSettings().equals(c.describeSetting())) {
          throw new IllegalArgumentException("cell " + c.name() + " in " + file + " was recorded with other settings:\n"
              + "  recorded: " + r.cellSettings() + "\n  now:      " + c.describeSetting()
              + "\nuse another --out, rename the cell, or drop --resume to start afresh");
        }
      }
      done.put(MatrixRun.key(r.cellName(), r.noiseKey(), r.seed()), r);
    }
    return done;
  }

  /** Runs every run of the matrix not in {@code done}, and returns the recorded runs followed by the new ones. */
  List<ExperimentRun> run(Map<String, ExperimentRun> done) throws IOException {
    List<ExperimentRun> all = new ArrayList<>(done.values());
    List<MatrixRun> todo = matrix.runs().stream().filter(r -> !done.containsKey(r.key())).toList();
    int skipped = matrix.runs().size() - todo.size();
    if (skipped > 0) {
      o.printf("resuming: %d of %d runs already recorded in %s, %d to go%n", skipped, matrix.runs().size(), out,
          todo.size());
    }
    double estimateLeft = todo.stream().mapToDouble(this::estimate).sum();
    double estimateDone = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < todo.size(); i++) {
      MatrixRun run = todo.get(i);
      double elapsed = (System.nanoTime() - t0) / 6e10;
      o.printf("%n[%d/%d] %s%s%n", skipped + i + 1, matrix.runs().size(), run.label(),
          eta(elapsed, estimateDone, estimateLeft, i, todo.size() - i));
      ExperimentRunner.Outcome outcome = runner.run(run, dataset(run.cell()), o::println);
      ExperimentRun recorded = toExperimentRun(outcome);
      all.add(recorded);
      ExperimentJson.write(results.apply(all), out);
      double e = estimate(run);
      estimateDone += e;
      estimateLeft -= e;
    }
    return all;
  }

  /** The estimate of one run in minutes from the matrix's step times, or NaN without them. */
  private double estimate(MatrixRun run) {
    return matrix.timing() == null ? Double.NaN : matrix.timing().runMinutes(run.cell(), validationFraction);
  }

  /**
   * The time left: the estimates of the remaining runs scaled by how long the finished ones took against
   * their estimates; without estimates, the mean time per finished run.
   */
  static String eta(double elapsedMinutes, double estimateDone, double estimateLeft, int runsDone, int runsLeft) {
    double left;
    if (!Double.isNaN(estimateLeft)) {
      left = runsDone == 0 || estimateDone <= 0 ? estimateLeft : estimateLeft * elapsedMinutes / estimateDone;
    } else if (runsDone > 0) {
      left = elapsedMinutes / runsDone * runsLeft;
    } else {
      return "";
    }
    return String.format(Locale.ROOT, " (%s elapsed, about %s left)", minutes(elapsedMinutes), minutes(left));
  }

  /** {@code 42 min} or {@code 3 h 05 min}. */
  static String minutes(double minutes) {
    long m = Math.round(minutes);
    return m < 60 ? m + " min" : String.format(Locale.ROOT, "%d h %02d min", m / 60, m % 60);
  }

  private IdxDataset dataset(MatrixCell cell) {
    IdxDataset d = datasets.computeIfAbsent(cell.data(), ModelOptions::loadDataset);
    if (cell.trainSize() > 0) {
      d = d.subsetTrain(cell.trainSize());
    }
    return cell.testSize() > 0 ? d.subsetTest(cell.testSize()) : d;
  }

  /** The clean test accuracy of the model a stopped run keeps: the restore policy's average, else the closest checkpoint. */
  private static double kept(ReferenceTrainer.Result r) {
    return Double.isNaN(r.testAccuracyAtRestoreAverage()) ? r.testAccuracyAtRestore() : r.testAccuracyAtRestoreAverage();
  }

  static ExperimentRun toExperimentRun(ExperimentRunner.Outcome outcome) {
    ReferenceTrainer.Result r = outcome.rote();
    var b = outcome.baseline();
    MatrixRun run = outcome.run();
    boolean stopped = r.stopStep() >= 0;
    boolean restored = stopped && r.restoredStep() >= 0;
    List<Point> curve = r.testAccuracy().stream().map(p -> new Point((long) p[0], p[1])).toList();
    List<Point> baseCurve = b == null ? List.of()
        : b.testAccuracyByEpoch().stream().map(p -> new Point((long) p[1], p[2])).toList();
    List<ExperimentRun.RestoreResult> restores = r.restores().stream()
        .map(m -> new ExperimentRun.RestoreResult(m.policy(), m.testAccuracy(), m.steps())).toList();
    Double averaged = restores.stream().filter(m -> m.policy().startsWith("average_steps_"))
        .map(ExperimentRun.RestoreResult::testAcc).findFirst().orElse(null);
    return new ExperimentRun(run.noise().level(), run.seed(),
        stopped ? (Long) r.stopStep() : null,
        restored ? (Double) kept(r) : stopped ? (Double) r.testAccuracyAtStop() : null,
        restored ? (Double) r.testAccuracyAtRestore() : null,
        restored ? (Long) r.restoredStep() : null,
        r.bestTestAccuracy(), r.bestStep(), r.finalTestAccuracy(), r.steps(),
        stopped ? r.stop().get().getRule() : null,
        b == null || !b.stoppedEarly() ? null : (Long) b.stopStep(),
        b == null ? null : (Double) b.bestModelTestAcc(),
        b == null ? null : (Double) b.bestTestAccSeen(),
        curve, baseCurve, stopped ? (Double) r.testAccuracyAtStop() : null, averaged,
        run.cell().name(), run.cell().describeSetting(), run.noise().mode().cliName(), restores, outcome.minutes(),
        outcome.epochIndicators().stream().map(v -> new ExperimentRun.EpochValue(v.name(), v.step(), v.epoch(),
            v.value(), Double.isNaN(v.standardError()) ? null : v.standardError())).toList());
  }
}
