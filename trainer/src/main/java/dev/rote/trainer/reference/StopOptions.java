package dev.rote.trainer.reference;

import java.nio.file.Path;

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
 */
public record StopOptions(boolean obey, boolean restore, int checkpointEvery, int checkpointCapacity, Path saveModel,
    boolean continueAfterStop) {

  public static final int DEFAULT_CHECKPOINT_EVERY = 10;
  public static final int DEFAULT_CHECKPOINT_CAPACITY = 32;

  public StopOptions {
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException("checkpointEvery must be >= 1, was " + checkpointEvery);
    }
    if (checkpointCapacity < 1) {
      throw new IllegalArgumentException("checkpointCapacity must be >= 1, was " + checkpointCapacity);
    }
  }

  /** Obey and restore, checkpoints every 10 steps, at most 32 held, model not saved. */
  public static StopOptions defaults() {
    return new StopOptions(true, true, DEFAULT_CHECKPOINT_EVERY, DEFAULT_CHECKPOINT_CAPACITY, null, false);
  }

  /** Records signals without stopping: the run goes on to its last epoch. */
  public StopOptions observeOnly() {
    return new StopOptions(false, restore, checkpointEvery, checkpointCapacity, saveModel, false);
  }

  public StopOptions withRestore(boolean value) {
    return new StopOptions(obey, value, checkpointEvery, checkpointCapacity, saveModel, continueAfterStop);
  }

  public StopOptions savingTo(Path file) {
    return new StopOptions(obey, restore, checkpointEvery, checkpointCapacity, file, continueAfterStop);
  }

  /** After an obeyed stop, trains on detached from Rote to measure the full run. */
  public StopOptions continuingAfterStop() {
    return new StopOptions(obey, restore, checkpointEvery, checkpointCapacity, saveModel, true);
  }
}
