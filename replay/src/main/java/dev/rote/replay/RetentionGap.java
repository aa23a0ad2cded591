package dev.rote.replay;

import java.util.Optional;

/**
 * Steps of a run that retention deleted from {@code rote.telemetry} before a replay could read them.
 *
 * @param fromStep first step gone
 * @param toStep last step gone: the replay starts at the step after it
 * @param logStartOffset where the partition's retained log now starts
 */
public record RetentionGap(long fromStep, long toStep, long logStartOffset) {

  /**
   * The steps between the first one wanted and the first one still recorded, when the partition's
   * log no longer starts at offset 0 (retention deleted records); otherwise none.
   *
   * @param wantedFromStep the first step the replay wants (0 or 1 for the run's start)
   */
  public static Optional<RetentionGap> find(long wantedFromStep, long firstRecordedStep, long logStartOffset) {
    long wanted = Math.max(1, wantedFromStep);
    if (firstRecordedStep > wanted && logStartOffset > 0) {
      return Optional.of(new RetentionGap(wanted, firstRecordedStep - 1, logStartOffset));
    }
    return Optional.empty();
  }
}
