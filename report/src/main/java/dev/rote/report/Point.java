package dev.rote.report;

/**
 * One value of an indicator or metric at a training step.
 *
 * @param step the training step (iteration), {@code >= 0}
 * @param value the value; non-finite values are kept but left out of charts
 */
public record Point(long step, double value) {

  public Point {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, was " + step);
    }
  }
}
