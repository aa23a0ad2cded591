package dev.rote.report;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of the suspect-label experiment: how it was produced and every run. Stored by
 * {@link SuspectsReport#writeJson} with snake_case names.
 *
 * @param command the command line that produced the results
 * @param settings the experiment's settings, free text
 * @param machine where it ran
 * @param date when it ran, ISO-8601
 * @param runs every training run, in the order they ran
 */
public record SuspectsResults(String command, String settings, String machine, String date, List<Run> runs) {

  public SuspectsResults {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(date, "date");
    runs = List.copyOf(Objects.requireNonNull(runs, "runs"));
  }

  /**
   * One noisy training run and how well each statistic found its flipped labels.
   *
   * @param setting what the run trained, without the seed (runs with the same setting are grouped),
   *     e.g. {@code mlp, 10000 examples, symmetric 40%}
   * @param labelNoise the fraction of flipped labels asked for
   * @param flipped labels actually flipped
   * @param stopStep where Rote's stop signal arrived (observed, not obeyed), null when none did
   * @param steps steps trained
   * @param stepsPerEpoch steps of one epoch
   * @param measures each statistic's quality at each epoch end, at the stop step and at the end
   * @param payoff retraining on the cleaned data, null when not measured
   */
  public record Run(String setting, String model, String noiseMode, double labelNoise, int trainSize, int seed,
      int flipped, Long stopStep, long steps, long stepsPerEpoch, List<Measure> measures, Payoff payoff) {

    public Run {
      Objects.requireNonNull(setting, "setting");
      measures = List.copyOf(Objects.requireNonNull(measures, "measures"));
    }
  }

  /**
   * One statistic's ranking against the flipped labels at one moment.
   *
   * @param moment {@code epoch} (an epoch's end), {@code stop} (Rote's stop step) or {@code end}
   * @param statistic the statistic's label, e.g. {@code score}, {@code -aum}
   * @param auroc area under the ROC curve
   * @param precision precision at the true noise rate
   */
  public record Measure(long step, int epoch, String moment, String statistic, double auroc, double precision) {}

  /**
   * Retraining on the data the ranking cleaned (at the stop step, or the end without a stop), with
   * the same settings and seed, against the noisy run.
   *
   * @param threshold examples scored above it are suspects
   * @param rankedAt {@code stop} (the ranking at Rote's stop step) or {@code end} (no stop came)
   * @param rankedStep the step of that ranking
   * @param suspects examples scored above the threshold: left out of the cleaned run
   * @param suspectsFlipped of them, labels that were flipped (the precision of the cut is this / suspects;
   *     suspects - suspectsFlipped clean examples were thrown away)
   * @param relabeled suspects given the label the network predicted most (the relabel file's lines)
   * @param relabeledFlipped of them, labels that were flipped
   * @param relabeledCorrect of them, given back their true label
   * @param noisy the noisy run (the baseline: the same data, settings and seed)
   * @param cleaned the run on the data without the suspects
   * @param relabeledRun the run on the data with the suspects relabeled
   */
  public record Payoff(double threshold, String rankedAt, long rankedStep, int suspects, int suspectsFlipped,
      int relabeled, int relabeledFlipped, int relabeledCorrect, Accuracy noisy, Accuracy cleaned,
      Accuracy relabeledRun) {}

  /**
   * Clean test accuracy of one run.
   *
   * @param runId the run's id
   * @param trainedOn what the run's metadata on {@code rote.runs} says it trained on: {@code all}, {@code
   *     keep_ids FILE}, {@code relabel FILE (N relabeled)}
   * @param trainSize examples trained per epoch ({@code dataset.train_size} of its metadata)
   * @param idSpace the example ids it declares ({@code dataset.example_id_space}, else {@code train_size})
   * @param flipped flipped labels among the examples trained
   * @param finalAcc at the end of training
   * @param best the best epoch's
   * @param bestEpoch that epoch, 1-based
   * @param atStop the model Rote's stop would leave you with (the checkpoint its signal recommends;
   *     observed, the run trained on), null when no stop came
   * @param stopStep Rote's stop (observed), null when none
   * @param curve the accuracy after each epoch, in order
   */
  public record Accuracy(String runId, String trainedOn, int trainSize, long idSpace, int flipped, double finalAcc, double best, int bestEpoch,
      Double atStop, Long stopStep, List<Double> curve) {

    public Accuracy {
      curve = List.copyOf(Objects.requireNonNull(curve, "curve"));
    }
  }
}
