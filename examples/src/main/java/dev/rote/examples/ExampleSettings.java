package dev.rote.examples;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * What every example takes from its command line: where Kafka is, the run id, the data set and a
 * few knobs. {@link #parse} reads {@code --name value} pairs; the {@code ./rote example} command
 * builds the same record with picocli.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param kafkaConfig Kafka client properties file, passed to the clients unchanged; may be null
 * @param runId the run's id, the key of all its records
 * @param data directory of an MNIST-layout IDX data set (Fashion-MNIST by default)
 * @param epochs epochs to train (a stop signal ends training earlier)
 * @param trainSize train on the first this many training examples; 0 for all
 * @param testSize evaluate on the first this many test examples each epoch; 0 for all
 * @param labelNoise symmetric label noise: this fraction of training labels replaced by another class
 * @param batchSize examples per step
 * @param seed seed of weight initialization, shuffling and label noise
 */
public record ExampleSettings(
    String bootstrapServers,
    Path kafkaConfig,
    String runId,
    Path data,
    int epochs,
    int trainSize,
    int testSize,
    double labelNoise,
    int batchSize,
    long seed) {

  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  public static final String DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist";
  public static final Path DEFAULT_DATA = Path.of(DEFAULT_DATA_DIR);
  public static final int DEFAULT_EPOCHS = 30;
  public static final int DEFAULT_TRAIN_SIZE = 10_000;
  public static final int DEFAULT_TEST_SIZE = 0;
  public static final double DEFAULT_LABEL_NOISE = 0;
  public static final int DEFAULT_BATCH_SIZE = 128;
  public static final long DEFAULT_SEED = 42;

  public ExampleSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(data, "data");
    if (runId.isBlank()) {
      throw new IllegalArgumentException("--run-id must not be blank");
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("--epochs must be >= 1, was " + epochs);
    }
    if (trainSize < 0) {
      throw new IllegalArgumentException("--train-size must be >= 0, was " + trainSize);
    }
    if (testSize < 0) {
      throw new IllegalArgumentException("--test-size must be >= 0, was " + testSize);
    }
    if (!(labelNoise >= 0 && labelNoise <= 1)) {
      throw new IllegalArgumentException("--label-noise must be in [0, 1], was " + labelNoise);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be >= 1, was " + batchSize);
    }
  }

  /** The defaults, with a run id made of the example's name and the time. */
  public static ExampleSettings defaults(String example) {
    return new ExampleSettings(DEFAULT_BOOTSTRAP, null, newRunId(example), DEFAULT_DATA, DEFAULT_EPOCHS,
        DEFAULT_TRAIN_SIZE, DEFAULT_TEST_SIZE, DEFAULT_LABEL_NOISE, DEFAULT_BATCH_SIZE, DEFAULT_SEED);
  }

  /** {@code EXAMPLE-yyyyMMdd-HHmmss}. */
  public static String newRunId(String example) {
    return example + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }

  /**
   * Reads {@code --bootstrap-servers HOST:PORT --run-id ID --data DIR --kafka-config FILE --epochs N
   * --train-size N --test-size N --label-noise F --batch-size N --seed N} (any subset, any order).
   *
   * @throws IllegalArgumentException naming the option that is unknown, lacks a value or has a bad one
   */
  public static ExampleSettings parse(String example, String... args) {
    ExampleSettings s = defaults(example);
    String bootstrap = s.bootstrapServers;
    Path kafkaConfig = null;
    String runId = s.runId;
    Path data = s.data;
    int epochs = s.epochs;
    int trainSize = s.trainSize;
    int testSize = s.testSize;
    double noise = s.labelNoise;
    int batch = s.batchSize;
    long seed = s.seed;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (!option.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + option + "'");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--bootstrap-servers" -> bootstrap = value;
        case "--kafka-config" -> kafkaConfig = Path.of(value);
        case "--run-id" -> runId = value;
        case "--data" -> data = Path.of(value);
        case "--epochs" -> epochs = integer(option, value);
        case "--train-size" -> trainSize = integer(option, value);
        case "--test-size" -> testSize = integer(option, value);
        case "--label-noise" -> noise = number(option, value);
        case "--batch-size" -> batch = integer(option, value);
        case "--seed" -> seed = integer(option, value);
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    return new ExampleSettings(bootstrap, kafkaConfig, runId, data, epochs, trainSize, testSize, noise, batch,
        seed);
  }

  /** The options {@link #parse} reads, for a usage message. */
  public static String usage(String example) {
    return "usage: " + example + " [--bootstrap-servers HOST:PORT] [--kafka-config FILE] [--run-id ID] [--data DIR]\n"
        + "       [--epochs N] [--train-size N] [--test-size N] [--label-noise FRACTION] [--batch-size N] [--seed N]\n"
        + "defaults: " + DEFAULT_BOOTSTRAP + ", no properties file, " + example + "-<time>, " + DEFAULT_DATA
        + ", " + DEFAULT_EPOCHS + " epochs, " + DEFAULT_TRAIN_SIZE + " training examples, all test examples, "
        + "no label noise, batch " + DEFAULT_BATCH_SIZE + ", seed " + DEFAULT_SEED;
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be an integer, was '" + value + "'");
    }
  }

  private static double number(String option, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number, was '" + value + "'");
    }
  }
}
