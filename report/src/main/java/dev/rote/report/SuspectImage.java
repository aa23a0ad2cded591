package dev.rote.report;

import java.util.Objects;

/**
 * One suspect label as the run report shows it: the training example's image with its assigned and
 * predicted label.
 *
 * @param exampleId the example's id (its index in the training set)
 * @param score its suspicion score
 * @param label the label it was trained with
 * @param predictedLabel the label the network predicted most often
 * @param labelFlipped ground truth when the trainer published it (injected noise), else null
 * @param width image width in pixels
 * @param height image height in pixels
 * @param gray {@code width * height} unsigned grey levels, row-major
 */
public record SuspectImage(long exampleId, double score, String label, String predictedLabel, Boolean labelFlipped,
    int width, int height, byte[] gray) {

  public SuspectImage {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(predictedLabel, "predictedLabel");
    if (width < 1 || height < 1 || gray == null || gray.length != width * height) {
      throw new IllegalArgumentException("gray must hold width x height = " + width + " x " + height + " bytes, was "
          + (gray == null ? "null" : gray.length));
    }
  }
}
