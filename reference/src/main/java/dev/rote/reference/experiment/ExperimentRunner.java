package dev.rote.reference.experiment;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.StopSignal;
import dev.rote.reference.BaselineTrainer;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.RestorePolicy;
import dev.rote.reference.StopOptions;
import dev.rote.reference.TrainOptions;
import dev.rote.reference.data.IdxDataset;
import dev.rote.trainer.RoteTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs one run of an experiment matrix: the reference trainer trained to the last epoch while Rote watches
 * over Kafka (a stop signal is recorded, not obeyed, so the full run is known, and the restore policies are
 * measured at the signal), then the baseline — DL4J's early stopping on a validation split of the noisy
 * training data — on the same data, labels and network.
 */
public final class ExperimentRunner {

  /**
   * @param validationFraction the baseline's validation split, in (0, 1)
   * @param baselinePatience the baseline's patience in epochs on validation loss, >= 1
   * @param baseline whether to run the baseline at all
   * @param restorePolicies the restore policies measured at a stop signal
   */
  public record Settings(double validationFraction, int baselinePatience, boolean baseline,
      List<RestorePolicy> restorePolicies) {
    public Settings {
      if (!(validationFraction > 0 && validationFraction < 1)) {
        throw new IllegalArgumentException("--validation-fraction must be in (0, 1), was " + validationFraction);
      }
      if (baselinePatience < 1) {
        throw new IllegalArgumentException("--baseline-patience must be >= 1, was " + baselinePatience);
      }
      restorePolicies = List.copyOf(restorePolicies);
    }
  }

  /**
   * One run's outcome.
   *
   * @param rote the full-length run Rote watched, with the signal it would have obeyed and the restores
   *     measured there
   * @param baseline the baseline's run, or null without one
   * @param flippedLabels training labels the noise changed
   * @param minutes wall-clock minutes of the run and its baseline
   * @param epochIndicators the epoch-level indicators the analyzer committed for the run (what the
   *     built-in rule read), by step
   */
  public record Outcome(MatrixRun run, String runId, ReferenceTrainer.Result rote, BaselineTrainer.Result baseline,
      int flippedLabels, double minutes, List<EpochIndicators.Value> epochIndicators) {}

  private final Settings settings;
  private final KafkaSettings kafka;
  private final MeterRegistry registry;

  public ExperimentRunner(Settings settings, KafkaSettings kafka, MeterRegistry registry) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Runs {@code run} on {@code data} (already cut to the cell's training and test sizes), reporting
   * progress line by line.
   */
  public Outcome run(MatrixRun run, IdxDataset data, Consumer<String> progress) {
    long t0 = System.nanoTime();
    long startMs = System.currentTimeMillis() - 60_000; // the run's first records, with room for clock steps
    String runId = String.format(Locale.ROOT, "exp-%s-%s-s%d-%s", run.cell().name(), run.noise().key(), run.seed(),
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")));
    TrainOptions options = run.cell().options(run.noise(), run.seed(), runId);
    ReferenceTrainer trainer = new ReferenceTrainer(options, data);
    ReferenceTrainer.Result r;
    StopOptions stop = StopOptions.defaults().observeOnly().measuring(settings.restorePolicies());
    try (RoteTelemetry telemetry = RoteTelemetry.start(options.telemetry(), kafka, registry)) {
      r = trainer.run(telemetry, stop, new ReferenceTrainer.Progress() {
        @Override
        public void onEpoch(ReferenceTrainer.EpochReport e) {
          progress.accept(String.format(Locale.ROOT, "  epoch %2d/%d step %5d  loss %.3f  test acc %.4f", e.epoch(),
              e.epochs(), e.step(), e.trainLoss(), e.testAccuracy()));
        }

        @Override
        public void onStop(StopSignal s, long step) {
          progress.accept(String.format(Locale.ROOT, "  >> Rote would stop here (rule %s, after step %d; restore "
              + "step %s): %s", s.getRule(), step, s.hasRestoreStep() ? Long.toString(s.getRestoreStep()) : "-",
              s.getReason()));
        }
      });
    }
    StringBuilder restores = new StringBuilder();
    for (ReferenceTrainer.RestoreMeasure m : r.restores()) {
      restores.append(String.format(Locale.ROOT, ", %s %.4f", m.policy(), m.testAccuracy()));
    }
    progress.accept(String.format(Locale.ROOT, "  Rote: %s; best %.4f at step %d; final %.4f", r.stopStep() < 0
        ? "no stop" : String.format(Locale.ROOT, "stop after step %d at %.4f, restore step %d%s", r.stopStep(),
            r.testAccuracyAtStop(), r.restoredStep(), restores), r.bestTestAccuracy(), r.bestStep(),
        r.finalTestAccuracy()));
    BaselineTrainer.Result b = null;
    if (settings.baseline()) {
      b = new BaselineTrainer(options, data, trainer.labels(), settings.validationFraction(),
          settings.baselinePatience()).run();
      progress.accept(String.format(Locale.ROOT, "  baseline: stopped after step %d (%d epochs), keeps epoch %d at %.4f",
          b.stopStep(), b.epochsTrained(), b.bestEpoch() + 1, b.bestModelTestAcc()));
    }
    double minutes = (System.nanoTime() - t0) / 6e10;
    List<EpochIndicators.Value> epochIndicators = EpochIndicators.read(kafka, runId, startMs, r.steps(),
        Duration.ofSeconds(60), progress);
    return new Outcome(run, runId, r, b, trainer.labels().flippedCount(), minutes, epochIndicators);
  }
}
