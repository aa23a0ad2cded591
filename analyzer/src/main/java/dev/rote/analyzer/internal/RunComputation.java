package dev.rote.analyzer.internal;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;

/**
 * The analyzer's computation for one run, record by record, outside Kafka Streams: validation,
 * state and indicators wired as {@link TelemetryProcessor} and {@link NmfProcessor} wire them.
 * Behind the public {@link dev.rote.analyzer.RunAnalysis}.
 */
public final class RunComputation {

  private final TelemetryValidator validator;
  private final Indicators indicators;
  private final boolean nmf;
  private final RunState state = new RunState();
  private long rejected;

  /**
   * @param nmf also factorize probe activations (costly); without it NMF indicators are left out
   */
  public RunComputation(AnalyzerConfig config, boolean nmf) {
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
      out.addAll(indicators.probes(t, ProbeGroups.of(t.getProbes(), state).groups()));
    }
    return out;
  }

  /** Records skipped as invalid. */
  public long rejected() {
    return rejected;
  }
}
