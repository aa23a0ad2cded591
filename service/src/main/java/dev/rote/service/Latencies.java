package dev.rote.service;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** How the services record a latency measured from a timestamp that came in a record. */
public final class Latencies {

  /** Latencies beyond this are not latencies but a wrong clock or a garbled timestamp, and are left out. */
  public static final Duration MAX = Duration.ofDays(365);

  private Latencies() {}

  /**
   * Records {@code millis} in {@code timer}: a negative value (a trainer's clock ahead of ours) as 0,
   * a value beyond {@link #MAX} not at all (it would overflow the timer's nanoseconds).
   *
   * @return whether it was recorded
   */
  public static boolean record(Timer timer, long millis) {
    if (millis > MAX.toMillis()) {
      return false;
    }
    timer.record(Duration.ofMillis(Math.max(0, millis)));
    return true;
  }
}
