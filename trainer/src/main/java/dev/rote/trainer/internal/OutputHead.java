package dev.rote.trainer.internal;

/**
 * The output layer of one step, copied before the update: its 2-d input ({@code rows x dim}), the
 * weights ({@code dim x classes}, row-major) and biases. Logits, predictions, per-example softmax
 * cross-entropy losses and margins are computed from it in plain Java, on the sink's sender thread,
 * so the training thread only pays for three copies.
 *
 * <p>The loss matches DL4J's {@code LossMCXENT} with a softmax activation: probabilities clipped to
 * [eps, 1 - eps] (eps = the loss's {@code softmaxClipEps}, 1e-10 by default), loss = -Σ_c y_c log p_c.
 */
public final class OutputHead {

  /** Hidden-activation arrays that a computed head gave back, for the next step's copy. */
  private static final java.util.concurrent.BlockingQueue<float[]> SPARE_HIDDEN =
      new java.util.concurrent.ArrayBlockingQueue<>(4);

  /** The input of the output layer; given back (and null) once computed. */
  private float[] hidden;
  private final int rows;
  private final int dim;
  private final float[] weights;
  private final float[] bias;
  private final int classes;
  private final double clip;

  /**
   * @param bias may be null (no bias)
   * @param clipEps the loss's probability clipping; 0 for none
   */
  public OutputHead(float[] hidden, int rows, int dim, float[] weights, float[] bias, int classes, double clipEps) {
    if (hidden.length != rows * dim || weights.length != dim * classes || (bias != null && bias.length != classes)) {
      throw new IllegalArgumentException("output head shapes disagree: hidden " + hidden.length + " for "
          + rows + "x" + dim + ", weights " + weights.length + " for " + dim + "x" + classes
          + ", bias " + (bias == null ? "none" : bias.length));
    }
    this.hidden = hidden;
    this.rows = rows;
    this.dim = dim;
    this.weights = weights;
    this.bias = bias;
    this.classes = classes;
    this.clip = clipEps;
  }

  /**
   * Fills the predicted class, loss and margin of each row.
   *
   * @param labels row-major {@code rows x classes} label matrix (one-hot or soft)
   * @param targets the trained label of each row (argmax of its label row)
   */
  public void compute(float[] labels, int[] targets, int[] predicted, float[] loss, float[] margin) {
    if (hidden == null) {
      throw new IllegalStateException("this output head was computed already");
    }
    float[][] logits = logitsByClass();
    SPARE_HIDDEN.offer(hidden);
    hidden = null;
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
      double l = 0;
      int y0 = r * classes;
      for (int c = 0; c < classes; c++) {
        float y = labels[y0 + c];
        if (y != 0f) {
          double p = Math.exp(z[c] - z[best]) / sum;
          if (clip > 0) {
            p = Math.min(Math.max(p, clip), 1 - clip);
          }
          l -= y * Math.log(p);
        }
      }
      predicted[r] = best;
      loss[r] = (float) l;
      margin[r] = margin(z, targets[r]);
    }
  }

  /**
   * An array of {@code length} floats that a computed head gave back, or null: the training thread
   * copies the next step's hidden activations into it instead of allocating ~256 KB a step.
   */
  public static float[] reusableHidden(int length) {
    float[] a;
    while ((a = SPARE_HIDDEN.poll()) != null) {
      if (a.length == length) {
        return a;
      }
    }
    return null;
  }

  /** Margins of a row-major {@code rows x classes} logit matrix against each row's target. */
  public static float[] margins(float[] logits, int rows, int classes, int[] targets) {
    float[] out = new float[rows];
    double[] z = new double[classes];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < classes; c++) {
        z[c] = logits[r * classes + c];
      }
      out[r] = margin(z, targets[r]);
    }
    return out;
  }

  /**
   * z[target] minus the largest other logit; 0 for a single class or NaN logits, infinities clamped
   * to the float range.
   */
  static float margin(double[] z, int target) {
    double other = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < z.length; c++) {
      if (c != target && z[c] > other) {
        other = z[c];
      }
    }
    if (z.length < 2) {
      return 0f;
    }
    double m = z[target] - other;
    if (Double.isNaN(m)) {
      return 0f;
    }
    return (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, m));
  }

  /** Side of the square tiles the transpose copies, so both sides of a tile stay in the L1 cache. */
  private static final int TILE = 16;

  /** Per thread that computes heads (the sender): Hᵀ and Z, reused from step to step. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private static final class Scratch {
    float[][] ht = new float[0][];
    float[][] z = new float[0][];

    /** {@code n} arrays of {@code length}, reusing those of the last call when they fit. */
    static float[][] fit(float[][] arrays, int n, int length) {
      if (arrays.length < n || (n > 0 && arrays[0].length != length)) {
        arrays = new float[n][length];
      }
      return arrays;
    }
  }

  /**
   * Z = H·W + b, laid out class by class ({@code classes x rows}): each class's logits are a sum of
   * whole columns of H, computed as axpys over contiguous rows of Hᵀ, which the JIT vectorizes. Hᵀ
   * is copied tile by tile (cache-friendly) into arrays the calling thread reuses, so a step
   * allocates nothing here.
   */
  private float[][] logitsByClass() {
    Scratch scratch = SCRATCH.get();
    float[][] ht = scratch.ht = Scratch.fit(scratch.ht, dim, rows);
    for (int r0 = 0; r0 < rows; r0 += TILE) {
      int r1 = Math.min(rows, r0 + TILE);
      for (int j0 = 0; j0 < dim; j0 += TILE) {
        int j1 = Math.min(dim, j0 + TILE);
        for (int r = r0; r < r1; r++) {
          int h0 = r * dim;
          for (int j = j0; j < j1; j++) {
            ht[j][r] = hidden[h0 + j];
          }
        }
      }
    }
    float[][] z = scratch.z = Scratch.fit(scratch.z, classes, rows);
    for (int c = 0; c < classes; c++) {
      float[] zc = z[c];
      java.util.Arrays.fill(zc, bias == null ? 0f : bias[c]);
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

  /** Bytes of the copied arrays. */
  public long bytes() {
    return 4L * ((long) rows * dim + weights.length + (bias == null ? 0 : bias.length));
  }

  public int rows() {
    return rows;
  }
}
