package dev.rote.trainer;

import dev.rote.contract.Topics;
import dev.rote.trainer.internal.Captures;
import dev.rote.trainer.internal.Captures.BatchCapture;
import dev.rote.trainer.internal.Captures.LayerCapture;
import dev.rote.trainer.internal.Captures.ProbeCapture;
import dev.rote.trainer.internal.OutputHead;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DL4J {@link org.deeplearning4j.optimize.api.TrainingListener} that publishes Rote telemetry
 * for a {@link MultiLayerNetwork}: per-batch summaries with per-layer statistics and per-example
 * values, and hidden-layer activations on a fixed probe set. Add it with
 * {@code net.addListeners(telemetry.listener())}; it works with a plain {@code net.fit(...)}.
 *
 * <p>Cost is kept off the training step: values are reduced with a handful of ND4J operations on
 * sampled steps only, copied into primitive arrays, and serialized and sent on the sink's own
 * thread. With a plain {@code fit}, per-example loss sensitivities need a second backward pass on
 * sensitivity steps; {@link SingleBackwardPass} takes them from the training step's own backward
 * pass instead.
 *
 * <p>Example ids: call {@link #beginBatch} before each step with the batch's stable example ids
 * (and, for evaluation runs, which labels were flipped by noise injection). Without it the
 * example-id column is left empty. Not thread-safe: one listener per network.
 */
public final class RoteTelemetryListener extends BaseTrainingListener {

  private static final Logger log = LoggerFactory.getLogger(RoteTelemetryListener.class);

  private final TelemetryConfig config;
  private final TelemetrySink sink;

  private long[] batchIds;
  private boolean[] batchNoisy;
  private INDArray probeFeatures;
  private long[] probeIds;
  private int[] probeLabels;

  // State of the step in progress.
  private boolean reentrant;
  private long step;
  private BatchCapture.Builder batch;
  private double[] gradientNorms;
  private INDArray inputGradient;
  private boolean warnedUnsupported;
  private int batchRows;
  private volatile long lastStep;

  public RoteTelemetryListener(TelemetryConfig config, TelemetrySink sink) {
    this.config = Objects.requireNonNull(config, "config");
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /**
   * Declares the examples of the next training step.
   *
   * @param exampleIds stable id of each example in the batch, in row order
   * @param noisy for evaluation runs, whether each label was changed by noise injection; may be null
   */
  public void beginBatch(long[] exampleIds, boolean[] noisy) {
    this.batchIds = exampleIds;
    this.batchNoisy = noisy;
  }

  /**
   * Sets the fixed probe set whose hidden-layer activations are published every
   * {@link TelemetryConfig#probeEvery()} steps.
   */
  public void setProbeSet(INDArray features, long[] exampleIds, int[] labels) {
    if (features.rows() != exampleIds.length || exampleIds.length != labels.length) {
      throw new IllegalArgumentException("probe features, ids and labels must have the same length: "
          + features.rows() + ", " + exampleIds.length + ", " + labels.length);
    }
    this.probeFeatures = features;
    this.probeIds = exampleIds.clone();
    this.probeLabels = labels.clone();
  }

  /** The last step this listener saw completed (1-based), 0 before the first. */
  public long lastStep() {
    return lastStep;
  }

  public TelemetryConfig config() {
    return config;
  }

  /** Whether the step about to run (0-based DL4J iteration) wants per-example sensitivities. */
  boolean wantsInputGradient(int iteration) {
    return config.isSensitivityStep(iteration + 1L);
  }

  /** Hands over dL/dx of the step in progress, taken from its own backward pass. */
  void provideInputGradient(INDArray dLdx) {
    this.inputGradient = dLdx;
  }

  /** Mean per-example loss of the step in progress, or NaN when this step is not sampled. */
  double currentBatchLoss() {
    return batch == null ? Double.NaN : batch.meanLoss();
  }

  @Override
  public void onForwardPass(Model model, List<INDArray> activations) {
    if (reentrant || !(model instanceof MultiLayerNetwork net)) {
      return;
    }
    step = net.getIterationCount() + 1L;
    batch = null;
    gradientNorms = null;
    inputGradient = null;
    if (!config.isSummaryStep(step)) {
      return;
    }
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      batch = captureOutputs(net, activations.get(activations.size() - 1));
    }
  }

  @Override
  public void onGradientCalculation(Model model) {
    if (reentrant || batch == null || !config.isLayerStatsStep(step)) {
      return;
    }
    MultiLayerNetwork net = (MultiLayerNetwork) model;
    gradientNorms = new double[net.getnLayers()];
    for (int i = 0; i < gradientNorms.length; i++) {
      gradientNorms[i] = norm2(net.getLayer(i).getGradientsViewArray());
    }
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    if (reentrant || !(model instanceof MultiLayerNetwork net)) {
      return;
    }
    long done = iteration + 1L;
    lastStep = done;
    long timeMs = System.currentTimeMillis();
    if (batch != null && done == step) {
      if (gradientNorms != null) {
        batch.layers(layerStats(net));
      }
      if (config.isSensitivityStep(done)) {
        INDArray dLdx = inputGradient != null ? inputGradient : secondPassInputGradient(net);
        if (dLdx != null) {
          batch.sensitivity(dLdx.norm1(1).castTo(DataType.FLOAT).toFloatVector());
        }
      }
      Double lr = net.getLearningRate(0);
      BatchCapture.Builder capture = batch.learningRate(lr == null ? Double.NaN : lr);
      String runId = config.runId();
      sink.offer(Topics.TELEMETRY, runId, BatchCapture.sizeHint(batchRows, net.getnLayers()),
          () -> Captures.toTelemetry(runId, done, epoch, timeMs, capture.build()));
    }
    if (probeFeatures != null && config.isProbeStep(done)) {
      ProbeCapture probes = captureProbes(net);
      String runId = config.runId();
      sink.offer(Topics.TELEMETRY, runId, probes.sizeHint(),
          () -> Captures.toTelemetry(runId, done, epoch, timeMs, probes));
    }
    batch = null;
    inputGradient = null;
    batchIds = null;
    batchNoisy = null;
  }

  private BatchCapture.Builder captureOutputs(MultiLayerNetwork net, INDArray lastHidden) {
    Layer out = net.getOutputLayer();
    INDArray labels = net.getLabels();
    int n = net.getnLayers();
    boolean supported = out.conf().getLayer() instanceof BaseOutputLayer
        && net.getLayerWiseConfigurations().getInputPreProcess(n - 1) == null
        && labels != null && labels.rank() == 2 && lastHidden.rank() == 2;
    if (!supported) {
      if (!warnedUnsupported) {
        warnedUnsupported = true;
        log.warn("per-example telemetry needs a dense output layer on 2-d activations; "
            + "publishing batch-level values only");
      }
      batchRows = 0;
      return new BatchCapture.Builder(null, null, null, null, null);
    }
    BaseOutputLayer conf = (BaseOutputLayer) out.conf().getLayer();
    int rows = (int) lastHidden.rows();
    int classes = (int) labels.columns();
    batchRows = rows;
    int[] targets = Captures.argMaxRows(floats(labels), rows, classes);
    long[] ids = batchIds != null && batchIds.length == rows ? batchIds : null;
    boolean[] noisy = batchNoisy != null && batchNoisy.length == rows ? batchNoisy : null;
    INDArray w = out.getParam("W");
    INDArray b = out.getParam("b");
    if (conf.getLossFn() instanceof LossMCXENT mcxent && mcxent.getWeights() == null
        && conf.getActivationFn() instanceof ActivationSoftmax) {
      // Softmax cross-entropy: copy three arrays now, compute on the sender thread.
      OutputHead head = new OutputHead(floats(lastHidden), rows, (int) lastHidden.columns(), floats(w),
          floats(b), classes);
      return new BatchCapture.Builder(ids, targets, head, noisy);
    }
    INDArray z = lastHidden.mmul(w).addiRowVector(b);
    INDArray perExample = conf.getLossFn().computeScoreArray(labels, z, conf.getActivationFn(), null);
    return new BatchCapture.Builder(ids, targets, Captures.argMaxRows(floats(z), rows, classes),
        floats(perExample), noisy);
  }

  /** A row-major float copy of any array. */
  private static float[] floats(INDArray a) {
    boolean plain = a.dataType() == DataType.FLOAT && a.ordering() == 'c' && !a.isView()
        && a.data().length() == a.length();
    return (plain ? a : a.castTo(DataType.FLOAT).dup('c')).data().asFloat();
  }

  private LayerCapture[] layerStats(MultiLayerNetwork net) {
    LayerCapture[] stats = new LayerCapture[gradientNorms.length];
    for (int i = 0; i < stats.length; i++) {
      Layer layer = net.getLayer(i);
      double paramNorm = norm2(layer.params());
      double updateNorm = norm2(layer.getGradientsViewArray());
      stats[i] = new LayerCapture(i, layerName(net, i), paramNorm, gradientNorms[i],
          paramNorm == 0 ? 0 : updateNorm / paramNorm);
    }
    return stats;
  }

  /**
   * L2 norm of a layer's flat parameter or gradient view. A BLAS dot product of the contiguous view
   * with itself costs a fraction of ND4J's generic norm2 reduction.
   */
  private static double norm2(INDArray v) {
    if (v == null || v.isEmpty()) {
      return 0;
    }
    if (v.isVector() && v.elementWiseStride() == 1) {
      return Math.sqrt(Math.max(0, Nd4j.getBlasWrapper().dot(v, v)));
    }
    return v.norm2Number().doubleValue();
  }

  /** dL/dx by a second backward pass, after the update: the plain-fit fallback. */
  private INDArray secondPassInputGradient(MultiLayerNetwork net) {
    INDArray x = net.getInput();
    INDArray y = net.getLabels();
    if (x == null || y == null) {
      return null;
    }
    reentrant = true;
    try {
      Pair<?, INDArray> p = net.calculateGradients(x, y, null, null);
      return p.getSecond();
    } finally {
      reentrant = false;
    }
  }

  private ProbeCapture captureProbes(MultiLayerNetwork net) {
    reentrant = true;
    try {
      List<INDArray> acts = net.feedForward(probeFeatures, false);
      int hidden = net.getnLayers() - 1;
      Captures.MatrixCapture[] layers = new Captures.MatrixCapture[hidden];
      for (int i = 0; i < hidden; i++) {
        INDArray a = acts.get(i + 1);
        if (a.rank() != 2) {
          a = a.reshape('c', a.size(0), a.length() / a.size(0));
        }
        layers[i] = new Captures.MatrixCapture(i, layerName(net, i), (int) a.rows(), (int) a.columns(),
            floats(a));
      }
      return new ProbeCapture(probeIds, probeLabels, layers);
    } finally {
      reentrant = false;
    }
  }

  static String layerName(MultiLayerNetwork net, int i) {
    String name = net.getLayer(i).conf().getLayer().getLayerName();
    return name == null || name.isBlank() ? "layer" + i : name;
  }
}
