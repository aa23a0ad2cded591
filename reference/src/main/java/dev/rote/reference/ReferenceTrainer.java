package dev.rote.reference;

import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.StopSignal;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.data.LabelNoise;
import dev.rote.reference.data.NoisyLabels;
import dev.rote.trainer.RoteTelemetry;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;

/**
 * The reference trainer behind {@code ./rote train}: one of the reference models ({@link Architecture})
 * on an IDX dataset with optional label noise, instrumented with Rote's listener, evaluated on the clean test set after each epoch, and
 * stopped at the next step boundary when a stop signal for its run arrives.
 *
 * <p>The parts: {@link Networks} builds the network, {@code TrainingLoop} trains it, {@code
 * StopPolicy} handles the stop signal (restore, average, save), {@link TestScore} measures the
 * clean test set, {@code Probes} picks the probe examples and {@code RunDescription} writes the
 * run's metadata.
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
   * @param restores the restore policies of {@link StopOptions#measured()} (and the one restored), each
   *     with the clean test accuracy of its model; empty without a signal with a restore step
   */
  public record Result(
      RunStatus status, long steps, int epochsCompleted, double finalTestAccuracy,
      double bestTestAccuracy, long bestStep, List<double[]> testAccuracy, Optional<StopSignal> stop,
      long stopStep, double testAccuracyAtStop, long restoredStep, double testAccuracyAtRestore,
      double fullRunTestAccuracy, double testAccuracyAtRestoreAverage, List<RestoreMeasure> restores) {

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

  /**
   * A restore policy measured at a stop signal.
   *
   * @param policy the policy's name ({@link RestorePolicy#name()})
   * @param testAccuracy the clean test accuracy of the model it restores
   * @param steps the steps of the checkpoints it used
   */
  public record RestoreMeasure(String policy, double testAccuracy, List<Long> steps) {
    public RestoreMeasure {
      steps = List.copyOf(steps);
    }
  }

  private final TrainOptions options;
  private final IdxDataset data;
  private final TrainingSet set;

  /**
   * @param data the dataset, already cut to {@code --train-size}
   */
  public ReferenceTrainer(TrainOptions options, IdxDataset data) {
    this(options, data, TrainingSet.Selection.NONE);
  }

  /**
   * A trainer on the examples {@code selection} keeps, with the labels it suggests ({@link TrainingSet}).
   *
   * @param data the dataset, already cut to {@code --train-size}
   * @throws dev.rote.reference.data.DatasetException naming the file and line of a bad selection file
   */
  public ReferenceTrainer(TrainOptions options, IdxDataset data, TrainingSet.Selection selection) {
    this.options = options;
    this.data = data;
    this.set = TrainingSet.of(options, data, selection);
  }

  /**
   * The training labels {@code options} ask for: random, symmetric or asymmetric noise (class pairs from
   * the options, else the dataset's {@link LabelNoise#defaultPairs}), or the clean labels.
   */
  public static NoisyLabels labelsFor(TrainOptions options, IdxDataset data) {
    int[] clean = data.trainLabels();
    if (options.randomLabels()) {
      return LabelNoise.random(clean, data.numClasses(), options.noiseSeed());
    }
    if (options.labelNoise() == 0) {
      return LabelNoise.none(clean);
    }
    if (options.noiseMode() == NoisyLabels.Mode.ASYMMETRIC) {
      int[] pairs = options.noisePairs().length > 0 ? options.noisePairs()
          : LabelNoise.defaultPairs(data.name(), data.numClasses());
      return LabelNoise.asymmetric(clean, data.numClasses(), options.labelNoise(), pairs, options.noiseSeed());
    }
    return LabelNoise.symmetric(clean, data.numClasses(), options.labelNoise(), options.noiseSeed());
  }

  /** The image shape and classes of a dataset, as {@link Networks} builds for them. */
  public static Networks.Shape shapeOf(IdxDataset data) {
    return new Networks.Shape(data.rows(), data.cols(), data.numClasses());
  }

  /** The training labels of every example id (after the noise and any relabeling). */
  public NoisyLabels labels() {
    return set.labels();
  }

  /** The examples trained each epoch and their labels. */
  public TrainingSet trainingSet() {
    return set;
  }

  /**
   * Builds the network of the options for the dataset, as a run starts it: a {@code MultiLayerNetwork}
   * (MLP, CNN) or a {@code ComputationGraph} (ResNet).
   */
  public Model buildNetwork() {
    return Networks.build(options, shapeOf(data), plannedSteps());
  }

  /** The steps the run plans: epochs × steps per epoch over the examples trained. */
  public long plannedSteps() {
    return (long) options.epochs() * options.stepsPerEpoch(set.size());
  }

  /** Trains to the end or until a stop signal arrives, restoring the best checkpoint on a stop. */
  public Result run(RoteTelemetry telemetry, Progress progress) {
    return run(telemetry, StopOptions.defaults(), progress);
  }

  /** Trains to the end or until a stop signal arrives, handling it as {@code stopOptions} say. */
  public Result run(RoteTelemetry telemetry, StopOptions stopOptions, Progress progress) {
    return new TrainingLoop(options, data, set, telemetry, stopOptions, progress).run();
  }
}
