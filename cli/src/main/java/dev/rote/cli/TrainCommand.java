package dev.rote.cli;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.StopSignal;
import dev.rote.metrics.MetricsEndpoint;
import dev.rote.reference.cli.ModelOptions;
import dev.rote.reference.cli.TrainerOptions;
import dev.rote.service.KafkaOptions;
import dev.rote.service.MetricsOptions;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.StopOptions;
import dev.rote.reference.TrainOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a reference model (--model mlp|cnn|resnet) on an IDX dataset, publishing telemetry to "
        + "Kafka and obeying stop signals for its run.")
final class TrainCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;
  @Mixin TrainerOptions trainer;
  @Mixin MetricsOptions metrics;

  @picocli.CommandLine.Option(names = "--no-restore",
      description = "On a stop, keep the model as it is instead of going back to the checkpoint closest to "
          + "the signal's restore step.")
  boolean noRestore;

  @picocli.CommandLine.Option(names = "--save-model", paramLabel = "FILE",
      description = "Save the model here after a stop (the restored one when restoring).")
  java.nio.file.Path saveModel;

  @picocli.CommandLine.Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
      description = "Serve Prometheus metrics on this port at /metrics; 0 for none (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Override
  public Integer call() {
    Prepared run = prepare(trainer);
    MetricsEndpoint.Address address = metrics.address(metricsPort);
    KafkaSettings settings = kafka.connect(Duration.ofSeconds(15));
    try (MetricsEndpoint endpoint = new MetricsEndpoint("trainer", address)) {
      ReferenceTrainer.Result r = train(run, settings, endpoint.registry(), System.out, null,
          trainer.stopOptions(!noRestore, saveModel));
      return r.status() == dev.rote.contract.v1.RunStatus.RUN_STATUS_FAILED ? 1 : 0;
    }
  }

  /** A validated trainer ready to run: options, data and noisy labels. */
  record Prepared(TrainerOptions cli, TrainOptions options, IdxDataset data, ReferenceTrainer trainer) {}

  /** Validates the options and loads the data, before anything connects anywhere. */
  static Prepared prepare(TrainerOptions trainer) {
    TrainOptions options = trainer.toOptions();
    IdxDataset data = ModelOptions.loadDataset(options.data());
    if (options.trainSize() > 0) {
      data = data.subsetTrain(options.trainSize());
    }
    return new Prepared(trainer, options, data, new ReferenceTrainer(options, data, trainer.selection()));
  }

  /** Loads the data, trains with live progress on {@code out}, and prints a summary. */
  static ReferenceTrainer.Result train(
      Prepared run, KafkaSettings settings, io.micrometer.core.instrument.MeterRegistry metrics, PrintStream out,
      java.util.function.Supplier<String> indicators, StopOptions stopOptions) {
    TrainOptions options = run.options();
    IdxDataset data = run.data();
    ReferenceTrainer rt = run.trainer();
    TrainerOptions trainer = run.cli();
    out.printf("run %s: %s%n", options.telemetry().runId(), trainer.describe());
    out.printf("label noise: %d of %d training labels changed%n",
        ReferenceTrainer.labelsFor(options, data).flippedCount(), data.trainSize());
    if (rt.trainingSet().selection().any()) {
      out.println(rt.trainingSet().describe());
    }
    long t0 = System.nanoTime();
    try (RoteTelemetry telemetry = RoteTelemetry.start(options.telemetry(), settings, metrics)) {
      ReferenceTrainer.Result r = rt.run(telemetry, stopOptions, new ReferenceTrainer.Progress() {
        @Override
        public void onEpoch(ReferenceTrainer.EpochReport e) {
          if (e.afterStop()) {
            out.printf("  (full run) epoch %3d/%d  step %6d  loss %.4f  test acc %.4f%n",
                e.epoch(), e.epochs(), e.step(), e.trainLoss(), e.testAccuracy());
            return;
          }
          out.printf("epoch %3d/%d  step %6d  loss %.4f  test acc %.4f  test loss %.4f  "
                  + "telemetry sent %d dropped %d%n",
              e.epoch(), e.epochs(), e.step(), e.trainLoss(), e.testAccuracy(), e.testLoss(),
              e.telemetrySent(), e.telemetryDropped());
          if (indicators != null) {
            out.printf("           %s%n", indicators.get());
          }
        }

        @Override
        public void onStop(StopSignal s, long step) {
          out.printf(">> stop signal %s from rule %s received after step %d%s%n   %s%n",
              s.getSignalId(), s.getRule(), step,
              stopOptions.obey() ? "; stopping" : " (recorded, not obeyed)", s.getReason());
          if (s.hasRestoreStep() && stopOptions.restore()) {
            out.printf("   recommended restore step %d%n", s.getRestoreStep());
          }
          if (stopOptions.continueAfterStop()) {
            out.println("   training on detached from Rote only to show what the full run would reach:");
          }
        }
      });
      out.printf("run %s %s after %d steps (%d epochs, %.0f s): test acc %.4f%s, best %.4f%n",
          options.telemetry().runId(), Console.status(r.status()), r.steps(), r.epochsCompleted(),
          (System.nanoTime() - t0) / 1e9, r.finalTestAccuracy(),
          r.restoredStep() >= 0 && r.status() == dev.rote.contract.v1.RunStatus.RUN_STATUS_STOPPED
              ? Double.isNaN(r.testAccuracyAtRestoreAverage()) ? " (restored checkpoint of step " + r.restoredStep() + ")"
                  : " (restored the mean of the checkpoints around step " + r.restoredStep() + ")" : "",
          r.bestTestAccuracy());
      return r;
    } finally {
      out.flush();
    }
  }
}
