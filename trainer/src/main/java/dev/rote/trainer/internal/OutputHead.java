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
    float[][] logits = logitsByClass();
    double[] z = new double[classes];
    for (int r = 0; r < rows; r++) {
      int best = 0;
      for (int c = 0; c < classes; c++) {
        z[c] = logits[c][r];
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

  /**
   * Z = H·W + b, laid out class by class ({@code classes x rows}): each class's logits are a sum of
   * whole columns of H, computed as axpys over contiguous rows of Hᵀ, which the JIT vectorizes.
   */
  private float[][] logitsByClass() {
    float[][] ht = new float[dim][rows];
    for (int r = 0; r < rows; r++) {
      int h0 = r * dim;
      for (int j = 0; j < dim; j++) {
        ht[j][r] = hidden[h0 + j];
      }
    }
    float[][] z = new float[classes][rows];
    for (int c = 0; c < classes; c++) {
      float[] zc = z[c];
      java.util.Arrays.fill(zc, bias[c]);
      for (int j = 0; j < dim; j++) {
        float w = weights[j * classes + c];
        if (w != 0f) {
          float[] hj = ht[j];
          for (int r = 0; r < zc.length; r++) {
            zc[r] += w * hj[r];
          }
        }
      }
    }
    return z;
  }

  public int rows() {
    return rows;
  }
}
