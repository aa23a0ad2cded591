package dev.rote.report;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one run of the stopping experiment: how it was produced and every training run.
 * Stored by {@link ExperimentJson} under the names {@code command}, {@code settings}, {@code machine},
 * {@code date}, {@code runs}.
 *
 * @param command the command line that produced the results
 * @param settings the experiment's settings, free text (e.g. model, data size, epochs, rules)
 * @param machine where it ran (CPU/GPU, cores)
 * @param date when it ran, e.g. ISO-8601
 * @param runs every training run, in the order they ran
 * @param rulesDesignedOn the settings the stop rules under test were designed on, as the results page
 *     states it; {@code null} or empty when not said
 */
public record ExperimentResults(
    String command, String settings, String machine, String date, List<ExperimentRun> runs,
    String rulesDesignedOn) {

  /** Results that do not say what the rules were designed on. */
  public ExperimentResults(String command, String settings, String machine, String date, List<ExperimentRun> runs) {
    this(command, settings, machine, date, runs, null);
  }

  public ExperimentResults {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(date, "date");
    runs = List.copyOf(Objects.requireNonNull(runs, "runs"));
  }
}
