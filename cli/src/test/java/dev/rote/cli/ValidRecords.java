package dev.rote.cli;

import dev.rote.contract.IndicatorNames;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.Evaluation;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.LabelNoise;
import dev.rote.contract.v1.LabelNoiseMode;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.LayerStats;
import dev.rote.contract.v1.Matrix;
import dev.rote.contract.v1.ModelSummary;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import java.util.List;

/**
 * Valid records of every Rote topic, as a trainer, the analyzer and the alerting service write
 * them: what the fuzzer starts from. The n-th telemetry record of a run is a batch summary, every
 * fifth an evaluation and every seventh a probe record, at step n, so an unmutated sequence is a
 * valid run.
 */
final class ValidRecords {

  static final long T0 = 1_790_000_000_000L;
  private static final List<String> INDICATORS = List.of(IndicatorNames.PREDICTION_FLIP_RATE,
      IndicatorNames.TRAIN_LOSS, IndicatorNames.FORGETTING_RATE, IndicatorNames.TEST_ACCURACY,
      IndicatorNames.NMF_NONLINEARITY_DEPTH_RATIO);

  private ValidRecords() {}

  /** The {@code n}-th (from 1) telemetry record of run {@code runId}. */
  static Telemetry telemetry(String runId, int n) {
    Telemetry.Builder t = Telemetry.newBuilder().setRunId(runId).setStep(n).setEpoch(n / 8).setTimeMs(T0 + n);
    if (n % 7 == 0) {
      return t.setProbes(probes(n)).build();
    }
    if (n % 5 == 0) {
      return t.setEvaluation(Evaluation.newBuilder().setSplit("test").setAccuracy(0.5 + n % 4 * 0.1).setLoss(1.2)
          .setExampleCount(100)).build();
    }
    return t.setBatch(batch(n)).build();
  }

  private static BatchSummary batch(int n) {
    ExampleColumns.Builder e = ExampleColumns.newBuilder();
    for (int j = 0; j < 8; j++) {
      int id = (n * 3 + j) % 16;
      e.addExampleId(id).addLabel(id % 3).addPredicted((id + n / 3) % 3).addLoss(0.1f * (1 + (id + n) % 7))
          .addNoisy(id % 5 == 0).addMargin(0.05f * j - 0.2f);
      if (n % 2 == 0) {
        e.addSensitivity(0.01f * (1 + id));
      }
    }
    return BatchSummary.newBuilder().setLoss(0.9).setAccuracy(0.5).setLearningRate(1e-3).setBatchSize(8)
        .addLayers(LayerStats.newBuilder().setIndex(0).setName("dense").setParameterNorm(3).setGradientNorm(0.5)
            .setUpdateRatio(1e-3))
        .addLayers(LayerStats.newBuilder().setIndex(1).setName("output").setParameterNorm(2).setGradientNorm(0.2)
            .setUpdateRatio(2e-3))
        .setExamples(e).build();
  }

  private static ProbeActivations probes(int n) {
    ProbeActivations.Builder p = ProbeActivations.newBuilder();
    for (int r = 0; r < 6; r++) {
      p.addExampleIds(100 + r).addLabels(r < 3 ? 0 : 1);
    }
    for (int layer = 0; layer < 2; layer++) {
      Matrix.Builder m = Matrix.newBuilder().setRows(6).setCols(4);
      for (int i = 0; i < 24; i++) {
        m.addData(((i * 7 + n + layer) % 5) * 0.25f);
      }
      p.addLayers(LayerActivations.newBuilder().setIndex(layer).setName("dense" + layer).setActivations(m));
    }
    return p.build();
  }

  /** The {@code n}-th indicator of run {@code runId}, at step 10n. */
  static Indicator indicator(String runId, int n) {
    Indicator.Builder i = Indicator.newBuilder().setRunId(runId).setStep(10L * n).setEpoch(n / 8)
        .setName(INDICATORS.get(n % INDICATORS.size())).setValue(0.3 - 0.01 * (n % 9)).setSourceTimeMs(T0 + n);
    return i.build();
  }

  /** A valid stop signal for run {@code runId}. */
  static StopSignal stopSignal(String runId) {
    return StopSignal.newBuilder().setSignalId(runId + "/memorization_onset").setRunId(runId)
        .setRule("memorization_onset").setReason("flip rate rebounded").setAction(SignalAction.SIGNAL_ACTION_STOP)
        .setStep(120).setRestoreStep(80).setIssuedTimeMs(T0).setSourceTimeMs(T0 - 5).build();
  }

  /** Valid metadata of a running run {@code runId}. */
  static RunMetadata runMetadata(String runId) {
    return RunMetadata.newBuilder().setRunId(runId).setStatus(RunStatus.RUN_STATUS_RUNNING).setStartTimeMs(T0)
        .setLastStep(12).setModel(ModelSummary.newBuilder().setFramework("dl4j").setParameterCount(1000))
        .setLabelNoise(LabelNoise.newBuilder().setMode(LabelNoiseMode.LABEL_NOISE_MODE_SYMMETRIC).setFraction(0.4))
        .putHyperparameters("learning_rate", "0.001").build();
  }
}
