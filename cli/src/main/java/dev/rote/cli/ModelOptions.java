package dev.rote.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The data and the reference model: shared by {@code train}, {@code demo} and {@code experiment}. */
final class ModelOptions {

  static final String DEFAULT_DATA = "/usr/share/datasets/fashion-mnist";

  @Option(names = "--data", paramLabel = "DIR", defaultValue = DEFAULT_DATA,
      description = "Dataset in the MNIST IDX layout (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--train-size", paramLabel = "N", defaultValue = "10000",
      description = "Train on the first N training examples; 0 for all (default: ${DEFAULT-VALUE}).")
  int trainSize;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "30",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
      description = "Examples per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--hidden", paramLabel = "W,W,...", defaultValue = "512,512", split = ",",
      description = "Hidden layer widths (default: ${DEFAULT-VALUE}).")
  int[] hidden;

  @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "0.0003",
      description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;
}
