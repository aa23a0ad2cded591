package dev.rote.replay;

import java.util.List;

/**
 * What one replay of one run with one rule set gave: what {@code ./rote replay} prints, and the
 * fields of its {@code --json} output (in snake case).
 *
 * @param run the replayed run
 * @param replayRunId the replay's run id ({@code RUN_ID@replay-N}), or null for a backtest
 * @param rules the rule set: a file name or {@code built-in rules}
 * @param firstStep first step replayed, or null when none was
 * @param lastStep last step replayed, or null
 * @param missingFrom first step gone from the topic (retention), or null
 * @param missingTo last step gone, or null
 * @param stopStep step of the indicator that fired the first stop, or null
 * @param stopRule the rule that fired it, or null
 * @param testAccAtStop the run's latest clean test accuracy at or before the stop step, or null
 * @param restoreStep the restore step the stop recommends, or null
 * @param originalStopStep step of the original run's first stop signal, or null
 * @param originalStopRule its rule, or null
 * @param originalTestAccAtStop clean test accuracy at that step, or null
 * @param bestTestAcc best clean test accuracy the telemetry records, or null
 * @param indicatorsCompared with --compare: the original's indicators, else null
 * @param indicatorsDiffering with --compare: original indicators not reproduced bit for bit, else null
 * @param seconds wall time of the replay
 * @param stepsPerSecond steps replayed per second
 * @param rejectedRecords telemetry records the analysis rejected as invalid (the analyzer
 *     dead-letters them)
 * @param unreadableRecords records of the run that could not be read at all and were skipped
 * @param unreadable where those records are and why they could not be read
 */
public record Outcome(String run, String replayRunId, String rules, Long firstStep, Long lastStep, Long missingFrom,
    Long missingTo, Long stopStep, String stopRule, Double testAccAtStop, Long restoreStep, Long originalStopStep,
    String originalStopRule, Double originalTestAccAtStop, Double bestTestAcc, Long indicatorsCompared,
    Long indicatorsDiffering, double seconds, double stepsPerSecond, long rejectedRecords, long unreadableRecords,
    List<Unreadable> unreadable) {

  public Outcome {
    unreadable = List.copyOf(unreadable);
  }
}
