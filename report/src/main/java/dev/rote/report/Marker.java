package dev.rote.report;

import java.util.Objects;

/**
 * An event on a run's timeline, drawn as a vertical dashed line on every chart.
 *
 * @param step the training step of the event, {@code >= 0}
 * @param label what happened, shown in the chart legend, e.g. {@code "stop signal (step 812)"}
 */
public record Marker(long step, String label) {

  public Marker {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, was " + step);
    }
    Objects.requireNonNull(label, "label");
  }
}
