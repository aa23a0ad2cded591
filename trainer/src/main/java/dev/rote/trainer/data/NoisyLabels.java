package dev.rote.trainer.data;

/**
 * Training labels after noise injection.
 *
 * @param labels the labels to train with
 * @param flipped whether each label differs from the original
 * @param flippedCount number of labels that differ
 */
public record NoisyLabels(int[] labels, boolean[] flipped, int flippedCount) {

  public NoisyLabels {
    if (labels.length != flipped.length) {
      throw new IllegalArgumentException("labels and flipped must have the same length: "
          + labels.length + " != " + flipped.length);
    }
  }
}
