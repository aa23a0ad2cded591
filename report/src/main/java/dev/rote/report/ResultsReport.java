package dev.rote.report;

import static dev.rote.report.internal.Format.accuracy;
import static dev.rote.report.internal.Format.percent;
import static dev.rote.report.internal.Format.ratio;
import static dev.rote.report.internal.Format.step;

import dev.rote.report.internal.Format;
import dev.rote.report.internal.ResultsPlots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders {@link ExperimentResults} as a Markdown page: how they were produced, a table per run, a
 * summary per label-noise level with the acceptance verdict ({@link #targetMet}), and one PNG plot per
 * noise level linked by relative path.
 */
public final class ResultsReport {

  /** The label noise at which Rote must stop near the best accuracy and no worse than the baseline. */
  public static final double NOISY_LEVEL = 0.4;
  /** At noisy levels: accuracy at Rote's stop must reach this fraction of the run's best. */
  public static final double NOISY_STOP_TO_BEST = 0.98;
  /** At 0% noise: accuracy at Rote's stop, if it stops, must reach this fraction of the run's best. */
  public static final double CLEAN_STOP_TO_BEST = 0.99;

  private static final String PER_RUN_HEADER = "| noise | seed | stop step | acc at stop | acc at stop step (not restored) | restore step "
      + "| averaged checkpoints around it "
      + "| best acc (step) | final acc | stop / best | baseline stop step | baseline acc at stop "
      + "| baseline stop / best | target met |\n"
      + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|\n";
  private static final String SUMMARY_HEADER = "| noise | runs | Rote stopped | mean stop / best "
      + "| mean averaged / best | baseline stopped | mean baseline stop / best | target met |\n"
      + "|---:|---:|---:|---:|---:|---:|---:|:---:|\n";

  private ResultsReport() {}

  /**
   * Whether a run meets the acceptance target for its label-noise level, or empty where the level has
   * none (every level but 0% and {@value #NOISY_LEVEL}).
   *
   * <ul>
   *   <li>Label noise 0.4: Rote stopped, {@code test_acc_at_stop >= 0.98 * best_test_acc},
   *       and {@code test_acc_at_stop} is no lower than what the baseline delivered: its accuracy at
   *       its stop or, where it never stopped, its final accuracy (the last point of {@code
   *       baseline_test_accuracy}, else {@code final_test_acc} when the baseline is the same run).
   *   <li>Label noise 0: Rote did not stop, or {@code test_acc_at_stop >= 0.99 * best_test_acc}.
   * </ul>
   */
  public static Optional<Boolean> targetMet(ExperimentRun run) {
    Double atStop = run.testAccAtStop();
    if (run.labelNoise() == 0) {
      return Optional.of(run.stopStep() == null
          || atStop != null && atStop >= CLEAN_STOP_TO_BEST * run.bestTestAcc());
    }
    if (Math.abs(run.labelNoise() - NOISY_LEVEL) > 1e-9) {
      return Optional.empty();
    }
    if (run.stopStep() == null || atStop == null) {
      return Optional.of(false);
    }
    return Optional.of(atStop >= NOISY_STOP_TO_BEST * run.bestTestAcc() && atStop >= baselineDelivered(run));
  }

  /**
   * Writes the page to {@code markdownFile} and the plots into {@code plotDir}, creating directories
   * and replacing existing files.
   */
  public static void write(ExperimentResults results, Path markdownFile, Path plotDir) throws IOException {
    Path md = markdownFile.toAbsolutePath().normalize();
    Path plots = plotDir.toAbsolutePath().normalize();
    Files.createDirectories(md.getParent());
    Files.createDirectories(plots);
    Map<Double, List<ExperimentRun>> byNoise = byNoise(results.runs());
    Map<Double, String> links = new TreeMap<>();
    for (Map.Entry<Double, List<ExperimentRun>> e : byNoise.entrySet()) {
      Path png = plots.resolve(ResultsPlots.fileName(e.getKey()));
      Files.write(png, ResultsPlots.png(e.getKey(), e.getValue()));
      links.put(e.getKey(), md.getParent().relativize(png).toString().replace('\\', '/'));
    }
    Files.writeString(md, render(results, links), StandardCharsets.UTF_8);
  }

  /** The page, linking the plot of each noise level at the path {@code plotLinks} gives for it. */
  static String render(ExperimentResults results, Map<Double, String> plotLinks) {
    StringBuilder m = new StringBuilder();
    m.append("# Rote stopping experiment\n\n")
        .append("- **Date:** ").append(oneLine(results.date())).append('\n')
        .append("- **Machine:** ").append(oneLine(results.machine())).append('\n')
        .append("- **Settings:** ").append(oneLine(results.settings())).append("\n\n")
        .append("Produced by:\n\n~~~\n").append(results.command()).append("\n~~~\n\n");
    Map<Double, List<ExperimentRun>> byNoise = byNoise(results.runs());
    m.append("## Per noise level\n\n").append(SUMMARY_HEADER);
    byNoise.forEach((noise, runs) -> m.append(summaryRow(noise, runs)).append('\n'));
    m.append("\nstop / best = test accuracy at the stop divided by the run's best test accuracy, averaged over "
        + "the runs that stopped. The accuracy at a stop is that of the model each method leaves you with: for "
        + "Rote the checkpoint its signal recommends (restored by the trainer by default; the model at the stop "
        + "step itself is in the per-run table), for the baseline the model EarlyStoppingTrainer returns (its "
        + "best validation loss). Target: at 40% label noise, Rote stops with stop / best >= 98% and no "
        + "lower accuracy than the baseline delivers; at 0%, Rote does not stop or stops with stop / best "
        + ">= 99%; no target at other levels.\n\n");
    m.append("## Per run\n\n").append(PER_RUN_HEADER);
    byNoise.values().stream().flatMap(List::stream).forEach(r -> m.append(runRow(r)).append('\n'));
    m.append("\n## Test accuracy by step\n\n");
    byNoise.keySet().forEach(noise -> {
      String link = plotLinks.get(noise);
      if (link != null) {
        String target = link.contains(" ") ? "<" + link + ">" : link;
        m.append("### Label noise ").append(percent(noise)).append("\n\n![Clean test accuracy at ")
            .append(percent(noise)).append(" label noise](").append(target).append(")\n\n");
      }
    });
    return m.toString();
  }

  static String runRow(ExperimentRun r) {
    return row(percent(r.labelNoise()), Long.toString(r.seed()), step(r.stopStep()), accuracy(r.testAccAtStop()),
        accuracy(r.testAccAtStopStep()), step(r.restoreStep()), accuracy(r.testAccAtRestoreAverage()), accuracy(r.bestTestAcc()) + " (" + r.bestStep() + ")",
        accuracy(r.finalTestAcc()), ratio(ratioOf(r.testAccAtStop(), r.bestTestAcc())),
        step(r.baselineStopStep()), accuracy(r.baselineTestAccAtStop()),
        ratio(ratioOf(r.baselineTestAccAtStop(), r.baselineBestTestAcc())), verdict(targetMet(r)));
  }

  static String summaryRow(double noise, List<ExperimentRun> runs) {
    List<Double> ratios = runs.stream().map(r -> ratioOf(r.testAccAtStop(), r.bestTestAcc()))
        .filter(Objects::nonNull).toList();
    List<Double> averagedRatios = runs.stream().map(r -> ratioOf(r.testAccAtRestoreAverage(), r.bestTestAcc()))
        .filter(Objects::nonNull).toList();
    List<Double> baselineRatios = runs.stream()
        .map(r -> ratioOf(r.baselineTestAccAtStop(), r.baselineBestTestAcc())).filter(Objects::nonNull).toList();
    List<Boolean> verdicts = runs.stream().map(ResultsReport::targetMet).flatMap(Optional::stream).toList();
    long met = verdicts.stream().filter(v -> v).count();
    String target = verdicts.isEmpty() ? Format.NONE
        : (met == verdicts.size() ? "yes" : "no") + " (" + met + "/" + verdicts.size() + ")";
    long stopped = runs.stream().filter(r -> r.stopStep() != null).count();
    long baselineStopped = runs.stream().filter(r -> r.baselineStopStep() != null).count();
    return row(percent(noise), Integer.toString(runs.size()), stopped + "/" + runs.size(), ratio(mean(ratios)),
        ratio(mean(averagedRatios)), baselineStopped + "/" + runs.size(), ratio(mean(baselineRatios)), target);
  }

  private static double baselineDelivered(ExperimentRun run) {
    if (run.baselineTestAccAtStop() != null) {
      return run.baselineTestAccAtStop();
    }
    List<Point> curve = run.baselineTestAccuracy();
    return curve.isEmpty() ? run.finalTestAcc() : curve.get(curve.size() - 1).value();
  }

  private static Map<Double, List<ExperimentRun>> byNoise(List<ExperimentRun> runs) {
    return runs.stream().sorted(Comparator.comparingLong(ExperimentRun::seed)).collect(
        Collectors.groupingBy(ExperimentRun::labelNoise, TreeMap::new, Collectors.toCollection(ArrayList::new)));
  }

  private static Double ratioOf(Double acc, Double best) {
    return acc == null || best == null || best <= 0 ? null : acc / best;
  }

  private static Double mean(List<Double> values) {
    return values.isEmpty() ? null : values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  private static String verdict(Optional<Boolean> met) {
    return met.map(v -> v ? "yes" : "no").orElse(Format.NONE);
  }

  private static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |";
  }

  private static String oneLine(String text) {
    return text.replace("\r", " ").replace("\n", " ");
  }
}
