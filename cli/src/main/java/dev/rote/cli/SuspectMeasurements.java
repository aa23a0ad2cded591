package dev.rote.cli;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.SuspectAnalysis;
import dev.rote.analyzer.SuspectEvaluation;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.contract.v1.Telemetry;
import dev.rote.replay.RunTopics;
import dev.rote.report.SuspectsResults.Measure;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a finished evaluation run's telemetry back from Kafka and measures, with the analyzer's own
 * computation, how well each statistic ranks the labels the trainer flipped: at every epoch's end,
 * at Rote's stop step and at the end. Keeps the ranking at the stop step (the end without one),
 * the one a user would export.
 */
final class SuspectMeasurements {

  final List<Measure> measures = new ArrayList<>();
  SuspectRanking atStop;
  SuspectRanking atEnd;

  /**
   * @param stopStep the step after which Rote's stop signal arrived, or -1
   */
  static SuspectMeasurements of(KafkaSettings kafka, String runId, long stopStep, long declaredTrainSize) {
    SuspectMeasurements m = new SuspectMeasurements();
    SuspectAnalysis analysis = new SuspectAnalysis(AnalyzerConfig.defaults(), declaredTrainSize);
    long[] last = {0};
    int[] epoch = {-1};
    RunTopics.Slice<Telemetry> slice = RunTopics.scan(kafka, Topics.TELEMETRY, runId, r -> {
      Telemetry t = r.value();
      if (!t.hasBatch()) {
        return;
      }
      if (epoch[0] >= 0 && t.getEpoch() != epoch[0]) {
        m.measure(analysis.ranking(Integer.MAX_VALUE), "epoch", epoch[0]);
      }
      if (m.atStop == null && stopStep >= 0 && t.getStep() > stopStep) {
        m.atStop = analysis.ranking(Integer.MAX_VALUE);
        m.measure(m.atStop, "stop", epoch[0]);
      }
      epoch[0] = t.getEpoch();
      last[0] = t.getStep();
      analysis.apply(t, 0);
    });
    if (!slice.unreadable().isEmpty()) {
      throw new IllegalStateException("run " + runId + ": unreadable telemetry " + slice.unreadable());
    }
    if (analysis.rejected() > 0) {
      throw new IllegalStateException("run " + runId + ": the analysis rejected " + analysis.rejected() + " records");
    }
    m.atEnd = analysis.ranking(Integer.MAX_VALUE);
    m.measure(m.atEnd, "epoch", epoch[0]);
    m.measure(m.atEnd, "end", epoch[0]);
    if (m.atStop == null && stopStep >= 0) { // the stop came after the last step published
      m.atStop = m.atEnd;
      m.measure(m.atStop, "stop", epoch[0]);
    }
    return m;
  }

  private void measure(SuspectRanking ranking, String moment, int epoch) {
    SuspectEvaluation.Result e = SuspectEvaluation.of(ranking).orElseThrow(() -> new IllegalStateException(
        "the ranking at step " + ranking.getStep() + " carries no ground truth (or no flipped label)"));
    for (SuspectEvaluation.Quality q : e.qualities()) {
      measures.add(new Measure(ranking.getStep(), epoch, moment, q.statistic().label(), q.auroc(),
          q.precisionAtNoiseRate()));
    }
  }
}
