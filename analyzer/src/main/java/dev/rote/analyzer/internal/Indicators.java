package dev.rote.analyzer.internal;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.ProbeNonlinearity;
import dev.rote.contract.IndicatorNames;
import dev.rote.analyzer.math.SortedGini;
import dev.rote.analyzer.math.StandardErrors;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.Matrix;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;

/**
 * The indicator computations on validated telemetry: state updates and the values to publish.
 * Pure: the same state and record always give the same new state and indicators.
 */
final class Indicators {

  private final AnalyzerConfig config;
  private final SensitivityMeans sensitivityMeans = new SensitivityMeans();
  private final SortedGini sortedGini = new SortedGini();

  Indicators(AnalyzerConfig config) {
    this.config = config;
  }

  /** Applies one record to the run's state and returns the indicators it produces. */
  List<Indicator> apply(RunState state, Telemetry t) {
    List<Indicator> out = new ArrayList<>();
    switch (t.getPayloadCase()) {
      case BATCH -> batch(state, t, out);
      case PROBES -> { }
      case EVALUATION -> evaluation(state, t, out);
      default -> { }
    }
    state.lastStep = Math.max(state.lastStep, t.getStep());
    return out;
  }

  private long window(RunState s) {
    if (config.windowSteps() > 0) {
      return config.windowSteps();
    }
    return s.stepsPerEpoch > 0 ? s.stepsPerEpoch : Long.MAX_VALUE / 4;
  }

  private void batch(RunState s, Telemetry t, List<Indicator> out) {
    long step = t.getStep();
    s.passes.onEpochField(s.lastEpoch, t.getEpoch(), t.getRunId(), out);
    if (t.getEpoch() != s.lastEpoch) {
      if (s.lastEpoch >= 0 && t.getEpoch() > s.lastEpoch) {
        s.stepsPerEpoch = s.lastStep - s.epochStartStep + 1;
      }
      s.lastEpoch = t.getEpoch();
      s.epochStartStep = step;
    }
    BatchSummary b = t.getBatch();
    ExampleColumns e = b.getExamples();
    int n = e.getLabelCount();
    boolean ids = e.getExampleIdCount() == n && n > 0;
    int correct = 0;
    int history = 0;
    int flips = 0;
    int forgets = 0;
    int noisy = 0;
    int memorized = 0;
    double loss = 0;
    double lossSquares = 0;
    if (ids) {
      long maxId = 0;
      for (int i = 0; i < n; i++) {
        maxId = Math.max(maxId, e.getExampleId(i));
      }
      s.ensureExamples((int) maxId);
    }
    for (int i = 0; i < n; i++) {
      int label = e.getLabel(i);
      int pred = e.getPredicted(i);
      boolean ok = label == pred;
      double l = e.getLoss(i);
      correct += ok ? 1 : 0;
      loss += l;
      lossSquares += l * l;
      if (e.getNoisyCount() == n && e.getNoisy(i)) {
        noisy++;
        memorized += ok ? 1 : 0;
      }
      int previous = -1;
      Boolean previousCorrect = null;
      if (ids) {
        int id = (int) e.getExampleId(i);
        previous = s.predicted[id];
        if (previous >= 0) {
          previousCorrect = s.correct[id];
          history++;
          flips += previous != pred ? 1 : 0;
          forgets += s.correct[id] && !ok ? 1 : 0;
        }
        s.predicted[id] = (byte) pred;
        s.correct[id] = ok;
      }
      s.passes.present(t.getRunId(), step, t.getTimeMs(), ids && previous < 0, previous >= 0, ok, l, previous, pred,
          previousCorrect, out);
    }
    s.steps.addLast(new RunState.StepStats(step, n, correct, loss, lossSquares, history, flips, forgets, noisy,
        memorized));
    if (e.getSensitivityCount() == n && n > 0) {
      long[] exampleIds = new long[n];
      int[] labels = new int[n];
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        exampleIds[i] = e.getExampleId(i);
        labels[i] = e.getLabel(i);
        values[i] = e.getSensitivity(i);
      }
      s.sensitivities.addLast(new RunState.Sensitivities(step, exampleIds, labels, values));
    }
    s.lastStep = step;
    s.prune(step, window(s));
    if (step - s.lastEmitStep < config.emitEvery()) {
      return;
    }
    s.lastEmitStep = step;
    RunState.StepStats w = s.totals();
    if (w.examples() > 0) {
      double trainAccuracy = (double) w.correct() / w.examples();
      out.add(sampled(t, IndicatorNames.TRAIN_ACCURACY, trainAccuracy, w.examples(),
          StandardErrors.binomial(trainAccuracy, w.examples())));
      out.add(sampled(t, IndicatorNames.TRAIN_LOSS, w.lossSum() / w.examples(), w.examples(),
          StandardErrors.mean(w.lossSum(), w.lossSquares(), w.examples())));
      // No generalization gap here: it is emitted with each evaluation (below), against that
      // evaluation's accuracy; emitting it here too gave two values at a step that is both an
      // emission step and an epoch end.
    }
    if (w.withHistory() > 0) {
      double flipRate = (double) w.flips() / w.withHistory();
      double forgetRate = (double) w.forgets() / w.withHistory();
      out.add(sampled(t, IndicatorNames.PREDICTION_FLIPS, w.flips(), w.withHistory(), Double.NaN));
      out.add(sampled(t, IndicatorNames.PREDICTION_FLIP_RATE, flipRate, w.withHistory(),
          StandardErrors.binomial(flipRate, w.withHistory())));
      out.add(sampled(t, IndicatorNames.FORGETTING_EVENTS, w.forgets(), w.withHistory(), Double.NaN));
      out.add(sampled(t, IndicatorNames.FORGETTING_RATE, forgetRate, w.withHistory(),
          StandardErrors.binomial(forgetRate, w.withHistory())));
    }
    if (w.noisy() > 0) {
      out.add(indicator(t, IndicatorNames.NOISY_MEMORIZED_FRACTION, null, null, (double) w.noisyMemorized() / w.noisy()));
    }
    sensitivity(s, t, out);
  }

  /** Gini of per-example mean sensitivities over the window, and per-class means. */
  private void sensitivity(RunState s, Telemetry t, List<Indicator> out) {
    int n = sensitivityMeans.of(s.sensitivities, s.predicted.length);
    if (n < 2) {
      return;
    }
    double[] means = sensitivityMeans.means;
    int[] labels = sensitivityMeans.labels;
    out.add(indicator(t, IndicatorNames.LOSS_SENSITIVITY_GINI, null, null,
        sortedGini.gini(s.sensitivityOrder, sensitivityMeans.ids, means, n, s.predicted.length)));
    // labels are validated into [0, Labels.MAX_CLASSES): per-class sums in arrays
    int classes = 0;
    for (int i = 0; i < n; i++) {
      classes = Math.max(classes, labels[i] + 1);
    }
    double[] sums = new double[classes];
    int[] counts = new int[classes];
    for (int i = 0; i < n; i++) {
      sums[labels[i]] += means[i];
      counts[labels[i]]++;
    }
    for (int label = 0; label < classes; label++) {
      if (counts[label] > 0) {
        out.add(indicator(t, IndicatorNames.LOSS_SENSITIVITY_MEAN, null, label, sums[label] / counts[label]));
      }
    }
  }

  /**
   * NMF indicators of a probe record, its rows grouped by {@code groups} (see {@link ProbeGroups});
   * stateless, so it runs apart from the run state.
   */
  List<Indicator> probes(Telemetry t, int[] groups) {
    List<Indicator> out = new ArrayList<>();
    ProbeNonlinearity.Result r = ProbeNonlinearity.of(t.getProbes(), groups, config);
    for (ProbeNonlinearity.Layer l : r.layers()) {
      l.byGroup().forEach((group, value) ->
          out.add(indicator(t, IndicatorNames.NMF_NONLINEARITY, l.index(), group, value)));
      out.add(indicator(t, IndicatorNames.NMF_NONLINEARITY, l.index(), null, l.mean()));
    }
    if (!Double.isNaN(r.depthRatio())) {
      out.add(indicator(t, IndicatorNames.NMF_NONLINEARITY_DEPTH_RATIO, null, null, r.depthRatio()));
    }
    return out;
  }

  private void evaluation(RunState s, Telemetry t, List<Indicator> out) {
    double accuracy = t.getEvaluation().getAccuracy();
    s.lastEvalAccuracy = accuracy;
    out.add(indicator(t, IndicatorNames.TEST_ACCURACY, null, null, accuracy));
    out.add(indicator(t, IndicatorNames.TEST_LOSS, null, null, t.getEvaluation().getLoss()));
    RunState.StepStats w = s.totals();
    if (w.examples() > 0) {
      out.add(indicator(t, IndicatorNames.GENERALIZATION_GAP, null, null,
          (double) w.correct() / w.examples() - accuracy));
    }
  }

  static Indicator indicator(Telemetry t, String name, Integer layer, Integer label, double value) {
    return indicator(t.getRunId(), t.getStep(), t.getEpoch(), t.getTimeMs(), name, layer, label, value, 0, Double.NaN);
  }

  /** A run-level value of the record's step with its sample size and standard error. */
  private static Indicator sampled(Telemetry t, String name, double value, long n, double se) {
    return indicator(t.getRunId(), t.getStep(), t.getEpoch(), t.getTimeMs(), name, null, null, value, n, se);
  }

  /**
   * @param n sample size, or 0 for none
   * @param se standard error, or NaN for none
   */
  static Indicator indicator(String runId, long step, int epoch, long timeMs, String name, Integer layer,
      Integer label, double value, long n, double se) {
    Indicator.Builder b = Indicator.newBuilder().setRunId(runId).setStep(step)
        .setEpoch(epoch).setName(name).setValue(value).setSourceTimeMs(timeMs);
    if (layer != null) {
      b.setLayer(layer);
    }
    if (label != null) {
      b.setClassLabel(label);
    }
    if (n > 0) {
      b.setSampleSize(n);
    }
    if (Double.isFinite(se)) {
      b.setStandardError(se);
    }
    return b.build();
  }
}
