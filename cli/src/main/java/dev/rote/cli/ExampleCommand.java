package dev.rote.cli;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.RunStatus;
import dev.rote.examples.ExampleResult;
import dev.rote.examples.ExampleSettings;
import dev.rote.examples.Examples;
import dev.rote.service.KafkaOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "example", mixinStandardHelpOptions = true,
    description = {"Run one of the example programs of examples/ against a Kafka cluster: a DL4J user's own "
        + "training program with Rote added, as the README shows. NAME is plain-fit (an MLP, net.fit(iterator, "
        + "epochs)), cnn (a convolutional MultiLayerNetwork), graph (a residual ComputationGraph) or early-stopping "
        + "(DL4J's EarlyStoppingTrainer). Creates Rote's topics where they are missing; run the analyzer and the "
        + "alerting service against the same cluster to see indicators and stops.",
        "Exit code 0 when the run completed or was stopped by Rote, 1 when it failed, 2 for bad input."})
final class ExampleCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "plain-fit, cnn, graph or early-stopping.")
  String name;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers (default: from --kafka-config, else " + KafkaSettings.DEFAULT_BOOTSTRAP
          + ").")
  String bootstrapServers;

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Kafka client properties passed through unchanged (security settings included).")
  Path kafkaConfig;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run id (default: NAME-<date>-<time>).")
  String runId;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = ExampleSettings.DEFAULT_DATA_DIR,
      description = "MNIST-layout IDX data set (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "" + ExampleSettings.DEFAULT_EPOCHS, description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--train-size", paramLabel = "N", defaultValue = "" + ExampleSettings.DEFAULT_TRAIN_SIZE,
      description = "Train on the first N training examples; 0 for all (default: ${DEFAULT-VALUE}).")
  int trainSize;

  @Option(names = "--test-size", paramLabel = "N", defaultValue = "" + ExampleSettings.DEFAULT_TEST_SIZE,
      description = "Evaluate on the first N test examples each epoch; 0 for all (default: ${DEFAULT-VALUE}).")
  int testSize;

  @Option(names = "--label-noise", paramLabel = "FRACTION", defaultValue = "" + ExampleSettings.DEFAULT_LABEL_NOISE,
      description = "Symmetric label noise: this fraction of training labels replaced by another class "
          + "(default: ${DEFAULT-VALUE}; 0.4 to see Rote stop a run).")
  double labelNoise;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + ExampleSettings.DEFAULT_BATCH_SIZE,
      description = "Examples per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "" + ExampleSettings.DEFAULT_SEED,
      description = "Seed of initialization, shuffling and label noise (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    Examples.Example example = Examples.ALL.get(name);
    if (example == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "unknown example '" + name + "'; one of "
          + String.join(", ", Examples.ALL.keySet()));
    }
    if (!Files.isDirectory(data)) {
      throw new IllegalArgumentException("data directory " + data + " does not exist (Fashion-MNIST on Debian: "
          + "sudo apt-get install dataset-fashion-mnist), --data");
    }
    ExampleSettings settings = new ExampleSettings(
        bootstrapServers == null ? KafkaSettings.load(null, kafkaConfig).bootstrapServers() : bootstrapServers,
        kafkaConfig, runId == null ? ExampleSettings.newRunId(name) : runId, data, epochs, trainSize, testSize,
        labelNoise, batchSize, seed);
    KafkaOptions.connect(settings.bootstrapServers(), kafkaConfig, 6, "30d");
    ExampleResult r = example.run(settings, System.out);
    return r.status() == RunStatus.RUN_STATUS_FAILED ? 1 : 0;
  }
}
