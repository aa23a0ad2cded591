package dev.rote.trainer;

import dev.rote.contract.Topics;
import dev.rote.trainer.internal.Captures;
import dev.rote.trainer.internal.Captures.BatchCapture;
import dev.rote.trainer.internal.Captures.ProbeCapture;
import dev.rote.trainer.internal.Degradations;
import dev.rote.trainer.internal.HeadCapture;
import dev.rote.trainer.internal.InputGradients;
import dev.rote.trainer.internal.LayerNorms;
import dev.rote.trainer.internal.MlnInputGradients;
import dev.rote.trainer.internal.NetworkView;
import dev.rote.trainer.internal.NetworkChecks;
import dev.rote.trainer.internal.NetworkView.LayerRef;
import dev.rote.trainer.internal.Probes;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DL4J {@link org.deeplearning4j.optimize.api.TrainingListener} that publishes Rote telemetry
 * for a {@link MultiLayerNetwork} or a single-input, single-output
 * {@link org.deeplearning4j.nn.graph.ComputationGraph}, dense or convolutional: per-batch summaries
 * with per-layer statistics and per-example values (label, prediction, loss, margin, and on sampled
 * steps the loss sensitivity ||dL/dx||_1), and hidden-layer activations on a fixed probe set. Add it
 * with {@code telemetry.attach(net)}, or {@code net.addListeners(telemetry.listener())}; it works
 * with DL4J's own {@code net.fit(iterator)}, a hand-written loop, and {@code EarlyStoppingTrainer}.
 * The model is checked at the first hook: one it cannot instrument fails the step with a message
 * naming what is unsupported; what it can only partly instrument is reported on standard error and
 * in the run's metadata.
 *
 * <p>Example ids, first that applies: the ids given to {@link #beginBatch} for the step; ids from a
 * {@link RoteIterators} wrapper; otherwise content ids: each input row is hashed (64 bits over its
 * exact float values) and distinct rows get dense ids 0, 1, 2, ... in first-seen order (with a
 * non-shuffling iterator, the index in the data set). Identical rows share an id. Content ids
 * cannot follow examples whose inputs change every epoch (data augmentation): the listener then
 * reports that ids never repeat; use a wrapper with ids.
 *
 * <p>Cost is kept off the training step: values are reduced with a handful of ND4J operations on
 * sampled steps only, copied into primitive arrays, and hashed, serialized and sent on the sink's
 * own thread. Sensitivities come from the step's own backward pass, before the update, with a plain
 * {@code fit} (see {@link MlnInputGradients} and {@link InputGradients} for how); only when that
 * pass does not reach the input (frozen first layers) does a MultiLayerNetwork fall back to a
 * second backward pass after the update. Not thread-safe: one listener per network.
 */
public final class RoteTelemetryListener extends BaseTrainingListener {

  /** What the listener tells the run it belongs to. */
  interface RunHooks {
    default void firstStep(NetworkView view) {}

    default void exampleIds(String source) {}

    /** The first pass over the data is over: its distinct example ids and largest batch. */
    default void firstPass(long trainSize, int batchSize) {}
  }

  private final TelemetryConfig config;
  private final TelemetrySink sink;
  private final Degradations degradations;
  private final ExampleIdSource ids;
  private RunHooks hooks = new RunHooks() {};

  private INDArray probeFeatures;
  private long[] probeIds;
  private int[] probeLabels;
  private int[] probeTrueLabels;
  private NetworkView view;
  private InputGradients graphGradients;
  private MlnInputGradients mlnGradients;
  private boolean probeChecked;

  // State of the step in progress.
  private boolean reentrant;
  private long step;
  private BatchCapture.Builder batch;
  private HeadCapture head;
  private double[] gradientNorms;
  private INDArray inputGradient;
  private volatile long lastStep;
  private volatile int lastEpoch;

  public RoteTelemetryListener(TelemetryConfig config, TelemetrySink sink) {
    this(config, sink, new Degradations(config.runId()));
  }

  RoteTelemetryListener(TelemetryConfig config, TelemetrySink sink, Degradations degradations) {
    this.config = Objects.requireNonNull(config, "config");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.degradations = degradations;
    this.ids = new ExampleIdSource(config, degradations, s -> hooks.exampleIds(s), (n, b) -> hooks.firstPass(n, b));
  }

  void hooks(RunHooks h) {
    this.hooks = h;
  }

  /**
   * Declares the examples of the next training step; takes precedence over iterator and content ids.
   *
   * @param exampleIds stable id of each example in the batch, in row order; dense (0..n-1) ids
   *     suit the analyzer best
   * @param noisy for evaluation runs, whether each label was changed by noise injection; may be null
   */
  public void beginBatch(long[] exampleIds, boolean[] noisy) {
    ids.declare(exampleIds, noisy);
  }

  /**
   * Sets the fixed probe set whose hidden-layer activations are published every
   * {@link TelemetryConfig#probeEvery()} steps.
   */
  public void setProbeSet(INDArray features, long[] exampleIds, int[] labels) {
    setProbeSet(features, exampleIds, labels, null);
  }

  /**
   * Sets the probe set with the examples' true (clean) classes, for a trainer that knows them (it
   * injected the label noise itself): the analyzer then groups the probe rows by true class for NMF
   * non-linearity instead of by the network's predictions.
   *
   * @param trueLabels the clean class of each probe example, or null when unknown
   */
  public void setProbeSet(INDArray features, long[] exampleIds, int[] labels, int[] trueLabels) {
    if (features.size(0) != exampleIds.length || exampleIds.length != labels.length
        || (trueLabels != null && trueLabels.length != labels.length)) {
      throw new IllegalArgumentException("probe features, ids, labels and true labels must have the same length: "
          + features.size(0) + ", " + exampleIds.length + ", " + labels.length
          + (trueLabels == null ? "" : ", " + trueLabels.length));
    }
    this.probeFeatures = features;
    this.probeIds = exampleIds.clone();
    this.probeLabels = labels.clone();
    this.probeTrueLabels = trueLabels == null ? null : trueLabels.clone();
  }

  /**
   * Publishes the probe set's activations of {@code model} as it is now, at step 0: call it once,
   * after {@link #setProbeSet} and before the first update. The analyzer's NMF non-linearity of this
   * record is the untrained network's: the control that later values are compared against (how much
   * of a value the architecture and the data give before any learning).
   *
   * @return whether a record was offered: false without a probe set or probe layers, or when the
   *     model has been trained already
   */
  public boolean publishUntrainedProbes(Model model) {
    NetworkView v = bind(model);
    if (probeFeatures == null || v.iterationCount() > 0 || v.probeLayers().isEmpty()) {
      return false;
    }
    ProbeCapture probes = captureProbes(v);
    String runId = config.runId();
    long timeMs = System.currentTimeMillis();
    sink.offer(Topics.TELEMETRY, runId, probes.sizeHint(), () -> Captures.toTelemetry(runId, 0, 0, timeMs, probes));
    return true;
  }

  /**
   * Takes the first {@code perClass} examples of each class (by label) from {@code iterator} as the
   * probe set; their ids are their positions in the iterator's order. The iterator is reset before
   * (when it can be) and after; a {@link RoteDataSetIterator} is read through its wrapped iterator.
   *
   * @return the number of probe examples taken
   */
  public int setProbeSet(org.nd4j.linalg.dataset.api.iterator.DataSetIterator iterator, int perClass) {
    Probes.Set p = Probes.firstPerClass(iterator instanceof RoteDataSetIterator r ? r.unwrap() : iterator, perClass);
    setProbeSet(p.features(), p.ids(), p.labels());
    return p.ids().length;
  }

  /** The last step this listener saw completed (1-based), 0 before the first. */
  public long lastStep() {
    return lastStep;
  }

  /** The epoch of the last step completed, as the network counts it. */
  public int lastEpoch() {
    return lastEpoch;
  }

  public TelemetryConfig config() {
    return config;
  }

  /** The model the listener instruments, once it has seen it (attach or first hook), else null. */
  public Model model() {
    NetworkView v = view;
    return v == null ? null : v.model();
  }

  ExampleIdSource exampleIds() {
    return ids;
  }

  Degradations degradations() {
    return degradations;
  }

  /**
   * Checks {@code model} and binds the listener to it.
   *
   * @throws NetworkView.UnsupportedModelException when Rote cannot instrument the model
   * @throws IllegalStateException when the listener is bound to another model
   */
  synchronized NetworkView bind(Model model) {
    if (view != null) {
      if (view.model() != model) {
        throw new IllegalStateException("this Rote listener instruments another model ("
            + view.framework() + "); use one RoteTelemetry per network");
      }
      return view;
    }
    NetworkView v = NetworkView.of(model);
    NetworkChecks.check(v, degradations);
    if (v.model() instanceof org.deeplearning4j.nn.graph.ComputationGraph g) {
      graphGradients = new InputGradients(g, g.getConfiguration().getNetworkInputs().get(0));
    } else if (v.model() instanceof MultiLayerNetwork net) {
      mlnGradients = new MlnInputGradients(net);
    }
    view = v;
    hooks.firstStep(v);
    return v;
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
  public void onEpochStart(Model model) {
    if (!reentrant) {
      bind(model);
    }
  }

  @Override
  public void onEpochEnd(Model model) {
    if (!reentrant) {
      bind(model);
    }
  }

  @Override
  public void onForwardPass(Model model, List<INDArray> activations) {
    forward(model, activations);
  }

  @Override
  public void onForwardPass(Model model, Map<String, INDArray> activations) {
    forward(model, activations);
  }

  private void forward(Model model, Object activations) {
    if (reentrant) {
      return;
    }
    NetworkView v = bind(model);
    step = v.iterationCount() + 1L;
    batch = null;
    head = null;
    gradientNorms = null;
    inputGradient = null;
    INDArray x = v.input(activations);
    if (x == null) {
      degradations.report("example_ids", "the network's input is not among the forward-pass activations: no "
          + "per-example values and no example ids", Degradations.NEEDS_PER_EXAMPLE);
      return;
    }
    ExampleIdSource.StepIds stepIds = ids.take((int) x.size(0));
    if (!config.isSummaryStep(step)) {
      return;
    }
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      BatchCapture.Builder b = new BatchCapture.Builder((int) x.size(0)).ids(stepIds.ids()).noisy(stepIds.noisy());
      if (stepIds.ids() == null) {
        b.contentRows(Captures.floats(x));
      }
      try {
        // An unsupported output layer was reported when the listener bound to the network.
        head = v.head() == NetworkView.Head.UNSUPPORTED ? null : HeadCapture.begin(v, activations, b);
        INDArray labels = v.labelsAtForwardPass();
        if (head != null && labels != null) {
          head.labels(labels);
        }
      } catch (HeadCapture.Unsupported e) {
        head = null;
        degradations.report("per_example_values", e.getMessage() + ": no per-example label, prediction, loss "
            + "or margin (batch loss only)", Degradations.NEEDS_PER_EXAMPLE);
      }
      batch = b;
    }
    if (config.isSensitivityStep(step) && inputGradient == null) {
      if (graphGradients != null) {
        graphGradients.arm();
        graphGradients.armed();
      } else if (mlnGradients != null) {
        mlnGradients.arm();
      }
    }
  }

  @Override
  public void onBackwardPass(Model model) {
    if (reentrant || batch == null) {
      return;
    }
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      if (head != null && !batch.hasLabels() && view.outputLayer().layer() instanceof IOutputLayer out
          && out.getLabels() != null) {
        try {
          head.labels(out.getLabels());
        } catch (HeadCapture.Unsupported e) {
          head = null;
          degradations.report("per_example_values", e.getMessage(), Degradations.NEEDS_PER_EXAMPLE);
        }
      }
      if (graphGradients != null && config.isSensitivityStep(step)) {
        INDArray eps = graphGradients.capture();
        if (eps != null) {
          batch.sensitivity(Captures.rowNorm1(eps));
        }
        graphGradients.disarm();
      }
    }
  }

  @Override
  public void onGradientCalculation(Model model) {
    if (reentrant || batch == null || !config.isLayerStatsStep(step)) {
      return;
    }
    List<LayerRef> layers = view.layers();
    gradientNorms = new double[layers.size()];
    for (LayerRef l : layers) {
      gradientNorms[l.index()] = l.hasParams() ? LayerNorms.norm2(l.layer().getGradientsViewArray()) : 0;
    }
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    if (reentrant) {
      return;
    }
    NetworkView v = bind(model);
    release();
    long done = iteration + 1L;
    lastStep = done;
    lastEpoch = epoch;
    long timeMs = System.currentTimeMillis();
    String runId = config.runId();
    if (batch != null && done == step) {
      if (gradientNorms != null) {
        batch.layers(LayerNorms.stats(v, gradientNorms));
      }
      float[] tapped = mlnGradients == null ? null : mlnGradients.take();
      if (tapped != null && tapped.length == batch.rows() && !batch.hasSensitivity()) {
        batch.sensitivity(tapped);
      }
      if (config.isSensitivityStep(done) && !batch.hasSensitivity()) {
        INDArray dLdx = inputGradient != null ? inputGradient
            : v.model() instanceof MultiLayerNetwork net ? secondPass(net) : null;
        if (dLdx != null) {
          batch.sensitivity(Captures.rowNorm1(dLdx));
        } else if (head != null) {
          degradations.report("sensitivity", "the backward pass does not reach the network's input (frozen first "
              + "layers?): no per-example loss sensitivities", Degradations.NEEDS_SENSITIVITY);
        }
      }
      BatchCapture.Builder capture = batch.learningRate(v.learningRate()).fallbackLoss(model.score());
      BatchCapture.IdResolver resolver = ids.resolver(epoch);
      sink.offer(Topics.TELEMETRY, runId, BatchCapture.sizeHint(capture.rows(), gradientNorms == null ? 0
          : gradientNorms.length) + capture.heldBytes(),
          () -> Captures.toTelemetry(runId, done, epoch, timeMs, capture.build(resolver)));
    }
    if (!probeChecked) {
      probeChecked = true;
      if (probeFeatures == null) {
        degradations.report("probe_set", "no probe set: call listener().setProbeSet(trainIterator, 32) (or "
            + "setProbeSet(features, ids, labels)) before training", Degradations.NEEDS_PROBES);
      }
    }
    if (probeFeatures != null && config.isProbeStep(done) && !v.probeLayers().isEmpty()) {
      ProbeCapture probes = captureProbes(v);
      sink.offer(Topics.TELEMETRY, runId, probes.sizeHint(),
          () -> Captures.toTelemetry(runId, done, epoch, timeMs, probes));
    }
    batch = null;
    head = null;
    inputGradient = null;
    ids.endStep();
  }

  /** Puts back anything the listener changed on the network for the step in progress. */
  void release() {
    if (graphGradients != null) {
      graphGradients.disarm();
    }
    if (mlnGradients != null) {
      mlnGradients.disarm();
    }
  }

  /** dL/dx by a second backward pass after the update, with this listener out of the way. */
  private INDArray secondPass(MultiLayerNetwork net) {
    reentrant = true;
    try {
      return MlnInputGradients.secondPass(net);
    } finally {
      reentrant = false;
    }
  }

  private ProbeCapture captureProbes(NetworkView v) {
    reentrant = true;
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      return Probes.capture(v, probeFeatures, probeIds, probeLabels, probeTrueLabels);
    } finally {
      reentrant = false;
    }
  }
}
