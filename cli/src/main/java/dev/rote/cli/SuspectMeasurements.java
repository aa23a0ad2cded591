package dev.rote.cli;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.SuspectAnalysis;
import dev.rote.analyzer.SuspectEvaluation;
import dev.rote.contract.ExampleIdSpace;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.contract.v1.Telemetry;
import dev.rote.replay.Recording;
import dev.rote.replay.RunTopics;
import dev.rote.report.SuspectsResults.Measure;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Measures, with the analyzer's own computation, how well each statistic of a finished evaluation
 * run ranks the labels the trainer flipped: at every epoch's end, at Rote's stop step and at the
 * end. Reads the run's telemetry back from Kafka, or from a recording ({@code ./rote record}).
 * Keeps the ranking at the stop step (the end without one), the one a user would export.
 */
final class SuspectMeasurements {

  final List<Measure> measures = new ArrayList<>();
  SuspectRanking atStop;
  SuspectRanking atEnd;

  private final SuspectAnalysis analysis;
  private final long stopStep;
  private int epoch = -1;

  private SuspectMeasurements(long stopStep, long declaredTrainSize) {
    this.analysis = new SuspectAnalysis(AnalyzerConfig.defaults(), declaredTrainSize);
    this.stopStep = stopStep;
  }

  /**
   * @param stopStep the step after which Rote's stop signal arrived, or -1
   */
  static SuspectMeasurements of(KafkaSettings kafka, String runId, long stopStep, long declaredTrainSize) {
    SuspectMeasurements m = new SuspectMeasurements(stopStep, declaredTrainSize);
    RunTopics.Slice<Telemetry> slice = RunTopics.scan(kafka, Topics.TELEMETRY, runId, r -> m.accept(r.value()));
    if (!slice.unreadable().isEmpty()) {
      throw new IllegalStateException("run " + runId + ": unreadable telemetry " + slice.unreadable());
    }
    m.finish(runId);
    return m;
  }

  /**
   * The same measurements on a recorded run, with the training-set size its metadata declares.
   *
   * @param stopStep the step of Rote's stop (e.g. from a backtest of the recording), or -1
   */
  static SuspectMeasurements of(Recording recording, long stopStep) {
    long declared = ExampleIdSpace.of(recording.metadata());
    SuspectMeasurements m = new SuspectMeasurements(stopStep, declared);
    recording.telemetry().forEach(m::accept);
    m.finish(recording.runId());
    return m;
  }

  private void accept(Telemetry t) {
    if (!t.hasBatch()) {
      return;
    }
    if (epoch >= 0 && t.getEpoch() != epoch) {
      measure(analysis.ranking(Integer.MAX_VALUE), "epoch", epoch);
    }
    if (atStop == null && stopStep >= 0 && t.getStep() > stopStep) {
      atStop = analysis.ranking(Integer.MAX_VALUE);
      measure(atStop, "stop", epoch);
    }
    epoch = t.getEpoch();
    analysis.apply(t, 0);
  }

  private void finish(String runId) {
    List<SuspectAnalysis.Missing> missing = analysis.missing();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("run " + runId + ": cannot rank its training examples: "
          + missing.stream().map(SuspectAnalysis.Missing::message).collect(Collectors.joining("; ")));
    }
    if (analysis.rejected() > 0) {
      throw new IllegalStateException("run " + runId + ": the analysis rejected " + analysis.rejected() + " records");
    }
    atEnd = analysis.ranking(Integer.MAX_VALUE);
    measure(atEnd, "epoch", epoch);
    measure(atEnd, "end", epoch);
    if (atStop == null && stopStep >= 0) { // the stop came after the last step published
      atStop = atEnd;
      measure(atStop, "stop", epoch);
    }
  }

  private void measure(SuspectRanking ranking, String moment, int epoch) {
    SuspectEvaluation.Result e = SuspectEvaluation.of(ranking).orElseThrow(() -> new IllegalStateException(
        "the ranking at step " + ranking.getStep() + " carries no ground truth (ExampleColumns.noisy: the run "
            + "did not publish which labels were flipped) or no flipped label"));
    for (SuspectEvaluation.Quality q : e.qualities()) {
      measures.add(new Measure(ranking.getStep(), epoch, moment, q.statistic().label(), q.auroc(),
          q.precisionAtNoiseRate()));
    }
  }
}
