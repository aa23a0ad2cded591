package dev.rote.reference.cli;

import dev.rote.reference.data.DatasetException;
import dev.rote.reference.data.IdxDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The data and the reference model on the command line: a picocli mixin of {@code train},
 * {@code demo}, {@code experiment} and {@code bench trainer}. The fields hold the parsed values.
 */
public final class ModelOptions {

  /** Where Debian's {@code dataset-fashion-mnist} puts Fashion-MNIST: the default of {@code --data}. */
  public static final String DEFAULT_DATA = "/usr/share/datasets/fashion-mnist";

  /** What to do when the default dataset is missing; {@code ./rote} says the same before it builds. */
  public static final String MISSING_DEFAULT_DATA =
      "Fashion-MNIST is missing: sudo apt-get install dataset-fashion-mnist (or pass --data DIR)";

  @Option(names = "--data", paramLabel = "DIR", defaultValue = DEFAULT_DATA,
      description = "Dataset in the MNIST IDX layout (default: ${DEFAULT-VALUE}).")
  public Path data;

  @Option(names = "--train-size", paramLabel = "N", defaultValue = "10000",
      description = "Train on the first N training examples; 0 for all (default: ${DEFAULT-VALUE}).")
  public int trainSize;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "30",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  public int epochs;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
      description = "Examples per step (default: ${DEFAULT-VALUE}).")
  public int batchSize;

  @Option(names = "--hidden", paramLabel = "W,W,...", defaultValue = "512,512", split = ",",
      description = "Hidden layer widths (default: ${DEFAULT-VALUE}).")
  public int[] hidden;

  @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "0.0003",
      description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  public double learningRate;

  /**
   * Loads a 10-class IDX dataset; when {@code dir} is the default and missing, says how to install it.
   *
   * @throws DatasetException naming the directory, the file or the install command
   */
  public static IdxDataset loadDataset(Path dir) {
    return loadDataset(dir, Path.of(DEFAULT_DATA));
  }

  static IdxDataset loadDataset(Path dir, Path defaultDir) {
    if (dir.equals(defaultDir) && !Files.isDirectory(dir)) {
      throw new DatasetException(MISSING_DEFAULT_DATA);
    }
    return IdxDataset.load(dir, 10);
  }
}
