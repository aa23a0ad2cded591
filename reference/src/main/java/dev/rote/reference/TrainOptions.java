package dev.rote.reference;

import dev.rote.reference.data.NoisyLabels;
import dev.rote.trainer.TelemetryConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Options of the reference trainer: one of the reference models ({@link Architecture}) with its
 * optimization ({@link Optimization}) on a dataset in the MNIST IDX layout, with optional label noise.
 *
 * @param data dataset directory
 * @param labelNoise fraction of training labels changed: of all labels (symmetric noise) or of each
 *     source class (asymmetric noise)
 * @param noiseSeed seed of the noise injection
 * @param randomLabels replace every training label by a uniformly random class
 * @param trainSize use the first N training examples; 0 for all
 * @param epochs epochs to train
 * @param batchSize examples per step
 * @param hidden widths of the MLP's hidden layers (the other models ignore them)
 * @param learningRate the optimizer's (initial) learning rate
 * @param seed seed of weight initialization and shuffling
 * @param probePerClass probe examples per class
 * @param telemetry run id and sampling of the published telemetry
 * @param model the reference model
 * @param optimization optimizer, learning-rate schedule and weight decay
 * @param noiseMode {@link NoisyLabels.Mode#SYMMETRIC} or {@link NoisyLabels.Mode#ASYMMETRIC} (class
 *     pairs); ignored without noise and with {@code randomLabels}
 * @param noisePairs the asymmetric noise's class pairs as (source, target, source, target, ...), or
 *     empty for the dataset's default ({@link dev.rote.reference.data.LabelNoise#defaultPairs})
 */
public record TrainOptions(
    Path data,
    double labelNoise,
    long noiseSeed,
    boolean randomLabels,
    int trainSize,
    int epochs,
    int batchSize,
    int[] hidden,
    double learningRate,
    long seed,
    int probePerClass,
    TelemetryConfig telemetry,
    Architecture model,
    Optimization optimization,
    NoisyLabels.Mode noiseMode,
    int[] noisePairs) {

  /** The MLP with Adam at a constant learning rate and symmetric noise: the reference trainer's first setting. */
  public TrainOptions(Path data, double labelNoise, long noiseSeed, boolean randomLabels, int trainSize, int epochs,
      int batchSize, int[] hidden, double learningRate, long seed, int probePerClass, TelemetryConfig telemetry) {
    this(data, labelNoise, noiseSeed, randomLabels, trainSize, epochs, batchSize, hidden, learningRate, seed,
        probePerClass, telemetry, Architecture.MLP, Optimization.adam(), NoisyLabels.Mode.SYMMETRIC, new int[0]);
  }

  public TrainOptions {
    Objects.requireNonNull(data, "--data");
    if (Double.isNaN(labelNoise) || labelNoise < 0 || labelNoise > 1) {
      throw new IllegalArgumentException("--label-noise must be in [0, 1], was " + labelNoise);
    }
    if (randomLabels && labelNoise > 0) {
      throw new IllegalArgumentException("--random-labels and --label-noise cannot be combined");
    }
    if (trainSize < 0) {
      throw new IllegalArgumentException("--train-size must be >= 1, was " + trainSize);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("--epochs must be >= 1, was " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be >= 1, was " + batchSize);
    }
    if (hidden == null || hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
      throw new IllegalArgumentException("--hidden must list one or more positive widths, was "
          + (hidden == null ? "nothing" : Arrays.toString(hidden)));
    }
    hidden = hidden.clone();
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("--learning-rate must be > 0, was " + learningRate);
    }
    if (probePerClass < 1) {
      throw new IllegalArgumentException("--probe-per-class must be >= 1, was " + probePerClass);
    }
    Objects.requireNonNull(telemetry, "telemetry");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(optimization, "optimization");
    if (noiseMode != NoisyLabels.Mode.SYMMETRIC && noiseMode != NoisyLabels.Mode.ASYMMETRIC) {
      throw new IllegalArgumentException("--noise-mode must be symmetric or asymmetric, was " + noiseMode);
    }
    noisePairs = noisePairs == null ? new int[0] : noisePairs.clone();
    if (noisePairs.length % 2 != 0) {
      throw new IllegalArgumentException("--noise-pairs must list source:target pairs, was "
          + Arrays.toString(noisePairs));
    }
  }

  @Override
  public int[] hidden() {
    return hidden.clone();
  }

  @Override
  public int[] noisePairs() {
    return noisePairs.clone();
  }

  /** Steps per epoch over {@code examples} training examples: ceil(examples / batch size). */
  public int stepsPerEpoch(int examples) {
    return (examples + batchSize - 1) / batchSize;
  }
}
