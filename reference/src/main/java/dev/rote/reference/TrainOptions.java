package dev.rote.reference;

import dev.rote.trainer.TelemetryConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Options of the reference trainer: an MLP (ReLU hidden layers, softmax output, Adam) on a
 * dataset in the MNIST IDX layout.
 *
 * @param data dataset directory
 * @param labelNoise fraction of training labels replaced by a different class (symmetric noise)
 * @param noiseSeed seed of the noise injection
 * @param randomLabels replace every training label by a uniformly random class
 * @param trainSize use the first N training examples; 0 for all
 * @param epochs epochs to train
 * @param batchSize examples per step
 * @param hidden widths of the hidden layers
 * @param learningRate Adam learning rate
 * @param seed seed of weight initialization and shuffling
 * @param probePerClass probe examples per class
 * @param telemetry run id and sampling of the published telemetry
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
    TelemetryConfig telemetry) {

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
  }

  @Override
  public int[] hidden() {
    return hidden.clone();
  }
}
