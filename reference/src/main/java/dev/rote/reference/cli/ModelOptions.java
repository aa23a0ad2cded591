package dev.rote.reference.cli;

import dev.rote.reference.Architecture;
import dev.rote.reference.Optimization;
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
      description = "Dataset in the MNIST IDX layout, any image size, classes 0..K-1 (default: ${DEFAULT-VALUE}).")
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

  @Option(names = "--model", paramLabel = "MODEL", defaultValue = "mlp",
      description = "Reference model: mlp, cnn or resnet (default: ${DEFAULT-VALUE}).")
  public String model;

  @Option(names = "--hidden", paramLabel = "W,W,...", defaultValue = "512,512", split = ",",
      description = "Hidden layer widths of the MLP (default: ${DEFAULT-VALUE}).")
  public int[] hidden;

  @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
      description = "adam, or sgd (Nesterov momentum 0.9) (default: ${DEFAULT-VALUE}).")
  public String optimizer;

  @Option(names = "--learning-rate", paramLabel = "LR",
      description = "Learning rate (default: Adam 0.0003 for the MLP, 0.001 for the CNN and the ResNet; SGD 0.05).")
  public Double learningRate;

  @Option(names = "--lr-schedule", paramLabel = "NAME",
      description = "Learning-rate schedule over the planned steps: cosine, step (x0.1 at 50%% and 75%%) or none "
          + "(default: cosine with sgd, none with adam).")
  public String lrSchedule;

  @Option(names = "--weight-decay", paramLabel = "WD",
      description = "Weight decay (default: 0.0005 with sgd, 0 with adam).")
  public Double weightDecay;

  /** The model of {@code --model}. */
  public Architecture architecture() {
    return Architecture.parse(model);
  }

  /** The optimizer, schedule and weight decay of the options, defaults filled in per optimizer. */
  public Optimization optimization() {
    Optimization.Optimizer o = Optimization.Optimizer.parse(optimizer);
    Optimization d = Optimization.defaults(o);
    return new Optimization(o, lrSchedule == null ? d.schedule() : Optimization.LrSchedule.parse(lrSchedule),
        weightDecay == null ? d.weightDecay() : weightDecay);
  }

  /** {@code --learning-rate}, or the default of the model and optimizer. */
  public double learningRate() {
    return learningRate != null ? learningRate
        : Optimization.defaultLearningRate(architecture(), Optimization.Optimizer.parse(optimizer));
  }

  /** One line: the model and its optimization, e.g. {@code MLP [512, 512], adam 3.0E-4, none schedule}. */
  public String describeModel() {
    Architecture a = architecture();
    return a.name() + (a == Architecture.MLP ? " " + java.util.Arrays.toString(hidden) : "") + ", "
        + optimization().describe(learningRate());
  }

  /**
   * Loads an IDX dataset, its class count the labels' (largest label + 1, see {@link IdxDataset#load(Path)});
   * when {@code dir} is the default and missing, says how to install it.
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
    return IdxDataset.load(dir);
  }
}
