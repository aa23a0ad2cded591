package dev.rote.report;

import static dev.rote.report.internal.Format.accuracy;

import dev.rote.report.SuspectsResults.Accuracy;
import dev.rote.report.SuspectsResults.Measure;
import dev.rote.report.SuspectsResults.Payoff;
import dev.rote.report.SuspectsResults.Run;
import dev.rote.report.internal.Charts;
import dev.rote.report.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Renders {@link SuspectsResults} as a Markdown page: per setting, each statistic's AUROC and
 * precision at the true noise rate at Rote's stop step and at the end of training (mean over seeds,
 * with the range), a plot of AUROC over training, and the payoff of retraining on the cleaned data.
 */
public final class SuspectsReport {

  public static final int PLOT_WIDTH = 900;
  public static final int PLOT_HEIGHT = 420;

  private SuspectsReport() {}

  public static void writeJson(SuspectsResults results, Path file) throws IOException {
    Json.write(results, file);
  }

  public static SuspectsResults readJson(Path file) throws IOException {
    return Json.read(file, SuspectsResults.class);
  }

  /** Writes the page to {@code page} and its plots to {@code plotDir} (linked by relative path). */
  public static void write(SuspectsResults results, Path page, Path plotDir) throws IOException {
    Files.createDirectories(plotDir);
    Path pageDir = page.toAbsolutePath().getParent();
    Files.createDirectories(pageDir);
    StringBuilder md = new StringBuilder();
    md.append("# Suspect labels: which statistic finds the flipped labels\n\n")
        .append("Produced by `").append(results.command()).append("` on ").append(results.machine()).append(", ")
        .append(results.date()).append(".\n\nSettings: ").append(results.settings()).append(".\n\n")
        .append("AUROC: the probability that a flipped label ranks above a clean one. Precision: among the as many "
            + "most suspect examples as labels were flipped, the share that were flipped. Mean over seeds, the "
            + "range in brackets. *stop*: Rote's stop step (observed; the run trained on to the end); *end*: the "
            + "last step.\n\n");
    Map<String, List<Run>> bySetting = new LinkedHashMap<>();
    results.runs().forEach(r -> bySetting.computeIfAbsent(r.setting(), k -> new ArrayList<>()).add(r));
    for (Map.Entry<String, List<Run>> e : bySetting.entrySet()) {
      List<Run> runs = e.getValue();
      md.append("## ").append(e.getKey()).append(" (").append(runs.size()).append(runs.size() == 1 ? " seed" : " seeds")
          .append(")\n\n");
      md.append("| statistic | AUROC at stop | precision at stop | AUROC at end | precision at end | best AUROC of any epoch |\n")
          .append("|---|---:|---:|---:|---:|---:|\n");
      for (String statistic : statistics(runs)) {
        md.append("| ").append(statistic.equals("score") ? "**score**" : statistic).append(" | ")
            .append(summary(runs, "stop", statistic, true)).append(" | ").append(summary(runs, "stop", statistic, false))
            .append(" | ").append(summary(runs, "end", statistic, true)).append(" | ")
            .append(summary(runs, "end", statistic, false)).append(" | ").append(bestEpoch(runs, statistic))
            .append(" |\n");
      }
      md.append('\n').append(stops(runs)).append('\n');
      String file = "auroc-" + slug(e.getKey()) + ".png";
      Files.write(plotDir.resolve(file), plot(e.getKey(), runs));
      md.append("![AUROC over training, ").append(e.getKey()).append("](")
          .append(pageDir.relativize(plotDir.toAbsolutePath().resolve(file)).toString().replace('\\', '/'))
          .append(")\n\n");
    }
    List<Run> paid = results.runs().stream().filter(r -> r.payoff() != null).toList();
    if (!paid.isEmpty()) {
      md.append(payoff(paid, pageDir, plotDir));
    }
    Files.writeString(page, md, StandardCharsets.UTF_8);
  }

  /** The payoff section: what the export removed and fixed, the three runs' accuracy, one plot per run. */
  static String payoff(List<Run> paid, Path pageDir, Path plotDir) throws IOException {
    StringBuilder md = new StringBuilder("## Payoff: retraining on the cleaned data\n\n")
        .append("The ranking at Rote's stop step (at the end where no stop came) splits the training set at the "
            + "threshold, exported as `./rote suspects --export-clean` and `--export-relabel` write it; the same "
            + "settings and seed then train again (`./rote train --keep-ids`, `--relabel`) on the data without the "
            + "suspects, and on the data with each suspect relabeled as the class the network predicted most for "
            + "it. The baseline is the noisy run itself (the same data, settings and seed). Clean test accuracy: "
            + "at the end of training / of the best epoch (which) / of the model Rote's stop would leave you "
            + "with (the checkpoint its signal recommends; observed, every run trained to the end).\n\n")
        .append("| setting | seed | ranked at | suspects | flipped among them | clean thrown away | flipped left in "
            + "| relabeled: flipped / to the true class | noisy data | without the suspects | relabeled |\n"
            + "|---|---:|---|---:|---:|---:|---:|---:|---|---|---|\n");
    for (Run r : paid) {
      Payoff p = r.payoff();
      md.append("| ").append(r.setting()).append(" | ").append(r.seed()).append(" | ").append(p.rankedAt())
          .append(" (step ").append(p.rankedStep()).append(") | ").append(p.suspects()).append(" | ")
          .append(p.suspectsFlipped()).append(String.format(Locale.ROOT, " (%.1f%%)",
              p.suspects() == 0 ? 0 : 100.0 * p.suspectsFlipped() / p.suspects())).append(" | ")
          .append(p.suspects() - p.suspectsFlipped()).append(" | ").append(r.flipped() - p.suspectsFlipped())
          .append(" of ").append(r.flipped()).append(" | ").append(p.relabeled()).append(": ")
          .append(p.relabeledFlipped()).append(" / ").append(p.relabeledCorrect()).append(" | ")
          .append(acc(p.noisy())).append(" | ").append(acc(p.cleaned())).append(" | ").append(acc(p.relabeledRun()))
          .append(" |\n");
    }
    md.append('\n');
    for (Run r : paid) {
      String file = "payoff-" + slug(r.setting()) + "-seed-" + r.seed() + ".png";
      Files.write(plotDir.resolve(file), payoffPlot(r));
      md.append("![Clean test accuracy per epoch, ").append(r.setting()).append(", seed ").append(r.seed())
          .append("](").append(pageDir.relativize(plotDir.toAbsolutePath().resolve(file)).toString().replace('\\', '/'))
          .append(")\n\n");
    }
    return md.toString();
  }

  /** Clean test accuracy after each epoch of the noisy run and its two retrained runs. */
  static byte[] payoffPlot(Run r) {
    Payoff p = r.payoff();
    Map<String, List<Point>> series = new LinkedHashMap<>();
    series.put("noisy data (" + p.noisy().trainSize() + " examples)", curve(p.noisy()));
    series.put("without the suspects (" + p.cleaned().trainSize() + ")", curve(p.cleaned()));
    series.put("suspects relabeled (" + p.relabeledRun().trainSize() + ")", curve(p.relabeledRun()));
    return Charts.png(PLOT_WIDTH, PLOT_HEIGHT, "Clean test accuracy, " + r.setting() + ", seed " + r.seed(), "epoch",
        "clean test accuracy", series, List.of());
  }

  private static List<Point> curve(Accuracy a) {
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < a.curve().size(); i++) {
      points.add(new Point(i + 1, a.curve().get(i)));
    }
    return points;
  }

  private static String acc(Accuracy a) {
    if (a == null) {
      return "-";
    }
    return accuracy(a.finalAcc()) + " / " + accuracy(a.best()) + " (" + a.bestEpoch() + ") / "
        + (a.atStop() == null ? "no stop" : accuracy(a.atStop()));
  }

  private static Set<String> statistics(List<Run> runs) {
    Set<String> out = new LinkedHashSet<>();
    runs.forEach(r -> r.measures().forEach(m -> out.add(m.statistic())));
    return out;
  }

  private static String summary(List<Run> runs, String moment, String statistic, boolean auroc) {
    DoubleSummaryStatistics s = new DoubleSummaryStatistics();
    for (Run r : runs) {
      r.measures().stream().filter(m -> m.moment().equals(moment) && m.statistic().equals(statistic)).findFirst()
          .ifPresent(m -> s.accept(auroc ? m.auroc() : m.precision()));
    }
    if (s.getCount() == 0) {
      return "-";
    }
    return s.getCount() == 1 ? String.format(Locale.ROOT, "%.3f", s.getAverage())
        : String.format(Locale.ROOT, "%.3f (%.3f–%.3f)", s.getAverage(), s.getMin(), s.getMax());
  }

  private static String bestEpoch(List<Run> runs, String statistic) {
    DoubleSummaryStatistics s = new DoubleSummaryStatistics();
    for (Run r : runs) {
      r.measures().stream().filter(m -> m.moment().equals("epoch") && m.statistic().equals(statistic))
          .mapToDouble(Measure::auroc).max().ifPresent(s::accept);
    }
    return s.getCount() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", s.getAverage());
  }

  private static String stops(List<Run> runs) {
    StringBuilder b = new StringBuilder("Stop steps: ");
    for (int i = 0; i < runs.size(); i++) {
      Run r = runs.get(i);
      b.append(i == 0 ? "" : ", ").append("seed ").append(r.seed()).append(": ")
          .append(r.stopStep() == null ? "no stop" : String.format(Locale.ROOT, "step %d (epoch %.1f)", r.stopStep(),
              (double) r.stopStep() / r.stepsPerEpoch()))
          .append(" of ").append(r.steps());
    }
    return b.append(". ").append(runs.get(0).flipped()).append(" flipped labels of ").append(runs.get(0).trainSize())
        .append(" (seed ").append(runs.get(0).seed()).append(").\n").toString();
  }

  /** AUROC of each statistic at each epoch end, averaged over the runs by epoch; the first run's stop. */
  static byte[] plot(String setting, List<Run> runs) {
    Map<String, TreeMap<Integer, double[]>> byStatistic = new LinkedHashMap<>();
    TreeMap<Integer, Long> stepOfEpoch = new TreeMap<>();
    for (Run r : runs) {
      for (Measure m : r.measures()) {
        if (m.moment().equals("epoch")) {
          double[] acc = byStatistic.computeIfAbsent(m.statistic(), k -> new TreeMap<>())
              .computeIfAbsent(m.epoch(), k -> new double[2]);
          acc[0] += m.auroc();
          acc[1]++;
          stepOfEpoch.putIfAbsent(m.epoch(), m.step());
        }
      }
    }
    Map<String, List<Point>> series = new LinkedHashMap<>();
    byStatistic.forEach((statistic, epochs) -> {
      List<Point> points = new ArrayList<>();
      epochs.forEach((epoch, acc) -> points.add(new Point(stepOfEpoch.get(epoch), acc[0] / acc[1])));
      series.put(statistic, points);
    });
    List<Charts.VLine> lines = new ArrayList<>();
    for (Run r : runs) {
      if (r.stopStep() != null) {
        lines.add(new Charts.VLine(r.stopStep(), "Rote stop, seed " + r.seed(), false, null));
      }
    }
    return Charts.png(PLOT_WIDTH, PLOT_HEIGHT, "AUROC against the flipped labels, " + setting
        + (runs.size() > 1 ? " (mean of " + runs.size() + " seeds)" : ""), "AUROC", series, lines);
  }

  static String slug(String setting) {
    return setting.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }
}
