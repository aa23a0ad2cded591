package dev.rote.reference;

import java.nio.file.Path;
import java.util.List;

/**
 * What the reference trainer does with a stop signal.
 *
 * @param obey stop at the next step boundary; false only records the signal (what the run would
 *     have had) and trains on, for experiments that need the counterfactual
 * @param restore keep checkpoints and, on a signal with a restore step, go back to the checkpoint
 *     closest to it
 * @param checkpointEvery steps between checkpoints, >= 1
 * @param checkpointCapacity most checkpoints held (older ones are thinned), >= 1
 * @param saveModel where to save the model after a stop (restored when restoring), or null
 * @param continueAfterStop after an obeyed stop (status published, model kept and saved), train
 *     on detached from Rote to the last epoch, only to measure what the full run would have
 *     reached; nothing more is published
 * @param averageRadius when > 0, restore (or, when only recording, measure) the average of the
 *     checkpoints within this many steps of the signal's restore step instead of the closest one
 *     (stochastic weight averaging along the trajectory); 0 for the closest checkpoint
 * @param measured restore policies measured on the side (their clean test accuracy, from the
 *     checkpoints held at the signal), whatever is restored; epoch-end checkpoints are kept when
 *     one of them needs them
 */
public record StopOptions(boolean obey, boolean restore, int checkpointEvery, int checkpointCapacity, Path saveModel,
    boolean continueAfterStop, int averageRadius, List<RestorePolicy> measured) {

  public static final int DEFAULT_CHECKPOINT_EVERY = 10;
  public static final int DEFAULT_CHECKPOINT_CAPACITY = 64;

  public StopOptions {
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException("checkpointEvery must be >= 1, was " + checkpointEvery);
    }
    if (averageRadius < 0) {
      throw new IllegalArgumentException("averageRadius must be >= 0, was " + averageRadius);
    }
    if (checkpointCapacity < 1) {
      throw new IllegalArgumentException("checkpointCapacity must be >= 1, was " + checkpointCapacity);
    }
    measured = List.copyOf(measured);
  }

  /** Obey and restore, checkpoints every 10 steps, at most 64 held, model not saved. */
  public static StopOptions defaults() {
    return new StopOptions(true, true, DEFAULT_CHECKPOINT_EVERY, DEFAULT_CHECKPOINT_CAPACITY, null, false, 0,
        List.of());
  }

  /**
   * The policy restored on an obeyed stop: the average within {@link #averageRadius()} steps when set,
   * else what the signal recommends ({@link RestorePolicy.SignalWindowSteps}: the step checkpoints in its
   * restore window, or the
   * checkpoint closest to its restore step).
   */
  public RestorePolicy restorePolicy() {
    return averageRadius > 0 ? new RestorePolicy.StepAverage(averageRadius)
        : new RestorePolicy.SignalWindowSteps();
  }

  /** Records signals without stopping: the run goes on to its last epoch. */
  public StopOptions observeOnly() {
    return new StopOptions(false, restore, checkpointEvery, checkpointCapacity, saveModel, false, averageRadius,
        measured);
  }

  public StopOptions withRestore(boolean value) {
    return new StopOptions(obey, value, checkpointEvery, checkpointCapacity, saveModel, continueAfterStop,
        averageRadius, measured);
  }

  public StopOptions savingTo(Path file) {
    return new StopOptions(obey, restore, checkpointEvery, checkpointCapacity, file, continueAfterStop,
        averageRadius, measured);
  }

  /** After an obeyed stop, trains on detached from Rote to measure the full run. */
  public StopOptions continuingAfterStop() {
    return new StopOptions(obey, restore, checkpointEvery, checkpointCapacity, saveModel, true, averageRadius,
        measured);
  }

  /**
   * Restores (or, when only recording, measures) the average of the checkpoints within {@code radius}
   * steps of the restore step, holding up to {@code capacity} checkpoints.
   */
  public StopOptions measuringAverage(int radius, int capacity) {
    return new StopOptions(obey, restore, checkpointEvery, capacity, saveModel, continueAfterStop, radius, measured);
  }

  /** Also measures these restore policies on a signal (see {@link ReferenceTrainer.Result#restores()}). */
  public StopOptions measuring(List<RestorePolicy> policies) {
    return new StopOptions(obey, restore, checkpointEvery, checkpointCapacity, saveModel, continueAfterStop,
        averageRadius, policies);
  }
}
