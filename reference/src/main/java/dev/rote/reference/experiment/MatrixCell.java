package dev.rote.reference.experiment;

import dev.rote.reference.Architecture;
import dev.rote.reference.Optimization;
import dev.rote.reference.TrainOptions;
import dev.rote.reference.data.LabelNoise;
import dev.rote.reference.data.NoisyLabels;
import dev.rote.trainer.TelemetryConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One cell of an experiment matrix: a complete training setting, run for each of its noise conditions and
 * seeds ({@link #runs()}).
 *
 * @param name unique within the matrix; letters, digits, {@code -}, {@code _} and {@code .}
 * @param data dataset directory (MNIST IDX layout)
 * @param trainSize the first N training examples; 0 for all
 * @param testSize the first N test examples measure the runs; 0 for all
 * @param batchSize examples per step
 * @param epochs epochs of every run (the full-length run Rote observes)
 * @param model the reference model
 * @param hidden the MLP's hidden widths
 * @param optimization optimizer, schedule and weight decay
 * @param learningRate the (initial) learning rate, > 0
 * @param noise the noise conditions, in order, without repeats
 * @param noisePairs asymmetric noise's class pairs (source, target, ...); empty for the dataset's default
 * @param seeds the seeds, in order, without repeats
 * @param estimateMinutes the time the cell's runs are estimated to take, as the matrix file lists it, or
 *     null
 */
public record MatrixCell(String name, Path data, int trainSize, int testSize, int batchSize, int epochs,
    Architecture model, int[] hidden, Optimization optimization, double learningRate, List<NoiseCondition> noise,
    int[] noisePairs, List<Long> seeds, Double estimateMinutes) {

  /** Probe examples per class of every run. */
  public static final int PROBE_PER_CLASS = 32;

  public MatrixCell {
    if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("cell names use letters, digits, '-', '_' and '.', was " + name);
    }
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(optimization, "optimization");
    if (trainSize < 0 || testSize < 0) {
      throw new IllegalArgumentException("train_size and test_size must be >= 0 (0 for all), were " + trainSize
          + " and " + testSize);
    }
    if (batchSize < 1 || epochs < 1) {
      throw new IllegalArgumentException("batch_size and epochs must be >= 1, were " + batchSize + " and " + epochs);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning_rate must be > 0, was " + learningRate);
    }
    if (hidden == null || hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
      throw new IllegalArgumentException("hidden must list positive widths, was " + Arrays.toString(hidden));
    }
    hidden = hidden.clone();
    noise = List.copyOf(noise);
    if (noise.isEmpty() || noise.stream().distinct().count() != noise.size()) {
      throw new IllegalArgumentException("noise must list one or more distinct conditions, was " + noise);
    }
    noisePairs = noisePairs == null ? new int[0] : noisePairs.clone();
    seeds = List.copyOf(seeds);
    if (seeds.isEmpty() || seeds.stream().distinct().count() != seeds.size()) {
      throw new IllegalArgumentException("seeds must list one or more distinct seeds, was " + seeds);
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

  /** Every run of the cell: noise conditions in order, each with every seed. */
  public List<MatrixRun> runs() {
    List<MatrixRun> runs = new ArrayList<>();
    for (NoiseCondition n : noise) {
      for (long s : seeds) {
        runs.add(new MatrixRun(this, n, s));
      }
    }
    return runs;
  }

  /** The reference trainer's options for a run of this cell, publishing under {@code runId} at default sampling. */
  public TrainOptions options(NoiseCondition condition, long seed, String runId) {
    NoisyLabels.Mode mode = condition.noisy() ? condition.mode() : NoisyLabels.Mode.SYMMETRIC;
    return new TrainOptions(data, condition.level(), seed, false, trainSize, epochs, batchSize, hidden,
        learningRate, seed, PROBE_PER_CLASS, TelemetryConfig.defaults(runId), model, optimization, mode, noisePairs);
  }

  /** The same setting on the data in {@code dir}. */
  MatrixCell withData(Path dir) {
    return new MatrixCell(name, dir, trainSize, testSize, batchSize, epochs, model, hidden, optimization,
        learningRate, noise, noisePairs, seeds, estimateMinutes);
  }

  /** The same setting with other values: for quick variants. */
  MatrixCell with(int trainSize, int testSize, int epochs, List<NoiseCondition> noise, List<Long> seeds) {
    return new MatrixCell(name, data, trainSize, testSize, batchSize, epochs, model, hidden, optimization,
        learningRate, noise, noisePairs, seeds, estimateMinutes);
  }

  /**
   * What one run of the cell trains, every value that shapes it but the noise condition and the seed, in
   * one line: e.g. {@code 10000 training examples (all test examples), batch 128, 30 epochs, MLP [512,
   * 512], adam 3.0E-4, none schedule; data /usr/share/datasets/fashion-mnist}. Recorded with every run,
   * so a resumed experiment can tell a changed cell from the one recorded.
   */
  public String describeSetting() {
    String pairs = noisePairs.length == 0 ? "" : "; asymmetric pairs " + LabelNoise.formatPairs(noisePairs);
    return String.format(Locale.ROOT, "%s training examples (%s test examples), batch %d, %d epochs, %s%s, %s%s; "
            + "data %s",
        trainSize == 0 ? "all" : Integer.toString(trainSize), testSize == 0 ? "all" : Integer.toString(testSize),
        batchSize, epochs, model.name(), model == Architecture.MLP ? " " + Arrays.toString(hidden) : "",
        optimization.describe(learningRate), pairs, data);
  }

  /** {@link #describeSetting()} with the noise conditions and seeds. */
  public String describe() {
    return describeSetting() + "; noise " + String.join(", ", noise.stream().map(NoiseCondition::label).toList())
        + "; seeds " + seeds;
  }
}
