package dev.rote.trainer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Logits, losses and margins of the output head against a hand computation. Fixture: two examples,
 * hidden size 2, three classes; H = [[1, 2], [0.5, -1]], W = [[1, 0, -1], [0, 1, 2]] (2 x 3), b =
 * [0.1, 0.2, 0.3], so Z = H·W + b = [[1.1, 2.2, 3.3], [0.6, -0.8, -2.2]].
 */
class OutputHeadTest {

  private static final float[] H = {1f, 2f, 0.5f, -1f};
  private static final float[] W = {1f, 0f, -1f, 0f, 1f, 2f};
  private static final float[] B = {0.1f, 0.2f, 0.3f};

  @Test
  void shouldComputeMarginsLossesAndPredictionsByHand() {
    OutputHead head = new OutputHead(H.clone(), 2, 2, W, B, 3, 1e-10);
    float[] labels = {1f, 0f, 0f, /* row 2: */ 0f, 0f, 1f};
    int[] targets = {0, 2};
    int[] predicted = new int[2];
    float[] loss = new float[2];
    float[] margin = new float[2];

    head.compute(labels, targets, predicted, loss, margin);

    // Row 1: label 0, z = (1.1, 2.2, 3.3): margin 1.1 - 3.3 = -2.2, predicted 2.
    assertThat(margin[0]).isCloseTo(-2.2f, within(1e-6f));
    assertThat(predicted[0]).isEqualTo(2);
    double lse1 = Math.log(Math.exp(1.1) + Math.exp(2.2) + Math.exp(3.3));
    assertThat((double) loss[0]).isCloseTo(lse1 - 1.1, within(1e-6));
    // Row 2: label 2, z = (0.6, -0.8, -2.2): margin -2.2 - 0.6 = -2.8, predicted 0.
    assertThat(margin[1]).isCloseTo(-2.8f, within(1e-6f));
    assertThat(predicted[1]).isEqualTo(0);
    double lse2 = Math.log(Math.exp(0.6) + Math.exp(-0.8) + Math.exp(-2.2));
    assertThat((double) loss[1]).isCloseTo(lse2 + 2.2, within(1e-6));
  }

  @Test
  void shouldTakeSoftLabelsIntoTheLossAsDl4jDoes() {
    OutputHead head = new OutputHead(H.clone(), 2, 2, W, null, 3, 1e-10);
    float[] labels = {0.5f, 0.5f, 0f, 0f, 0f, 1f};
    float[] loss = new float[2];
    head.compute(labels, new int[] {0, 2}, new int[2], loss, new float[2]);
    // Without bias row 1 has z = (1, 2, 3): loss = -(0.5 log p0 + 0.5 log p1).
    double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    assertThat((double) loss[0]).isCloseTo(0.5 * (lse - 1) + 0.5 * (lse - 2), within(1e-6));
  }

  @Test
  void shouldKeepMarginsFinite() {
    assertThat(OutputHead.margin(new double[] {Double.NaN, 1}, 0)).isZero();
    assertThat(OutputHead.margin(new double[] {3}, 0)).as("a single class").isZero();
    assertThat(OutputHead.margin(new double[] {Double.POSITIVE_INFINITY, 1}, 0)).isEqualTo(Float.MAX_VALUE);
    assertThat(OutputHead.margins(new float[] {2f, 5f, -1f}, 1, 3, new int[] {1})).containsExactly(3f);
  }

  @Test
  void shouldMatchAPlainTripleLoopOnShapesThatDoNotFillTheTilesAndReuseNoStaleValues() {
    java.util.Random rnd = new java.util.Random(7);
    // A big head first, then smaller ones: the thread's reused arrays must not leak values between calls.
    for (int[] shape : new int[][] {{131, 77, 12}, {37, 45, 7}, {5, 3, 2}, {37, 45, 7}}) {
      int rows = shape[0];
      int dim = shape[1];
      int classes = shape[2];
      float[] h = new float[rows * dim];
      float[] w = new float[dim * classes];
      float[] b = new float[classes];
      for (int i = 0; i < h.length; i++) {
        h[i] = rnd.nextFloat() < 0.4f ? 0f : (float) rnd.nextGaussian();
      }
      for (int i = 0; i < w.length; i++) {
        w[i] = rnd.nextFloat() < 0.1f ? 0f : (float) rnd.nextGaussian() * 0.3f;
      }
      for (int c = 0; c < classes; c++) {
        b[c] = (float) rnd.nextGaussian();
      }
      int[] targets = new int[rows];
      float[] labels = new float[rows * classes];
      for (int r = 0; r < rows; r++) {
        targets[r] = rnd.nextInt(classes);
        labels[r * classes + targets[r]] = 1f;
      }
      int[] predicted = new int[rows];
      float[] loss = new float[rows];
      float[] margin = new float[rows];
      new OutputHead(h, rows, dim, w, b, classes, 1e-10).compute(labels, targets, predicted, loss, margin);

      for (int r = 0; r < rows; r++) {
        double[] z = new double[classes];
        for (int c = 0; c < classes; c++) {
          z[c] = b[c];
          for (int j = 0; j < dim; j++) {
            z[c] += (double) h[r * dim + j] * w[j * classes + c];
          }
        }
        int best = 0;
        double other = Double.NEGATIVE_INFINITY;
        double lse = 0;
        for (int c = 0; c < classes; c++) {
          best = z[c] > z[best] ? c : best;
          other = c != targets[r] ? Math.max(other, z[c]) : other;
          lse += Math.exp(z[c]);
        }
        assertThat(predicted[r]).as("row %d of %s", r, java.util.Arrays.toString(shape)).isEqualTo(best);
        assertThat((double) margin[r]).isCloseTo(z[targets[r]] - other, within(1e-4));
        assertThat((double) loss[r]).isCloseTo(Math.log(lse) - z[targets[r]], within(1e-4));
      }
    }
  }

  @Test
  void shouldGiveItsHiddenArrayBackForTheNextStepOnceComputed() {
    float[] hidden = new float[3 * 1021];
    OutputHead head = new OutputHead(hidden, 3, 1021, new float[1021 * 2], null, 2, 0);
    assertThat(OutputHead.reusableHidden(hidden.length)).as("not computed yet").isNotSameAs(hidden);

    head.compute(new float[6], new int[3], new int[3], new float[3], new float[3]);

    assertThat(OutputHead.reusableHidden(hidden.length)).isSameAs(hidden);
    assertThat(OutputHead.reusableHidden(hidden.length)).as("given out once").isNull();
    assertThatThrownBy(() -> head.compute(new float[6], new int[3], new int[3], new float[3], new float[3]))
        .isInstanceOf(IllegalStateException.class);
  }
}
