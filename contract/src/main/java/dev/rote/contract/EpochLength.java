package dev.rote.contract;

import dev.rote.contract.v1.RunMetadata;

/**
 * How many training steps make one epoch (one pass over the training data) of a run, from its
 * {@code RunMetadata}: {@code ceil(dataset.train_size / hyperparameters["batch_size"])}, the
 * steps of a DL4J {@code fit(iterator)} epoch whose last batch may be partial. What converts rule
 * units written in epochs into steps.
 *
 * @param steps steps per epoch, or 0 when unknown
 * @param missing what the metadata lacks when {@code steps} is unknown, naming the field (e.g.
 *     {@code "dataset.train_size"}); null when known
 */
public record EpochLength(long steps, String missing) {

  /** The hyperparameter that holds the batch size. */
  public static final String BATCH_SIZE = "batch_size";

  public EpochLength {
    if ((missing == null) == (steps < 1)) {
      throw new IllegalArgumentException("either steps >= 1 or what is missing, was " + steps + ", " + missing);
    }
  }

  /** The epoch length of a run, or what its metadata lacks; {@code metadata} null means none was published. */
  public static EpochLength of(RunMetadata metadata) {
    if (metadata == null) {
      return new EpochLength(0, "run metadata (no RunMetadata record on " + Topics.RUNS.name() + ")");
    }
    long trainSize = metadata.hasDataset() ? metadata.getDataset().getTrainSize() : 0;
    if (trainSize < 1) {
      return new EpochLength(0, "dataset.train_size");
    }
    String batch = metadata.getHyperparametersOrDefault(BATCH_SIZE, "").trim();
    long batchSize;
    try {
      batchSize = Long.parseLong(batch);
    } catch (NumberFormatException e) {
      batchSize = 0;
    }
    if (batchSize < 1) {
      return new EpochLength(0, "hyperparameters[\"" + BATCH_SIZE + "\"]"
          + (batch.isEmpty() ? "" : " (not a positive integer: '" + batch + "')"));
    }
    return new EpochLength((trainSize + batchSize - 1) / batchSize, null);
  }

  /** Whether the steps per epoch are known. */
  public boolean known() {
    return missing == null;
  }
}
