package dev.rote.analyzer.internal;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.contract.IndicatorNames;
import dev.rote.analyzer.math.Gini;
import dev.rote.analyzer.math.Nmf;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.Matrix;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The indicator computations on validated telemetry: state updates and the values to publish.
 * Pure: the same state and record always give the same new state and indicators.
 */
final class Indicators {

  private final AnalyzerConfig config;
  private final Nmf.Config nmf;

  Indicators(AnalyzerConfig config) {
    this.config = config;
    this.nmf = new Nmf.Config(config.nmfMaxIterations(), config.nmfTolerance(), 42);
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
      correct += ok ? 1 : 0;
      loss += e.getLoss(i);
      if (e.getNoisyCount() == n && e.getNoisy(i)) {
        noisy++;
        memorized += ok ? 1 : 0;
      }
      if (ids) {
        int id = (int) e.getExampleId(i);
        byte previous = s.predicted[id];
        if (previous >= 0) {
          history++;
          flips += previous != pred ? 1 : 0;
          forgets += s.correct[id] && !ok ? 1 : 0;
        }
        s.predicted[id] = (byte) pred;
        s.correct[id] = ok;
      }
    }
    s.steps.addLast(new RunState.StepStats(step, n, correct, loss, history, flips, forgets, noisy, memorized));
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
      out.add(indicator(t, IndicatorNames.TRAIN_ACCURACY, null, null, trainAccuracy));
      out.add(indicator(t, IndicatorNames.TRAIN_LOSS, null, null, w.lossSum() / w.examples()));
      // No generalization gap here: it is emitted with each evaluation (below), against that
      // evaluation's accuracy; emitting it here too gave two values at a step that is both an
      // emission step and an epoch end.
    }
    if (w.withHistory() > 0) {
      out.add(indicator(t, IndicatorNames.PREDICTION_FLIPS, null, null, w.flips()));
      out.add(indicator(t, IndicatorNames.PREDICTION_FLIP_RATE, null, null, (double) w.flips() / w.withHistory()));
      out.add(indicator(t, IndicatorNames.FORGETTING_EVENTS, null, null, w.forgets()));
      out.add(indicator(t, IndicatorNames.FORGETTING_RATE, null, null, (double) w.forgets() / w.withHistory()));
    }
    if (w.noisy() > 0) {
      out.add(indicator(t, IndicatorNames.NOISY_MEMORIZED_FRACTION, null, null, (double) w.noisyMemorized() / w.noisy()));
    }
    sensitivity(s, t, out);
  }

  /** Gini of per-example mean sensitivities over the window, and per-class means. */
  private void sensitivity(RunState s, Telemetry t, List<Indicator> out) {
    Map<Long, double[]> perExample = new HashMap<>();
    for (RunState.Sensitivities samples : s.sensitivities) {
      for (int i = 0; i < samples.ids().length; i++) {
        double[] acc = perExample.computeIfAbsent(samples.ids()[i], k -> new double[3]);
        acc[0] += samples.values()[i];
        acc[1] += 1;
        acc[2] = samples.labels()[i];
      }
    }
    if (perExample.size() < 2) {
      return;
    }
    double[] means = new double[perExample.size()];
    TreeMap<Integer, double[]> perClass = new TreeMap<>();
    int i = 0;
    for (double[] acc : perExample.values()) {
      means[i++] = acc[0] / acc[1];
      double[] c = perClass.computeIfAbsent((int) acc[2], k -> new double[2]);
      c[0] += acc[0] / acc[1];
      c[1] += 1;
    }
    out.add(indicator(t, IndicatorNames.LOSS_SENSITIVITY_GINI, null, null, Gini.of(means)));
    perClass.forEach((label, c) ->
        out.add(indicator(t, IndicatorNames.LOSS_SENSITIVITY_MEAN, null, label, c[0] / c[1])));
  }

  /** NMF indicators of a probe record; stateless, so it runs apart from the run state. */
  List<Indicator> probes(Telemetry t) {
    List<Indicator> out = new ArrayList<>();
    probes(t, out);
    return out;
  }

  private void probes(Telemetry t, List<Indicator> out) {
    ProbeActivations p = t.getProbes();
    int[] ranks = config.nmfRanks();
    double first = Double.NaN;
    double deepest = Double.NaN;
    int layers = 0;
    for (LayerActivations l : p.getLayersList()) {
      Matrix m = l.getActivations();
      TreeMap<Integer, List<Integer>> rowsByClass = new TreeMap<>();
      for (int r = 0; r < m.getRows(); r++) {
        rowsByClass.computeIfAbsent(p.getLabels(r), k -> new ArrayList<>()).add(r);
      }
      double sum = 0;
      int classes = 0;
      for (var entry : rowsByClass.entrySet()) {
        List<Integer> rows = entry.getValue();
        if (rows.size() < 2) {
          continue;
        }
        float[] a = new float[rows.size() * m.getCols()];
        for (int r = 0; r < rows.size(); r++) {
          int base = rows.get(r) * m.getCols();
          for (int c = 0; c < m.getCols(); c++) {
            a[r * m.getCols() + c] = m.getData(base + c);
          }
        }
        double value = Nmf.sweep(a, rows.size(), m.getCols(), ranks, nmf).nonlinearity();
        out.add(indicator(t, IndicatorNames.NMF_NONLINEARITY, l.getIndex(), entry.getKey(), value));
        sum += value;
        classes++;
      }
      if (classes > 0) {
        double mean = sum / classes;
        out.add(indicator(t, IndicatorNames.NMF_NONLINEARITY, l.getIndex(), null, mean));
        if (layers == 0) {
          first = mean;
        }
        deepest = mean;
        layers++;
      }
    }
    if (layers >= 2 && first > 0) {
      out.add(indicator(t, IndicatorNames.NMF_NONLINEARITY_DEPTH_RATIO, null, null, deepest / first));
    }
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
    Indicator.Builder b = Indicator.newBuilder().setRunId(t.getRunId()).setStep(t.getStep())
        .setEpoch(t.getEpoch()).setName(name).setValue(value).setSourceTimeMs(t.getTimeMs());
    if (layer != null) {
      b.setLayer(layer);
    }
    if (label != null) {
      b.setClassLabel(label);
    }
    return b.build();
  }
}
