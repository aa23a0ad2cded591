package dev.rote.analyzer;

import dev.rote.analyzer.internal.RunComputation;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Telemetry;
import java.util.List;

/**
 * The analyzer's computation for one run, in this process and record by record: the same
 * validation, per-run state and indicators as the Kafka Streams topology ({@link AnalyzerTopology}),
 * for replays and backtests that must not touch the live services. The same telemetry in the same
 * order gives the same indicators, bit for bit.
 *
 * <p>Records the topology would dead-letter (invalid step, no payload, non-finite values, ...) are
 * skipped here and counted in {@link #rejected()}. Not thread-safe: one instance per run.
 */
public final class RunAnalysis {

  private final RunComputation computation;

  /**
   * @param config the analyzer's settings (window, emission cadence, NMF ranks, limits)
   * @param nmf also factorize probe activations (costly); without it NMF indicators are left out
   */
  public RunAnalysis(AnalyzerConfig config, boolean nmf) {
    this.computation = new RunComputation(config, nmf);
  }

  /** The indicators one telemetry record produces: batch ones first, then NMF ones of a probe record. */
  public List<Indicator> apply(Telemetry telemetry) {
    return computation.apply(telemetry);
  }

  /** Records skipped as invalid so far. */
  public long rejected() {
    return computation.rejected();
  }
}
