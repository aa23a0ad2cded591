package dev.rote.reference;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Cosine annealing of a value over a number of iterations (Loshchilov &amp; Hutter, SGDR, without
 * restarts): {@code initialValue · ½(1 + cos(π · min(i, maxIter) / maxIter))}, from the initial value
 * at iteration 0 down to 0 at {@code maxIter} and after. DL4J 1.0.0-M2.1 has no cosine
 * {@link ISchedule}; this one serializes with the network's configuration like DL4J's own.
 */
public final class CosineSchedule implements ISchedule {

  private static final long serialVersionUID = 1L;

  private final double initialValue;
  private final int maxIter;

  /**
   * @param initialValue the value at iteration 0, > 0
   * @param maxIter the iteration where the value reaches 0, >= 1
   */
  public CosineSchedule(@JsonProperty("initialValue") double initialValue, @JsonProperty("maxIter") int maxIter) {
    if (!(initialValue > 0) || Double.isInfinite(initialValue)) {
      throw new IllegalArgumentException("initialValue must be > 0, was " + initialValue);
    }
    if (maxIter < 1) {
      throw new IllegalArgumentException("maxIter must be >= 1, was " + maxIter);
    }
    this.initialValue = initialValue;
    this.maxIter = maxIter;
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    double t = Math.min(Math.max(iteration, 0), maxIter) / (double) maxIter;
    return initialValue * 0.5 * (1 + Math.cos(Math.PI * t));
  }

  @Override
  public ISchedule clone() {
    return new CosineSchedule(initialValue, maxIter);
  }

  public double getInitialValue() {
    return initialValue;
  }

  public int getMaxIter() {
    return maxIter;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CosineSchedule c && c.initialValue == initialValue && c.maxIter == maxIter;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(initialValue) * 31 + maxIter;
  }

  @Override
  public String toString() {
    return "CosineSchedule(initialValue=" + initialValue + ", maxIter=" + maxIter + ")";
  }
}
