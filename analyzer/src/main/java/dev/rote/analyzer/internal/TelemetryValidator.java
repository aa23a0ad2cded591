package dev.rote.analyzer.internal;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.contract.Labels;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.Evaluation;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.Matrix;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.Telemetry;

/**
 * Checks a telemetry record before it touches any state. Each failure is a {@link Rejected} whose
 * reason code labels the dead-letter counter and whose message goes into the dead-letter record.
 */
final class TelemetryValidator {

  /** A record the analyzer will not use. */
  static final class Rejected extends Exception {
    final String reason;

    Rejected(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }

  private final AnalyzerConfig config;

  TelemetryValidator(AnalyzerConfig config) {
    this.config = config;
  }

  void validate(String key, Telemetry t, long lastStep) throws Rejected {
    if (!t.getRunId().equals(key)) {
      throw new Rejected("key_mismatch", "record key '" + key + "' differs from run_id '" + t.getRunId() + "'");
    }
    if (t.getStep() < (t.hasProbes() ? 0 : 1)) {
      throw new Rejected("bad_step", "step must be >= 1 (>= 0 for a probe of the untrained network), was "
          + t.getStep());
    }
    if (t.getStep() < lastStep) {
      throw new Rejected("step_backwards", "step " + t.getStep() + " goes backwards: the run is already at step "
          + lastStep);
    }
    switch (t.getPayloadCase()) {
      case BATCH -> batch(t.getBatch());
      case PROBES -> probes(t.getProbes());
      case EVALUATION -> evaluation(t.getEvaluation());
      default -> throw new Rejected("no_payload", "telemetry record carries no payload");
    }
  }

  private void batch(BatchSummary b) throws Rejected {
    finite("loss", b.getLoss());
    ExampleColumns e = b.getExamples();
    int n = e.getLabelCount();
    // A summary without per-example rows (an output layer the trainer cannot read per example) carries
    // the network's score as its loss and no accuracy: NaN.
    if (!(b.getBatchSize() == 0 && n == 0 && Double.isNaN(b.getAccuracy()))) {
      finite("accuracy", b.getAccuracy());
    }
    sameLength("predicted", e.getPredictedCount(), n);
    sameLength("loss", e.getLossCount(), n);
    optionalLength("example_id", e.getExampleIdCount(), n);
    optionalLength("sensitivity", e.getSensitivityCount(), n);
    optionalLength("noisy", e.getNoisyCount(), n);
    optionalLength("margin", e.getMarginCount(), n);
    if (e.getSensitivityCount() > 0 && e.getExampleIdCount() == 0) {
      throw new Rejected("shape_mismatch", "sensitivities need example ids");
    }
    for (int i = 0; i < n; i++) {
      if (e.getLabel(i) < 0 || e.getLabel(i) >= Labels.MAX_CLASSES || e.getPredicted(i) < 0
          || e.getPredicted(i) >= Labels.MAX_CLASSES) {
        throw new Rejected("out_of_range", "label/prediction out of [0, " + (Labels.MAX_CLASSES - 1) + "] at row " + i);
      }
      finite("loss", i, e.getLoss(i));
    }
    for (int i = 0; i < e.getExampleIdCount(); i++) {
      long id = e.getExampleId(i);
      if (id < 0 || id > config.maxExampleId()) {
        throw new Rejected("out_of_range", "example id " + id + " outside [0, " + config.maxExampleId() + "]");
      }
    }
    for (int i = 0; i < e.getMarginCount(); i++) {
      finite("margin", i, e.getMargin(i));
    }
    for (int i = 0; i < e.getSensitivityCount(); i++) {
      float s = e.getSensitivity(i);
      finite("sensitivity", i, s);
      if (s < 0) {
        throw new Rejected("negative_value", "sensitivity[" + i + "] is negative: " + s);
      }
    }
  }

  private void probes(ProbeActivations p) throws Rejected {
    int rows = p.getLabelsCount();
    optionalLength("example_ids", p.getExampleIdsCount(), rows);
    optionalLength("true_labels", p.getTrueLabelsCount(), rows);
    for (LayerActivations l : p.getLayersList()) {
      Matrix m = l.getActivations();
      long elements = (long) m.getRows() * m.getCols();
      if (m.getRows() < 0 || m.getCols() < 0) {
        throw new Rejected("shape_mismatch", "layer " + l.getIndex() + ": negative matrix dimensions");
      }
      if (elements > config.maxMatrixElements()) {
        throw new Rejected("too_large", "layer " + l.getIndex() + ": " + m.getRows() + "x" + m.getCols()
            + " matrix exceeds " + config.maxMatrixElements() + " elements");
      }
      if (elements != m.getDataCount()) {
        throw new Rejected("shape_mismatch", "layer " + l.getIndex() + ": header says " + m.getRows() + "x"
            + m.getCols() + " but the matrix holds " + m.getDataCount() + " values");
      }
      if (m.getRows() != rows) {
        throw new Rejected("shape_mismatch", "layer " + l.getIndex() + ": " + m.getRows()
            + " rows for " + rows + " probe labels");
      }
      for (int i = 0; i < m.getDataCount(); i++) {
        float v = m.getData(i);
        if (!Float.isFinite(v)) {
          throw new Rejected("not_finite", "layer " + l.getIndex() + ": activation " + i + " is " + v);
        }
        if (v < 0) {
          throw new Rejected("negative_value", "layer " + l.getIndex() + ": activation " + i + " is negative ("
              + v + "); NMF needs non-negative (e.g. ReLU) activations");
        }
      }
    }
  }

  private void evaluation(Evaluation e) throws Rejected {
    finite("evaluation accuracy", e.getAccuracy());
    finite("evaluation loss", e.getLoss());
    if (e.getAccuracy() < 0 || e.getAccuracy() > 1) {
      throw new Rejected("out_of_range", "evaluation accuracy " + e.getAccuracy() + " outside [0, 1]");
    }
  }

  /** {@link #finite(String, double)} of row {@code i} of a column; names it only when it fails. */
  private static void finite(String column, int i, float v) throws Rejected {
    if (!Float.isFinite(v)) {
      throw new Rejected("not_finite", column + "[" + i + "] is " + v);
    }
  }

  private static void finite(String what, double v) throws Rejected {
    if (!Double.isFinite(v)) {
      throw new Rejected("not_finite", what + " is " + v);
    }
  }

  /** As {@link #finite(String, double)} for element {@code i} of a column; names it only on failure. */
  private static void finite(String column, int i, double v) throws Rejected {
    if (!Double.isFinite(v)) {
      throw new Rejected("not_finite", column + "[" + i + "] is " + v);
    }
  }

  private static void sameLength(String column, int count, int n) throws Rejected {
    if (count != n) {
      throw new Rejected("shape_mismatch", "column " + column + " has " + count + " rows, label has " + n);
    }
  }

  private static void optionalLength(String column, int count, int n) throws Rejected {
    if (count != 0 && count != n) {
      throw new Rejected("shape_mismatch", "column " + column + " has " + count + " rows, expected 0 or " + n);
    }
  }
}
