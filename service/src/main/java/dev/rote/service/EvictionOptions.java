package dev.rote.service;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How long a service keeps a finished run's state ({@code --evict-after}): a picocli mixin of the
 * commands that run the analyzer and the alerting service. See {@link RunEviction}.
 */
public final class EvictionOptions {

  @Option(names = "--evict-after", paramLabel = "DURATION", defaultValue = "10m",
      description = "Forget a run's state and metric series this long after it finished (status completed, "
          + "stopped or failed on rote.runs), e.g. 10m, 1h, 30s; 0s evicts at once (default: ${DEFAULT-VALUE}).")
  String evictAfter;

  /**
   * The grace period.
   *
   * @throws IllegalArgumentException naming {@code --evict-after} when the text is not a duration
   */
  public Duration grace() {
    if (evictAfter.trim().equals("0")) {
      return Duration.ZERO;
    }
    return CommandLines.parseDuration("--evict-after", evictAfter, "10m, 1h, 30s, 500ms or 0");
  }
}
