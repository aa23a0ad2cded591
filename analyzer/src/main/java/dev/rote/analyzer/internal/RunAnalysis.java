package dev.rote.analyzer.internal;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;

/**
 * The analyzer's computation for one run, in process and record by record: the same validation,
 * state and indicators as the topology, for replays and backtests that must not touch the live
 * services. Invalid records are skipped and counted, as the topology dead-letters them.
 */
public final class RunAnalysis {

  private final TelemetryValidator validator;
  private final Indicators indicators;
  private final boolean nmf;
  private final RunState state = new RunState();
  private long rejected;

  /**
   * @param nmf also factorize probe activations (costly); without it NMF indicators are left out
   */
  public RunAnalysis(AnalyzerConfig config, boolean nmf) {
    this.validator = new TelemetryValidator(config);
    this.indicators = new Indicators(config);
    this.nmf = nmf;
  }

  /** The indicators one record produces: batch ones first, then NMF ones of a probe record. */
  public List<Indicator> apply(Telemetry t) {
    try {
      validator.validate(t.getRunId(), t, state.lastStep);
    } catch (TelemetryValidator.Rejected e) {
      rejected++;
      return List.of();
    }
    List<Indicator> out = new ArrayList<>(indicators.apply(state, t));
    if (nmf && t.hasProbes()) {
      out.addAll(indicators.probes(t));
    }
    return out;
  }

  /** Records skipped as invalid. */
  public long rejected() {
    return rejected;
  }
}
