package dev.rote.contract;

/**
 * The range of class labels and predictions on the wire: [0, {@link #MAX_CLASSES}). The analyzer
 * keeps one signed byte per example for each and rejects a batch summary with a larger value; the
 * trainer library reports a network with more outputs as degraded; the reference trainer refuses a
 * data set with more classes.
 */
public final class Labels {

  /** The most classes a run can have: labels and predictions are in [0, 127]. */
  public static final int MAX_CLASSES = 128;

  private Labels() {}
}
