package dev.rote.contract;

import dev.rote.contract.v1.RunMetadata;

/**
 * How many training-example ids a run declares: example ids lie in [0, size). From its {@code
 * RunMetadata}: {@code dataset.example_id_space} when set (a run on a subset of a larger training
 * set, whose ids keep their indices in it), else {@code dataset.train_size}. What the analyzer's
 * "example id outside the declared training set" check and the suspect exports go by; the epoch
 * length stays {@link EpochLength} (examples per epoch).
 */
public final class ExampleIdSpace {

  private ExampleIdSpace() {}

  /** The declared id space, or 0 when the metadata declares none ({@code metadata} null: none published). */
  public static long of(RunMetadata metadata) {
    if (metadata == null || !metadata.hasDataset()) {
      return 0;
    }
    long space = metadata.getDataset().getExampleIdSpace();
    return space > 0 ? space : Math.max(0, metadata.getDataset().getTrainSize());
  }

  /** Whether the run trains on a subset of its id space ({@code dataset.example_id_space} set). */
  public static boolean subset(RunMetadata metadata) {
    return metadata != null && metadata.hasDataset() && metadata.getDataset().getExampleIdSpace() > 0;
  }
}
