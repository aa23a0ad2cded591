package dev.rote.cli;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.SuspectAnalysis;
import dev.rote.analyzer.math.SuspectScore;
import dev.rote.contract.ExampleIdSpace;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.TrainOptions;
import dev.rote.reference.TrainingSet;
import dev.rote.reference.data.IdxDataset;
import dev.rote.replay.RunCatalog;
import dev.rote.replay.RunTopics;
import dev.rote.report.SuspectsResults.Accuracy;
import dev.rote.report.SuspectsResults.Payoff;
import dev.rote.trainer.TelemetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The payoff of the suspect ranking: export the cleaned data from a noisy run's ranking, exactly as
 * {@code ./rote suspects --export-clean / --export-relabel} writes it, and train again on it with
 * the same settings and seed ({@code ./rote train --keep-ids / --relabel}), the full loop watching.
 */
final class SuspectPayoff {

  private SuspectPayoff() {}

  /**
   * @param noisy the noisy run's options (its run id names the exported files)
   * @param noisyTrainer the noisy run's trainer: its labels are the ground truth of the counts
   * @param noisyResult how the noisy run went (the baseline)
   * @param ranking the noisy run's ranking of every example, at its stop step or its end
   * @param rankedAt {@code stop} or {@code end}
   * @param dir where the exported files go
   */
  static Payoff measure(LocalPipeline pipeline, MeterRegistry registry, IdxDataset dataset, TrainOptions noisy,
      ReferenceTrainer noisyTrainer, ReferenceTrainer.Result noisyResult, SuspectRanking ranking, String rankedAt,
      Path dir, PrintStream o) throws IOException {
    String runId = noisy.telemetry().runId();
    Path keep = dir.resolve(runId + "-keep.txt");
    Path relabel = dir.resolve(runId + "-relabel.csv");
    double threshold = SuspectScore.SUSPECT_THRESHOLD;
    SuspectExports.Written w = SuspectExports.write(ranking, dataset.trainSize(), false, threshold, keep, relabel);
    boolean[] flipped = noisyTrainer.labels().flipped();
    int[] clean = dataset.trainLabels();
    int suspectsFlipped = (int) w.suspects().keySet().stream().filter(id -> flipped[(int) (long) id]).count();
    int relabeledFlipped = (int) w.relabels().keySet().stream().filter(id -> flipped[(int) (long) id]).count();
    int relabeledCorrect = (int) w.relabels().entrySet().stream()
        .filter(e -> e.getValue()[1] == clean[(int) (long) e.getKey()]).count();
    o.printf(Locale.ROOT, "  export (ranking at the %s, step %d, score above %.1f): %d suspects, %d of them flipped "
            + "(%d clean examples thrown away, %d flipped labels left in); %d relabeled, %d of them to the true class%n",
        rankedAt, ranking.getStep(), threshold, w.suspects().size(), suspectsFlipped,
        w.suspects().size() - suspectsFlipped, noisyTrainer.labels().flippedCount() - suspectsFlipped,
        w.relabels().size(), relabeledCorrect);
    o.printf("  retraining without the suspects (%s)%n", keep);
    Accuracy cleaned = retrain(pipeline, registry, dataset, noisy, runId + "-cleaned",
        new TrainingSet.Selection(keep, null), o);
    o.printf("  retraining with the suspects relabeled (%s)%n", relabel);
    Accuracy relabeledRun = retrain(pipeline, registry, dataset, noisy, runId + "-relabeled",
        new TrainingSet.Selection(null, relabel), o);
    Accuracy baseline = accuracy(pipeline, runId, noisyTrainer.trainingSet(), noisyResult);
    o.printf(Locale.ROOT, "  clean test accuracy, final / best epoch / at Rote's stop: noisy %s, without the "
        + "suspects %s, relabeled %s%n", describe(baseline), describe(cleaned), describe(relabeledRun));
    return new Payoff(threshold, rankedAt, ranking.getStep(), w.suspects().size(), suspectsFlipped,
        w.relabels().size(), relabeledFlipped, relabeledCorrect, baseline, cleaned, relabeledRun);
  }

  private static Accuracy retrain(LocalPipeline pipeline, MeterRegistry registry, IdxDataset dataset,
      TrainOptions noisy, String runId, TrainingSet.Selection selection, PrintStream o) {
    TelemetryConfig t = noisy.telemetry();
    TrainOptions opts = new TrainOptions(noisy.data(), noisy.labelNoise(), noisy.noiseSeed(), noisy.randomLabels(),
        noisy.trainSize(), noisy.epochs(), noisy.batchSize(), noisy.hidden(), noisy.learningRate(), noisy.seed(),
        noisy.probePerClass(), new TelemetryConfig(runId, t.summaryEvery(), t.layerStatsEvery(),
            t.sensitivityEvery(), t.probeEvery(), t.maxBufferedBytes(), t.closeTimeout()),
        noisy.model(), noisy.optimization(), noisy.noiseMode(), noisy.noisePairs());
    ReferenceTrainer trainer = new ReferenceTrainer(opts, dataset, selection);
    o.println("  " + trainer.trainingSet().describe());
    ReferenceTrainer.Result r = SuspectsExperimentCommand.train(pipeline, registry, trainer, opts, o);
    Accuracy a = accuracy(pipeline, runId, trainer.trainingSet(), r);
    o.printf("  %s on %s: metadata says %s, %d examples per epoch, ids in [0, %d)%n", runId,
        Topics.RUNS.name(), a.trainedOn(), a.trainSize(), a.idSpace());
    // the analyzer's own validation of the run's telemetry against the ids it declares
    SuspectAnalysis analysis = new SuspectAnalysis(AnalyzerConfig.defaults(), a.idSpace());
    RunTopics.scan(pipeline.kafka(), Topics.TELEMETRY, runId, rec -> analysis.apply(rec.value(), 0));
    o.printf("  %s: the analysis ranks %d examples, rejected %d telemetry records%n", runId,
        analysis.ranking(1).getExamples(), analysis.rejected());
    return a;
  }

  /**
   * The run's accuracy, with what it trained on as its metadata on {@code rote.runs} says (read
   * back, so the numbers are the ones the analyzer and the alerting service go by).
   */
  static Accuracy accuracy(LocalPipeline pipeline, String runId, TrainingSet set, ReferenceTrainer.Result r) {
    RunMetadata meta = RunCatalog.read(pipeline.kafka()).value().get(runId);
    if (meta == null) {
      throw new IllegalStateException("run " + runId + " published no metadata to " + Topics.RUNS.name());
    }
    String trainedOn = meta.containsHyperparameters("keep_ids") ? "keep_ids " + meta.getHyperparametersOrThrow("keep_ids")
        : meta.containsHyperparameters("relabel") ? "relabel " + meta.getHyperparametersOrThrow("relabel") + " ("
            + meta.getHyperparametersOrDefault("relabeled", "?") + " relabeled)"
        : "all";
    List<Double> curve = r.testAccuracy().stream().map(p -> p[1]).toList();
    int bestEpoch = 0;
    for (int i = 0; i < curve.size(); i++) {
      bestEpoch = curve.get(i) > curve.get(bestEpoch) ? i : bestEpoch;
    }
    Double atStop = null;
    if (r.stopStep() >= 0) {
      double a = r.restoredStep() >= 0 ? r.testAccuracyAtRestore() : r.testAccuracyAtStop();
      atStop = Double.isNaN(a) ? null : a;
    }
    return new Accuracy(runId, trainedOn, (int) meta.getDataset().getTrainSize(), ExampleIdSpace.of(meta),
        set.flippedTrained(), curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1),
        curve.isEmpty() ? Double.NaN : curve.get(bestEpoch), bestEpoch + 1, atStop,
        r.stopStep() >= 0 ? r.stopStep() : null, curve);
  }

  private static String describe(Accuracy a) {
    return String.format(Locale.ROOT, "%.4f / %.4f (epoch %d) / %s", a.finalAcc(), a.best(), a.bestEpoch(),
        a.atStop() == null ? "no stop" : String.format(Locale.ROOT, "%.4f", a.atStop()));
  }
}
