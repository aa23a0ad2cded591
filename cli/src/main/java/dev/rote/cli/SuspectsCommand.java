package dev.rote.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rote.analyzer.SuspectEvaluation;
import dev.rote.analyzer.math.SuspectScore;
import dev.rote.contract.ExampleIdSpace;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.Suspect;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.replay.Read;
import dev.rote.replay.RunCatalog;
import dev.rote.replay.RunSuspects;
import dev.rote.replay.Unreadable;
import dev.rote.service.KafkaOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "suspects", mixinStandardHelpOptions = true,
    description = {"Rank a run's training examples by how likely their labels are wrong (suspect labels), "
        + "from the per-example statistics of its telemetry: presentations, wrong events, forgetting events, "
        + "first step learned, mean margin (AUM), last loss, and the label the network predicts most.",
        "Works while the run trains (the ranking so far) and after it ended; when retention deleted the "
        + "telemetry, shows the last top the analyzer published to rote.suspects."})
final class SuspectsCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "RUN_ID", description = "The run whose examples to rank.")
  String runId;

  static final class Size {
    @Option(names = "--top", paramLabel = "N", description = "Show the N most suspect examples (default: 20).")
    Integer top;

    @Option(names = "--all", description = "Show every example the run presented, most suspect first.")
    boolean all;
  }

  @ArgGroup(exclusive = true) Size size = new Size();

  @Option(names = "--json", description = "Print the ranking as JSON.")
  boolean json;

  @Option(names = "--csv", description = "Print the ranking as CSV.")
  boolean csv;

  @Option(names = "--threshold", paramLabel = "SCORE", defaultValue = "0.5",
      description = "Examples scored above this are suspects for --export-clean and --export-relabel "
          + "(default: ${DEFAULT-VALUE}: the network disagreed with the label in more than half of the presentations).")
  double threshold;

  @Option(names = "--export-clean", paramLabel = "FILE",
      description = "Write the ids of the examples to keep (every training example but the suspects), one per "
          + "line, for retraining on the cleaned data (./rote train --keep-ids FILE).")
  Path exportClean;

  @Option(names = "--export-relabel", paramLabel = "FILE",
      description = "Write CSV example_id,label,suggested_label,score for the suspects whose most predicted label "
          + "differs from their label (./rote train --relabel FILE).")
  Path exportRelabel;

  @Override
  public Integer call() throws IOException {
    if (json && csv) {
      throw new IllegalArgumentException("--json and --csv cannot be combined");
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("--threshold must be in [0, 1], was " + threshold);
    }
    int top = size.all ? Integer.MAX_VALUE : size.top == null ? 20 : size.top;
    if (top < 1) {
      throw new IllegalArgumentException("--top must be >= 1, was " + top);
    }
    boolean export = exportClean != null || exportRelabel != null;
    KafkaSettings settings = kafka.connect(Duration.ofSeconds(15));
    PrintStream info = json || csv ? System.err : System.out;
    Read<Map<String, RunMetadata>> catalog = RunCatalog.read(settings);
    RunSuspects.Result r = RunSuspects.read(settings, catalog.value(), runId);
    List<Unreadable> unreadable = new ArrayList<>(catalog.unreadable());
    unreadable.addAll(r.unreadable());
    if (!unreadable.isEmpty()) {
      info.println(Unreadable.summary(unreadable));
    }
    SuspectRanking ranking = r.ranking();
    if (r.rejected() > 0) {
      info.println(RunSuspects.rejected(r.rejected()));
    }
    r.gap().ifPresent(g -> info.printf("steps %d..%d are gone from %s (retention): the statistics start at step %d%n",
        g.fromStep(), g.toStep(), Topics.TELEMETRY.name(), g.toStep() + 1));
    if (r.source() == RunSuspects.Source.TOPIC) {
      info.printf("the run's telemetry is gone from %s (retention): showing the last top %d the analyzer "
          + "published to %s%n", Topics.TELEMETRY.name(), ranking.getSuspectsCount(), Topics.SUSPECTS.name());
    }
    if (!r.margins()) {
      info.println("the trainer published no margins (ExampleColumns.margin): the score ranks by wrong events alone");
    }
    List<Suspect> shown = ranking.getSuspectsList().subList(0, Math.min(top, ranking.getSuspectsCount()));
    if (json) {
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(jsonOf(ranking, shown, r)));
    } else if (csv) {
      printCsv(shown, System.out);
    } else {
      printTable(ranking, shown, r, System.out);
    }
    if (export) {
      if (r.source() == RunSuspects.Source.TOPIC) {
        throw new IllegalArgumentException("--export-clean and --export-relabel need the run's telemetry, which "
            + "retention deleted: only the top " + ranking.getSuspectsCount() + " are known");
      }
      export(ranking, r.declaredTrainSize(), ExampleIdSpace.subset(catalog.value().get(runId)), info);
    }
    return 0;
  }

  private void export(SuspectRanking ranking, long declared, boolean subset, PrintStream info) throws IOException {
    SuspectExports.Written w = SuspectExports.write(ranking, declared, subset, threshold, exportClean, exportRelabel);
    if (exportClean != null) {
      info.printf("kept %d examples, left out %d suspects: %s%n", w.keep().length, w.suspects().size(), exportClean);
    }
    if (exportRelabel != null) {
      info.printf("suggested new labels for %d suspects: %s%n", w.relabels().size(), exportRelabel);
    }
  }

  static Map<String, Object> jsonOf(SuspectRanking ranking, List<Suspect> shown, RunSuspects.Result r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("run_id", ranking.getRunId());
    o.put("step", ranking.getStep());
    o.put("epoch", ranking.getEpoch());
    o.put("score", ranking.getScore());
    o.put("examples_ranked", ranking.getExamples());
    o.put("suspected", ranking.getSuspected());
    o.put("source", r.source().name().toLowerCase(Locale.ROOT));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < shown.size(); i++) {
      Suspect s = shown.get(i);
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("rank", i + 1);
      e.put("example_id", s.getExampleId());
      e.put("score", s.getScore());
      e.put("label", s.getLabel());
      e.put("predicted_label", s.getPredictedLabel());
      e.put("label_flipped", s.hasLabelFlipped() ? s.getLabelFlipped() : null);
      e.put("presentations", s.getPresentations());
      e.put("wrong", s.getWrong());
      e.put("forgetting", s.getForgetting());
      e.put("first_learned_step", s.hasFirstLearnedStep() ? s.getFirstLearnedStep() : null);
      e.put("mean_margin", s.hasMeanMargin() ? s.getMeanMargin() : null);
      e.put("last_loss", (double) s.getLastLoss());
      rows.add(e);
    }
    o.put("examples", rows);
    return o;
  }

  static void printCsv(List<Suspect> shown, PrintStream out) {
    out.println("rank,example_id,score,label,predicted_label,label_flipped,presentations,wrong,forgetting,"
        + "first_learned_step,mean_margin,last_loss");
    for (int i = 0; i < shown.size(); i++) {
      Suspect s = shown.get(i);
      out.printf(Locale.ROOT, "%d,%d,%s,%d,%d,%s,%d,%d,%d,%s,%s,%s%n", i + 1, s.getExampleId(), s.getScore(),
          s.getLabel(), s.getPredictedLabel(), s.hasLabelFlipped() ? s.getLabelFlipped() : "",
          s.getPresentations(), s.getWrong(), s.getForgetting(),
          s.hasFirstLearnedStep() ? Long.toString(s.getFirstLearnedStep()) : "",
          s.hasMeanMargin() ? Double.toString(s.getMeanMargin()) : "", s.getLastLoss());
    }
  }

  static void printTable(SuspectRanking ranking, List<Suspect> shown, RunSuspects.Result r, PrintStream out) {
    out.printf(Locale.ROOT, "run %s at step %d (epoch %d): %d examples ranked, %d suspected (score above %.1f); "
        + "score: %s%n", ranking.getRunId(), ranking.getStep(), ranking.getEpoch(), ranking.getExamples(),
        ranking.getSuspected(), SuspectScore.SUSPECT_THRESHOLD, ranking.getScore());
    String fmt = "%5s %10s %7s %6s %9s %7s %6s %6s %7s %11s %11s %9s%n";
    out.printf(fmt, "RANK", "EXAMPLE", "SCORE", "LABEL", "PREDICTED", "FLIPPED", "SEEN", "WRONG", "FORGOT",
        "LEARNED AT", "MEAN MARGIN", "LAST LOSS");
    for (int i = 0; i < shown.size(); i++) {
      Suspect s = shown.get(i);
      out.printf(Locale.ROOT, fmt, i + 1, s.getExampleId(), String.format(Locale.ROOT, "%.4f", s.getScore()),
          s.getLabel(), s.getPredictedLabel(), s.hasLabelFlipped() ? (s.getLabelFlipped() ? "yes" : "no") : "?",
          s.getPresentations(), s.getWrong(), s.getForgetting(),
          s.hasFirstLearnedStep() ? Long.toString(s.getFirstLearnedStep()) : "-",
          s.hasMeanMargin() ? String.format(Locale.ROOT, "%.3f", s.getMeanMargin()) : "-",
          String.format(Locale.ROOT, "%.3f", s.getLastLoss()));
    }
    if (r.groundTruth()) {
      long flipped = shown.stream().filter(Suspect::getLabelFlipped).count();
      out.printf("FLIPPED: ground truth the trainer published (injected label noise): %d of these %d were flipped%n",
          flipped, shown.size());
      SuspectEvaluation.of(ranking).filter(e -> r.source() == RunSuspects.Source.TELEMETRY).ifPresent(e -> out.printf(Locale.ROOT, "against the injected noise, over all %d "
          + "examples: AUROC %.4f, precision at the noise rate (top %d) %.4f%n", e.examples(),
          e.of(SuspectEvaluation.Statistic.SCORE).auroc(), e.flipped(),
          e.of(SuspectEvaluation.Statistic.SCORE).precisionAtNoiseRate()));
    }
  }
}
