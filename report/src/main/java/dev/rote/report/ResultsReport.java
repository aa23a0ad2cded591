package dev.rote.report;

import static dev.rote.report.internal.Format.accuracy;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Renders {@link ExperimentResults} as a Markdown page: how they were produced, the verdict of every cell
 * against the {@link Targets}, the restore policies side by side, and per cell a summary per noise
 * condition, a row per run and a PNG plot per noise condition, linked by relative path; an overview plot
 * of every cell heads the page.
 */
public final class ResultsReport {

  /** The overview plot's file name. */
  public static final String OVERVIEW_PNG = "overview.png";

  private static final String VERDICT_HEADER = "| cell | setting | runs | clean runs not stopped below 99% of best "
      + "| noisy runs >= 98% of best | noisy: Rote / best (mean) | noisy: baseline / best (mean) | targets met |\n"
      + "|---|---|---:|---:|---:|---:|---:|:---:|\n";
  private static final String SUMMARY_HEADER = "| noise | runs | Rote stopped | Rote / best (mean) "
      + "| at stop step / best (mean) | baseline stopped early | baseline / best (mean) | runs on target | targets met |\n"
      + "|---|---:|---:|---:|---:|---:|---:|---:|:---:|\n";
  private static final String PER_RUN_HEADER = "| noise | seed | stop step | restore step | Rote kept "
      + "| at stop step | best (step) | final | Rote / best | baseline stop step | baseline kept | baseline / best "
      + "| on target |\n"
      + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|\n";

  private ResultsReport() {}

  /** Whether a run meets its part of the targets; see {@link Targets#runMet}. */
  public static Optional<Boolean> targetMet(ExperimentRun run) {
    return Targets.runMet(run);
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
    Map<String, String> links = new LinkedHashMap<>();
    Map<String, List<ExperimentRun>> byCell = byCell(results.runs());
    for (Map.Entry<String, List<ExperimentRun>> cell : byCell.entrySet()) {
      for (List<ExperimentRun> runs : byNoise(cell.getValue()).values()) {
        String name = ResultsPlots.fileName(cell.getKey(), runs.get(0));
        Path png = plots.resolve(name);
        Files.write(png, ResultsPlots.png("Clean test accuracy, " + cell.getKey() + ", " + runs.get(0).noiseLabel(),
            runs));
        links.put(name, md.getParent().relativize(png).toString().replace('\\', '/'));
      }
    }
    Path overview = plots.resolve(OVERVIEW_PNG);
    Files.write(overview, ResultsPlots.overview(byCell));
    links.put(OVERVIEW_PNG, md.getParent().relativize(overview).toString().replace('\\', '/'));
    Files.writeString(md, render(results, links), StandardCharsets.UTF_8);
  }

  /** The page, linking each plot (by file name) at the path {@code plotLinks} gives for it. */
  static String render(ExperimentResults results, Map<String, String> plotLinks) {
    StringBuilder m = new StringBuilder();
    String designed = results.rulesDesignedOn() == null || results.rulesDesignedOn().isBlank()
        ? "_not stated (set `rules_designed_on` in the matrix file)_" : oneLine(results.rulesDesignedOn());
    m.append("# Rote stopping experiment\n\n")
        .append("- **Date:** ").append(oneLine(results.date())).append('\n')
        .append("- **Machine:** ").append(oneLine(results.machine())).append('\n')
        .append("- **Settings:** ").append(oneLine(results.settings())).append('\n')
        .append("- **Rules designed on:** ").append(designed).append("\n\n")
        .append("Produced by:\n\n~~~\n").append(results.command()).append("\n~~~\n\n");
    m.append("Every ratio has one denominator: the best epoch-end clean test accuracy of the run trained to the "
        + "end (Rote only watches it; its stop is recorded, not obeyed), for Rote and for the baseline alike. "
        + "\"Rote kept\" is the model Rote leaves you with: what the trainer restores at the stop (the mean of "
        + "the epoch-end checkpoints in the signal's restore window, `signal_window`, else the checkpoint "
        + "closest to the restore step; runs recorded without a `signal_window` measurement, before the "
        + "trainer restored the window, record the closest checkpoint), or the final model when Rote never "
        + "stopped; \"at stop step\" is the model at the stop itself. The baseline is DL4J's early stopping on a validation split of the "
        + "noisy training data, keeping its best validation loss. Targets: clean runs are never stopped below "
        + "99% of the best, in every run (a clean run Rote never stopped meets it, whatever its last epoch "
        + "scored); noisy runs (20-60%, symmetric and asymmetric) keep >= 98% in >= 90% of the runs and "
        + "on average at least the baseline.\n\n");
    Map<String, List<ExperimentRun>> byCell = byCell(results.runs());
    m.append("## Verdicts per cell\n\n");
    link(m, plotLinks, OVERVIEW_PNG, "Share of the best accuracy kept, per cell");
    m.append(VERDICT_HEADER);
    byCell.forEach((cell, runs) -> m.append(verdictRow(cell, runs)).append('\n'));
    m.append("\n## Restore policies\n\n")
        .append("Mean share of the run's best clean test accuracy, over the runs Rote stopped, of the model each "
            + "restore policy gives from the checkpoints held at the signal (`closest`: the step checkpoint "
            + "closest to the restore step; `average_steps_R`: the mean of the step checkpoints within R steps; "
            + "`average_epochs_K`: the mean of the K epoch-end checkpoints centered on the restore step, "
            + "batch-norm running statistics averaged with the weights), next to the model at the stop step and "
            + "the baseline's; in parentheses the runs at >= 98% of the best.\n\n");
    m.append(policyTable(byCell));
    for (Map.Entry<String, List<ExperimentRun>> cell : byCell.entrySet()) {
      List<ExperimentRun> runs = cell.getValue();
      m.append("\n## Cell `").append(cell.getKey()).append("`\n\n");
      if (runs.get(0).cellSettings() != null) {
        m.append(oneLine(runs.get(0).cellSettings())).append("\n\n");
      }
      Map<String, List<ExperimentRun>> byNoise = byNoise(runs);
      m.append(SUMMARY_HEADER);
      byNoise.values().forEach(r -> m.append(summaryRow(r)).append('\n'));
      m.append('\n').append(PER_RUN_HEADER);
      byNoise.values().stream().flatMap(List::stream).forEach(r -> m.append(runRow(r)).append('\n'));
      m.append('\n');
      for (List<ExperimentRun> r : byNoise.values()) {
        link(m, plotLinks, ResultsPlots.fileName(cell.getKey(), r.get(0)),
            "Clean test accuracy, " + cell.getKey() + ", " + r.get(0).noiseLabel());
      }
    }
    return m.toString();
  }

  static String verdictRow(String cell, List<ExperimentRun> runs) {
    Targets.Verdict v = Targets.verdict(runs);
    String settings = runs.get(0).cellSettings() == null ? Format.NONE : oneLine(runs.get(0).cellSettings())
        .replace("|", "/");
    return row("`" + cell + "`", settings, Integer.toString(runs.size()), count(v.cleanMet(), v.cleanRuns()),
        count(v.noisyMet(), v.noisyRuns()), ratio(v.meanKept()), ratio(v.meanBaseline()), verdict(v.met()));
  }

  static String summaryRow(List<ExperimentRun> runs) {
    Targets.Verdict v = Targets.verdict(runs);
    long stopped = runs.stream().filter(r -> r.stopStep() != null).count();
    long baselineStopped = runs.stream().filter(r -> r.baselineStopStep() != null).count();
    Double kept = Targets.mean(runs.stream().map(r -> Targets.ofBest(Targets.kept(r), r)).toList());
    Double atStop = Targets.mean(runs.stream().map(r -> Targets.ofBest(r.testAccAtStopStep(), r)).toList());
    Double baseline = Targets.mean(runs.stream().map(r -> Targets.ofBest(Targets.baselineDelivered(r), r)).toList());
    long met = runs.stream().filter(r -> Targets.runMet(r).orElse(false)).count();
    boolean anyTarget = runs.stream().anyMatch(r -> Targets.runMet(r).isPresent());
    return row(runs.get(0).noiseLabel(), Integer.toString(runs.size()), stopped + "/" + runs.size(), ratio(kept),
        ratio(atStop), baselineStopped + "/" + runs.size(), ratio(baseline),
        anyTarget ? met + "/" + runs.size() : Format.NONE, verdict(v.met()));
  }

  static String runRow(ExperimentRun r) {
    return row(r.noiseLabel(), Long.toString(r.seed()), step(r.stopStep()), step(r.restoreStep()),
        accuracy(Targets.kept(r)), accuracy(r.testAccAtStopStep()), accuracy(r.bestTestAcc()) + " (" + r.bestStep()
            + ")", accuracy(r.finalTestAcc()), ratio(Targets.ofBest(Targets.kept(r), r)), step(r.baselineStopStep()),
        accuracy(Targets.baselineDelivered(r)), ratio(Targets.ofBest(Targets.baselineDelivered(r), r)),
        verdict(Targets.runMet(r)));
  }

  /** Rows per cell and noise condition with stopped runs; a column per restore policy measured anywhere. */
  static String policyTable(Map<String, List<ExperimentRun>> byCell) {
    Set<String> policies = new LinkedHashSet<>();
    byCell.values().forEach(runs -> runs.forEach(r -> r.restores().forEach(p -> policies.add(p.policy()))));
    // Results written before restore policies were recorded carry one averaged restore of their own.
    boolean older = byCell.values().stream().flatMap(List::stream)
        .anyMatch(r -> r.restores().isEmpty() && r.testAccAtRestoreAverage() != null);
    StringBuilder t = new StringBuilder("| cell | noise | Rote stopped | at stop step |");
    policies.forEach(p -> t.append(" `").append(p).append("` |"));
    t.append(older ? " `test_acc_at_restore_average` |" : "").append(" baseline |\n|---|---|---:|---:|")
        .append("---:|".repeat(policies.size() + (older ? 1 : 0))).append("---:|\n");
    boolean any = false;
    for (Map.Entry<String, List<ExperimentRun>> cell : byCell.entrySet()) {
      for (List<ExperimentRun> runs : byNoise(cell.getValue()).values()) {
        List<ExperimentRun> stopped = runs.stream().filter(r -> r.stopStep() != null).toList();
        if (stopped.isEmpty()) {
          continue;
        }
        any = true;
        List<String> cells = new ArrayList<>(List.of("`" + cell.getKey() + "`", runs.get(0).noiseLabel(),
            stopped.size() + "/" + runs.size(), policyCell(stopped, ExperimentRun::testAccAtStopStep)));
        policies.forEach(p -> cells.add(policyCell(stopped, r -> r.restoreAcc(p))));
        if (older) {
          cells.add(policyCell(stopped, ExperimentRun::testAccAtRestoreAverage));
        }
        cells.add(policyCell(stopped, Targets::baselineDelivered));
        t.append(row(cells.toArray(String[]::new))).append('\n');
      }
    }
    return any ? t.toString() : "No run was stopped.\n";
  }

  private static String policyCell(List<ExperimentRun> runs, java.util.function.Function<ExperimentRun, Double> acc) {
    List<Double> ratios = runs.stream().map(r -> Targets.ofBest(acc.apply(r), r)).toList();
    long near = ratios.stream().filter(x -> x != null && x >= Targets.NOISY_TO_BEST - 1e-9).count();
    long measured = ratios.stream().filter(x -> x != null).count();
    return measured == 0 ? Format.NONE : ratio(Targets.mean(ratios)) + " (" + near + "/" + measured + ")";
  }

  private static void link(StringBuilder m, Map<String, String> links, String name, String alt) {
    String link = links.get(name);
    if (link != null) {
      m.append("![").append(alt).append("](").append(link.contains(" ") ? "<" + link + ">" : link).append(")\n\n");
    }
  }

  /** Runs by cell, cells in the order they first ran. */
  static Map<String, List<ExperimentRun>> byCell(List<ExperimentRun> runs) {
    return runs.stream().collect(Collectors.groupingBy(ExperimentRun::cellName, LinkedHashMap::new,
        Collectors.toList()));
  }

  /** A cell's runs by noise condition (clean, then symmetric, then asymmetric, by level), seeds ascending. */
  static Map<String, List<ExperimentRun>> byNoise(List<ExperimentRun> runs) {
    Comparator<ExperimentRun> order = Comparator.comparing((ExperimentRun r) -> "asymmetric".equals(r.noiseMode()))
        .thenComparingDouble(ExperimentRun::labelNoise);
    Map<String, List<ExperimentRun>> out = new LinkedHashMap<>();
    runs.stream().sorted(order.thenComparingLong(ExperimentRun::seed))
        .forEach(r -> out.computeIfAbsent(r.noiseLabel(), k -> new ArrayList<>()).add(r));
    return out;
  }

  private static String count(int met, int of) {
    return of == 0 ? Format.NONE : met + "/" + of;
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
