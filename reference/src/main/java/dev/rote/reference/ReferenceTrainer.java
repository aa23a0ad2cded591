package dev.rote.reference;

import dev.rote.contract.v1.DatasetInfo;
import dev.rote.contract.v1.LabelNoiseMode;
import dev.rote.contract.v1.ProbeSet;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.StopSignal;
import dev.rote.trainer.Checkpoints;
import dev.rote.trainer.ModelSummaries;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.RoteTelemetryListener;
import dev.rote.trainer.SingleBackwardPass;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.data.LabelNoise;
import dev.rote.reference.data.NoisyLabels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The reference trainer behind {@code ./rote train}: an MLP on an IDX dataset with optional label
 * noise, instrumented with Rote's listener, evaluated on the clean test set after each epoch, and
 * stopped at the next step boundary when a stop signal for its run arrives.
 */
public final class ReferenceTrainer {

  /** What the trainer reports as it goes; all methods optional. */
  public interface Progress {
    default void onEpoch(EpochReport report) {}

    default void onStop(StopSignal signal, long step) {}
  }

  /** End-of-epoch numbers. */
  public record EpochReport(
      int epoch, int epochs, long step, double trainLoss, double testAccuracy, double testLoss,
      long telemetrySent, long telemetryDropped, boolean afterStop) {}

  /**
   * How the run ended.
   *
   * @param steps last step trained
   * @param bestStep step of the best clean test accuracy (evaluated after each epoch)
   * @param testAccuracy clean test accuracy after each epoch: {step, accuracy}
   * @param stop the stop signal received, obeyed or only recorded
   * @param stopStep last step trained when the signal arrived, or -1
   * @param testAccuracyAtStop clean test accuracy of the model at {@code stopStep}, or NaN
   * @param restoredStep step of the checkpoint restored (or, when only recording, that would have
   *     been), or -1
   * @param testAccuracyAtRestore clean test accuracy of that checkpoint, or NaN
   * @param testAccuracyAtRestoreAverage with {@link StopOptions#averageRadius()} > 0: the clean test
   *     accuracy of the average of the checkpoints around the restore step (the model kept when the
   *     stop is obeyed); else NaN
   * @param fullRunTestAccuracy after a stop with {@link StopOptions#continueAfterStop()}: the clean
   *     test accuracy training to the last epoch reached; otherwise NaN
   */
  public record Result(
      RunStatus status, long steps, int epochsCompleted, double finalTestAccuracy,
      double bestTestAccuracy, long bestStep, List<double[]> testAccuracy, Optional<StopSignal> stop,
      long stopStep, double testAccuracyAtStop, long restoredStep, double testAccuracyAtRestore,
      double fullRunTestAccuracy, double testAccuracyAtRestoreAverage) {

    /** Step of the last epoch evaluated before the stop (or of the last epoch), 0 if none. */
    public long curveStepBeforeStop() {
      long last = 0;
      for (double[] p : testAccuracy) {
        if (stopStep >= 0 && status == RunStatus.RUN_STATUS_STOPPED && p[0] > stopStep) {
          break;
        }
        last = (long) p[0];
      }
      return last;
    }
  }

  private static final int EVAL_CHUNK = 1000;

  private final TrainOptions options;
  private final IdxDataset data;
  private final NoisyLabels labels;

  /**
   * @param data the dataset, already cut to {@code --train-size}
   */
  public ReferenceTrainer(TrainOptions options, IdxDataset data) {
    this.options = options;
    this.data = data;
    int[] clean = data.trainLabels();
    if (options.randomLabels()) {
      labels = LabelNoise.random(clean, data.numClasses(), options.noiseSeed());
    } else if (options.labelNoise() > 0) {
      labels = LabelNoise.symmetric(clean, data.numClasses(), options.labelNoise(), options.noiseSeed());
    } else {
      labels = LabelNoise.none(clean);
    }
  }

  public NoisyLabels labels() {
    return labels;
  }

  /** Builds the MLP of the options for the dataset. */
  public MultiLayerNetwork buildNetwork() {
    var list = new NeuralNetConfiguration.Builder()
        .seed(options.seed())
        .dataType(DataType.FLOAT)
        .updater(new Adam(options.learningRate()))
        .weightInit(WeightInit.RELU)
        .list();
    long in = data.inputSize();
    int[] hidden = options.hidden();
    for (int i = 0; i < hidden.length; i++) {
      list.layer(new DenseLayer.Builder().name("hidden" + i).nIn(in).nOut(hidden[i])
          .activation(Activation.RELU).build());
      in = hidden[i];
    }
    list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output")
        .nIn(in).nOut(data.numClasses()).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER)
        .build());
    MultiLayerNetwork net = new MultiLayerNetwork(list.build());
    net.init();
    return net;
  }

  /** Trains to the end or until a stop signal arrives, restoring the best checkpoint on a stop. */
  public Result run(RoteTelemetry telemetry, Progress progress) {
    return run(telemetry, StopOptions.defaults(), progress);
  }

  /** Trains to the end or until a stop signal arrives, handling it as {@code stopOptions} say. */
  public Result run(RoteTelemetry telemetry, StopOptions stopOptions, Progress progress) {
    MultiLayerNetwork net = buildNetwork();
    Checkpoints checkpoints = stopOptions.restore()
        ? new Checkpoints(stopOptions.checkpointEvery(), stopOptions.checkpointCapacity()) : null;
    RoteTelemetryListener listener = telemetry.listener();
    net.addListeners(listener);
    int[] probe = probeExamples();
    listener.setProbeSet(features(true, probe), toLongs(probe), select(labels.labels(), probe));
    telemetry.publishRun(metadata(net, probe));

    int n = data.trainSize();
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    double best = Double.NaN;
    long bestStep = -1;
    double last = Double.NaN;
    int epochsDone = 0;
    List<double[]> curve = new ArrayList<>();
    Optional<StopSignal> stop = Optional.empty();
    StopOutcome outcome = null;
    boolean stopped = false;
    boolean detached = false; // training on after an obeyed stop, only to measure the full run
    long step = 0;
    long stoppedAtStep = -1;
    try {
      for (int epoch = 0; epoch < options.epochs() && !(stopped && !detached); epoch++) {
        shuffle(order, new SplittableRandom(options.seed() * 1_000_003L + epoch));
        double lossSum = 0;
        int steps = 0;
        for (int from = 0; from < n; from += options.batchSize()) {
          if (outcome == null && (stop = telemetry.stopSignal()).isPresent()) {
            outcome = onStop(net, stop.get(), checkpoints, stopOptions, step);
            progress.onStop(stop.get(), step);
            if (stopOptions.obey()) {
              stopped = true;
              stoppedAtStep = step;
              telemetry.finish(RunStatus.RUN_STATUS_STOPPED, stop.get().getRule() + ": " + stop.get().getReason(),
                  outcome.restoredStep >= 0 ? outcome.restoredStep : null);
              if (!stopOptions.continueAfterStop()) {
                break;
              }
              detached = true;
              net.setListeners(new ArrayList<>());
            }
          }
          int[] batch = Arrays.copyOfRange(order, from, Math.min(n, from + options.batchSize()));
          INDArray x = features(true, batch);
          INDArray y = oneHot(select(labels.labels(), batch));
          if (detached) {
            net.fit(x, y);
            step++;
          } else {
            listener.beginBatch(toLongs(batch), select(labels.flipped(), batch));
            if (SingleBackwardPass.wanted(net, listener)) {
              SingleBackwardPass.fit(net, x, y, listener);
            } else {
              net.fit(x, y);
            }
            step = listener.lastStep();
            if (checkpoints != null) {
              checkpoints.onStep(step, net);
            }
          }
          lossSum += net.score();
          steps++;
        }
        if (stopped && !detached) {
          break; // the partial epoch's model is gone (restored) or measured at the stop already
        }
        net.incrementEpochCount();
        double[] eval = evaluate(net);
        if (Double.isNaN(best) || eval[0] > best) {
          best = eval[0];
          bestStep = step;
        }
        curve.add(new double[] {step, eval[0]});
        if (!detached) {
          epochsDone = epoch + 1;
          last = eval[0];
          telemetry.publishEvaluation(step, epoch, "test", eval[0], eval[1], data.testSize());
        }
        progress.onEpoch(new EpochReport(epoch + 1, options.epochs(), step,
            steps == 0 ? Double.NaN : lossSum / steps, eval[0], eval[1],
            telemetry.sink().sent(), telemetry.sink().dropped(), detached));
      }
    } catch (RuntimeException e) {
      if (!stopped) { // after an obeyed stop the run's status is published already: a detached failure keeps it
        telemetry.finish(RunStatus.RUN_STATUS_FAILED, e.toString(), null);
      }
      throw e;
    }
    double fullRun = Double.NaN;
    if (stopped) {
      fullRun = detached ? curve.get(curve.size() - 1)[1] : Double.NaN;
      last = !Double.isNaN(outcome.accuracyAtAverage) && stopOptions.obey() ? outcome.accuracyAtAverage
          : Double.isNaN(outcome.accuracyAtRestore) ? outcome.accuracyAtStop : outcome.accuracyAtRestore;
    } else {
      telemetry.finish(RunStatus.RUN_STATUS_COMPLETED, "", null);
    }
    return new Result(stopped ? RunStatus.RUN_STATUS_STOPPED : RunStatus.RUN_STATUS_COMPLETED,
        stopped ? stoppedAtStep : step, epochsDone, last, best, bestStep, curve,
        outcome == null ? Optional.empty() : stop,
        outcome == null ? -1 : outcome.stopStep, outcome == null ? Double.NaN : outcome.accuracyAtStop,
        outcome == null ? -1 : outcome.restoredStep, outcome == null ? Double.NaN : outcome.accuracyAtRestore,
        fullRun, outcome == null ? Double.NaN : outcome.accuracyAtAverage);
  }

  private record StopOutcome(long stopStep, double accuracyAtStop, long restoredStep, double accuracyAtRestore,
      double accuracyAtAverage) {}

  /**
   * Measures the model at the stop and, when restoring, the checkpoint closest to the signal's
   * restore step: obeyed, the network itself goes back to it (and is saved); only recorded, a copy
   * is measured and training goes on untouched.
   */
  private StopOutcome onStop(MultiLayerNetwork net, StopSignal signal, Checkpoints checkpoints,
      StopOptions stopOptions, long step) {
    double atStop = evaluate(net)[0];
    long restored = -1;
    double atRestore = Double.NaN;
    double atAverage = Double.NaN;
    MultiLayerNetwork kept = net;
    MultiLayerNetwork averaged = null;
    if (checkpoints != null && signal.hasRestoreStep() && stopOptions.averageRadius() > 0) {
      long r = signal.getRestoreStep();
      averaged = checkpoints.average(r - stopOptions.averageRadius(), r + stopOptions.averageRadius(), net)
          .orElse(null);
      atAverage = averaged == null ? Double.NaN : evaluate(averaged)[0];
    }
    if (checkpoints != null && signal.hasRestoreStep() && checkpoints.closest(signal.getRestoreStep()).isPresent()) {
      if (stopOptions.obey() && !stopOptions.continueAfterStop()) {
        restored = checkpoints.restore(net, signal.getRestoreStep());
      } else {
        restored = checkpoints.closest(signal.getRestoreStep()).getAsLong();
        kept = checkpoints.copyAt(restored, net);
      }
      atRestore = evaluate(kept)[0];
    }
    if (averaged != null && stopOptions.obey()) {
      if (stopOptions.continueAfterStop()) {
        kept = averaged;
      } else {
        net.setParams(averaged.params());
        kept = net;
      }
    }
    if (stopOptions.obey() && stopOptions.saveModel() != null) {
      try {
        ModelSerializer.writeModel(kept, stopOptions.saveModel().toFile(), true);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot save the model to " + stopOptions.saveModel(), e);
      }
    }
    return new StopOutcome(step, atStop, restored, atRestore, atAverage);
  }

  /** Test-set accuracy and mean cross-entropy loss. */
  double[] evaluate(MultiLayerNetwork net) {
    int n = data.testSize();
    int k = data.numClasses();
    int[] y = data.testLabels();
    long correct = 0;
    double loss = 0;
    for (int from = 0; from < n; from += EVAL_CHUNK) {
      int[] idx = new int[Math.min(EVAL_CHUNK, n - from)];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = from + i;
      }
      float[] p = net.output(features(false, idx), false).castTo(DataType.FLOAT).dup('c').data().asFloat();
      for (int i = 0; i < idx.length; i++) {
        int best = 0;
        for (int c = 1; c < k; c++) {
          if (p[i * k + c] > p[i * k + best]) {
            best = c;
          }
        }
        int label = y[idx[i]];
        correct += best == label ? 1 : 0;
        loss -= Math.log(Math.max(p[i * k + label], 1e-12f));
      }
    }
    return new double[] {(double) correct / n, loss / n};
  }

  /** The first {@code probePerClass} training examples of each class, by training label. */
  int[] probeExamples() {
    int k = data.numClasses();
    int m = options.probePerClass();
    int[] count = new int[k];
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      byClass.add(new ArrayList<>());
    }
    int[] y = labels.labels();
    for (int i = 0; i < y.length; i++) {
      if (count[y[i]] < m) {
        byClass.get(y[i]).add(i);
        count[y[i]]++;
      }
    }
    return byClass.stream().flatMap(List::stream).mapToInt(Integer::intValue).toArray();
  }

  private RunMetadata.Builder metadata(MultiLayerNetwork net, int[] probe) {
    LabelNoiseMode mode = options.randomLabels() ? LabelNoiseMode.LABEL_NOISE_MODE_RANDOM
        : options.labelNoise() > 0 ? LabelNoiseMode.LABEL_NOISE_MODE_SYMMETRIC
        : LabelNoiseMode.LABEL_NOISE_MODE_NONE;
    ProbeSet.Builder ps = ProbeSet.newBuilder().setExamplesPerClass(options.probePerClass());
    for (int c = 0; c < data.numClasses(); c++) {
      ps.addClasses(c);
    }
    for (int i : probe) {
      ps.addExampleIds(i).addLabels(labels.labels()[i]);
    }
    return RunMetadata.newBuilder()
        .setModel(ModelSummaries.of(net))
        .setDataset(DatasetInfo.newBuilder()
            .setName(data.name())
            .setSource(options.data().toAbsolutePath().toString())
            .setTrainSize(data.trainSize())
            .setTestSize(data.testSize())
            .setNumClasses(data.numClasses())
            .setInputSize(data.inputSize()))
        .putHyperparameters("optimizer", "adam")
        .putHyperparameters("learning_rate", Double.toString(options.learningRate()))
        .putHyperparameters("batch_size", Integer.toString(options.batchSize()))
        .putHyperparameters("epochs", Integer.toString(options.epochs()))
        .putHyperparameters("hidden", Arrays.toString(options.hidden()))
        .putHyperparameters("seed", Long.toString(options.seed()))
        .setLabelNoise(dev.rote.contract.v1.LabelNoise.newBuilder()
            .setMode(mode)
            .setFraction(options.randomLabels() ? 1.0 : options.labelNoise())
            .setSeed(options.noiseSeed())
            .setFlippedCount(labels.flippedCount()))
        .setProbeSet(ps);
  }

  private INDArray features(boolean train, int[] idx) {
    float[] buf = new float[idx.length * data.inputSize()];
    data.fillFeatures(train, idx, buf);
    return Nd4j.create(buf, new long[] {idx.length, data.inputSize()}, 'c');
  }

  private INDArray oneHot(int[] y) {
    int k = data.numClasses();
    float[] buf = new float[y.length * k];
    for (int i = 0; i < y.length; i++) {
      buf[i * k + y[i]] = 1f;
    }
    return Nd4j.create(buf, new long[] {y.length, k}, 'c');
  }

  private static void shuffle(int[] a, SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static int[] select(int[] values, int[] idx) {
    int[] out = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = values[idx[i]];
    }
    return out;
  }

  private static boolean[] select(boolean[] values, int[] idx) {
    boolean[] out = new boolean[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = values[idx[i]];
    }
    return out;
  }

  private static long[] toLongs(int[] idx) {
    long[] out = new long[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = idx[i];
    }
    return out;
  }
}
