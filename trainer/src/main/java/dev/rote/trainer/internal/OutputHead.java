package dev.rote.trainer.internal;

/**
 * The output layer of one step, copied before the update: the last hidden activations
 * ({@code rows x dim}), the weights ({@code dim x classes}, row-major) and biases. Predictions and
 * per-example softmax cross-entropy losses are computed from it in plain Java, on the sink's
 * sender thread, so the training thread only pays for three copies.
 *
 * <p>The loss matches DL4J's {@code LossMCXENT} with a softmax activation: probabilities clipped to
 * [1e-10, 1 - 1e-10], loss = -log p[label].
 */
public final class OutputHead {

  private static final double CLIP = 1e-10;

  private final float[] hidden;
  private final int rows;
  private final int dim;
  private final float[] weights;
  private final float[] bias;
  private final int classes;

  public OutputHead(float[] hidden, int rows, int dim, float[] weights, float[] bias, int classes) {
    if (hidden.length != rows * dim || weights.length != dim * classes || bias.length != classes) {
      throw new IllegalArgumentException("output head shapes disagree: hidden " + hidden.length + " for "
          + rows + "x" + dim + ", weights " + weights.length + " for " + dim + "x" + classes
          + ", bias " + bias.length);
    }
    this.hidden = hidden;
    this.rows = rows;
    this.dim = dim;
    this.weights = weights;
    this.bias = bias;
    this.classes = classes;
  }

  /** Predicted class and loss of each row given its label; fills {@code predicted} and {@code loss}. */
  public void compute(int[] labels, int[] predicted, float[] loss) {
    double[] z = new double[classes];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < classes; c++) {
        z[c] = bias[c];
      }
      int h0 = r * dim;
      for (int j = 0; j < dim; j++) {
        float h = hidden[h0 + j];
        if (h != 0f) {
          int w0 = j * classes;
          for (int c = 0; c < classes; c++) {
            z[c] += h * weights[w0 + c];
          }
        }
      }
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (z[c] > z[best]) {
          best = c;
        }
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(z[c] - z[best]);
      }
      double p = Math.exp(z[labels[r]] - z[best]) / sum;
      p = Math.min(Math.max(p, CLIP), 1 - CLIP);
      predicted[r] = best;
      loss[r] = (float) -Math.log(p);
    }
  }

  public int rows() {
    return rows;
  }
}
