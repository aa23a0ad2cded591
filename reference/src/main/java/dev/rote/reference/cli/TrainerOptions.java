package dev.rote.reference.cli;

import dev.rote.reference.StopOptions;
import dev.rote.reference.TrainOptions;
import dev.rote.reference.TrainingSet;
import dev.rote.reference.data.LabelNoise;
import dev.rote.reference.data.NoisyLabels;
import dev.rote.trainer.TelemetryConfig;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the reference trainer: a picocli mixin of {@code train}, {@code demo} and {@code bench trainer}. */
public final class TrainerOptions {

  @Mixin ModelOptions model = new ModelOptions();

  @Option(names = "--label-noise", paramLabel = "FRACTION", defaultValue = "0",
      description = "Fraction of training labels replaced by a different class, uniformly (default: ${DEFAULT-VALUE}).")
  double labelNoise;

  @Option(names = "--noise-mode", paramLabel = "MODE", defaultValue = "symmetric",
      description = "symmetric: labels moved to a different class uniformly; asymmetric: each source class's labels "
          + "moved to its partner (--noise-pairs) (default: ${DEFAULT-VALUE}).")
  String noiseMode;

  @Option(names = "--noise-pairs", paramLabel = "S:T,S:T,...",
      description = "Class pairs of asymmetric noise, source:target (default for Fashion-MNIST "
          + "0:6,6:0,2:4,4:2,5:7,7:5; for other data sets c:c+1 mod K).")
  String noisePairs;

  @Option(names = "--noise-seed", paramLabel = "N", defaultValue = "1",
      description = "Seed of the label noise (default: ${DEFAULT-VALUE}).")
  long noiseSeed;

  @Option(names = "--keep-ids", paramLabel = "FILE",
      description = "Train only on the example ids this file lists, one per line (./rote suspects --export-clean); "
          + "the label noise is applied to the whole training set first, and examples keep their ids.")
  Path keepIds;

  @Option(names = "--relabel", paramLabel = "FILE",
      description = "Train the examples this CSV lists (example_id,label,suggested_label[,score], "
          + "./rote suspects --export-relabel) with their suggested labels, after the label noise.")
  Path relabel;

  @Option(names = "--random-labels",
      description = "Replace every training label by a uniformly random class.")
  boolean randomLabels;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Seed of initialization and shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--run-id", paramLabel = "ID",
      description = "Run id (default: generated from the time).")
  String runId;

  @Option(names = "--probe-per-class", paramLabel = "M", defaultValue = "32",
      description = "Probe examples per class (default: ${DEFAULT-VALUE}).")
  int probePerClass;

  @Option(names = "--summary-every", paramLabel = "N",
      defaultValue = "" + TelemetryConfig.DEFAULT_SUMMARY_EVERY,
      description = "Publish a batch summary every N steps (default: ${DEFAULT-VALUE}).")
  int summaryEvery;

  @Option(names = "--layer-stats-every", paramLabel = "N",
      defaultValue = "" + TelemetryConfig.DEFAULT_LAYER_STATS_EVERY,
      description = "Add per-layer norms every N steps (default: ${DEFAULT-VALUE}).")
  int layerStatsEvery;

  @Option(names = "--sensitivity-every", paramLabel = "N",
      defaultValue = "" + TelemetryConfig.DEFAULT_SENSITIVITY_EVERY,
      description = "Add per-example loss sensitivities every N steps (default: ${DEFAULT-VALUE}).")
  int sensitivityEvery;

  @Option(names = "--probe-every", paramLabel = "N",
      defaultValue = "" + TelemetryConfig.DEFAULT_PROBE_EVERY,
      description = "Publish probe activations every N steps (default: ${DEFAULT-VALUE}).")
  int probeEvery;

  @Option(names = "--restore-average", paramLabel = "STEPS", defaultValue = "0",
      description = "On a stop, restore the average of the checkpoints within STEPS of the signal's restore step "
          + "instead of the closest checkpoint; 0 for the closest (default: ${DEFAULT-VALUE}).")
  int restoreAverage;

  /** The data and model options (the mixin shared with {@code experiment}). */
  public ModelOptions modelOptions() {
    return model;
  }

  /** The files that select and relabel the training examples ({@code --keep-ids}, {@code --relabel}). */
  public TrainingSet.Selection selection() {
    return new TrainingSet.Selection(keepIds, relabel);
  }

  /** Whether every training label is replaced by a random class. */
  public boolean randomLabels() {
    return randomLabels;
  }

  /** Sets the label noise, e.g. to a command's own default when {@code --label-noise} was not given. */
  public void setLabelNoise(double fraction) {
    labelNoise = fraction;
  }

  /**
   * How the trainer handles a stop signal, from these options.
   *
   * @param restore go back to the checkpoint the signal recommends
   * @param saveModel where to save the model after a stop, or null
   */
  public StopOptions stopOptions(boolean restore, Path saveModel) {
    var stop = StopOptions.defaults().withRestore(restore).savingTo(saveModel);
    return restoreAverage > 0 ? stop.measuringAverage(restoreAverage, 64) : stop;
  }

  /** The run id: {@code --run-id}, or one made from the time on first use. */
  public String runId() {
    if (runId == null) {
      runId = "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
          + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }
    return runId;
  }

  /** The reference trainer's options; they validate themselves. */
  public TrainOptions toOptions() {
    TelemetryConfig telemetry = TelemetryConfig.defaults(runId())
        .withSampling(summaryEvery, layerStatsEvery, sensitivityEvery, probeEvery);
    return new TrainOptions(model.data, labelNoise, noiseSeed, randomLabels, model.trainSize, model.epochs,
        model.batchSize, model.hidden, model.learningRate(), seed, probePerClass, telemetry, model.architecture(),
        model.optimization(), NoisyLabels.Mode.parseNoiseMode(noiseMode), LabelNoise.parsePairs(noisePairs));
  }

  /** One line: data, training examples, noise, network and optimization, epochs. */
  public String describe() {
    String noise = randomLabels ? "random labels"
        : "label noise " + labelNoise + (labelNoise > 0 ? " " + NoisyLabels.Mode.parseNoiseMode(noiseMode).cliName()
            : "");
    return model.data + ", " + (model.trainSize == 0 ? "all" : model.trainSize) + " training examples, " + noise
        + ", " + model.describeModel() + ", batch " + model.batchSize + ", " + model.epochs + " epochs"
        + (keepIds != null ? ", keeping the ids of " + keepIds : "") + (relabel != null ? ", relabeled by " + relabel : "");
  }
}
