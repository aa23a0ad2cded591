package dev.rote.analyzer;

import dev.rote.analyzer.internal.SuspectComputation;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The suspect-label ranking of one run, in this process and record by record: the same validation,
 * per-example statistics and score as the analyzer's {@code suspects} processor (see
 * {@link AnalyzerTopology}), for the {@code suspects} command, experiments and tests. The same
 * telemetry in the same order gives the same rankings.
 *
 * <p>Per training example it keeps the presentations, wrong events, forgetting events, first step
 * learned, mean margin (AUM), last loss and the label predicted most; the ranking orders examples
 * by {@link dev.rote.analyzer.math.SuspectScore}, most suspect first, ties by example id. Records
 * the analyzer would dead-letter are skipped and counted in {@link #rejected()}. Not thread-safe.
 */
public final class SuspectAnalysis {

  /** What a run's telemetry lacks for a ranking. */
  public record Missing(String what, String message) {}

  private final SuspectComputation computation;

  /**
   * @param declaredTrainSize the training-set size the run's metadata declares (example ids at or
   *     above it are rejected), or 0 when unknown
   */
  public SuspectAnalysis(AnalyzerConfig config, long declaredTrainSize) {
    this.computation = new SuspectComputation(config, declaredTrainSize);
  }

  /**
   * Applies one telemetry record of the run.
   *
   * @param top examples in a ranking published now
   * @return the ranking the live analyzer publishes at this record (once per epoch), if it does
   */
  public Optional<SuspectRanking> apply(Telemetry telemetry, int top) {
    return computation.apply(telemetry, top);
  }

  /** The ranking after the records applied so far: the {@code top} most suspect examples, or all. */
  public SuspectRanking ranking(int top) {
    return computation.ranking(top);
  }

  /** Records skipped as invalid so far. */
  public long rejected() {
    return computation.rejected();
  }

  /** Batch summaries applied so far. */
  public long summaries() {
    return computation.summaries();
  }

  /** Whether the batch summaries carried the ground-truth noise flag ({@code ExampleColumns.noisy}). */
  public boolean hasGroundTruth() {
    return computation.summariesWithNoise() > 0;
  }

  /**
   * The per-example telemetry the ranking needs and the run did not publish, in words: no batch
   * summaries; summaries without per-example rows (labels, predictions); rows without example ids.
   * Margins are optional (the score falls back to wrong events alone) and reported apart.
   */
  public List<Missing> missing() {
    List<Missing> out = new ArrayList<>();
    long n = computation.summaries();
    if (n == 0) {
      out.add(new Missing("batch_summaries", "no batch summaries (Telemetry.batch): the trainer published no "
          + "per-step telemetry"));
    } else if (computation.summariesWithRows() == 0) {
      out.add(new Missing("labels", "none of its " + n + " batch summaries carries per-example labels and "
          + "predictions (ExampleColumns.label, ExampleColumns.predicted are empty)"));
    } else if (computation.summariesWithIds() == 0) {
      out.add(new Missing("example_id", "none of its " + n + " batch summaries carries per-example ids "
          + "(ExampleColumns.example_id is empty): give the listener the batch's example ids, or let the trainer "
          + "library assign them (RoteIterators.wrap)"));
    }
    return out;
  }

  /** Whether the summaries carried margins; without them the score ranks by wrong events alone. */
  public boolean hasMargins() {
    return computation.summariesWithMargins() > 0;
  }
}
