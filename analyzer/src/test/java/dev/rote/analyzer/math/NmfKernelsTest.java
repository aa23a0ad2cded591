package dev.rote.analyzer.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NmfKernelsTest {

  static float[][] random(int rows, int cols, SplittableRandom rnd) {
    float[][] x = new float[rows][cols];
    for (float[] row : x) {
      for (int i = 0; i < cols; i++) {
        row[i] = (float) rnd.nextDouble();
      }
    }
    return x;
  }

  @Test
  void shouldMultiplyLikeTheTripleLoopForEveryRemainder() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int k = 1; k <= 9; k++) {
      for (int inner : new int[] {1, 2, 3, 7, 8}) {
        for (int len : new int[] {1, 5, 16, 33}) {
          float[][] x = random(k, inner, rnd);
          float[][] rows = random(inner, len, rnd);
          float[][] out = random(k, len, rnd); // stale contents must be overwritten
          NmfKernels.product(x, rows, out, k, inner, len);
          for (int j = 0; j < k; j++) {
            for (int t = 0; t < len; t++) {
              double expected = 0;
              for (int c = 0; c < inner; c++) {
                expected += (double) x[j][c] * rows[c][t];
              }
              assertThat((double) out[j][t]).as("k=%d inner=%d len=%d", k, inner, len)
                  .isCloseTo(expected, within(1e-5 * (1 + expected)));
            }
          }
        }
      }
    }
  }

  @Test
  void shouldFormSymmetricGramMatricesForEveryRemainder() {
    SplittableRandom rnd = new SplittableRandom(12);
    for (int k = 1; k <= 11; k++) {
      float[][] x = random(k, 37, rnd);
      double[][] out = new double[k][k];
      NmfKernels.gram(x, out, k, 37);
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          double expected = 0;
          for (int t = 0; t < 37; t++) {
            expected += (double) x[a][t] * x[b][t];
          }
          assertThat(out[a][b]).as("k=%d (%d,%d)", k, a, b).isCloseTo(expected, within(1e-12));
          assertThat(out[a][b]).isEqualTo(out[b][a]);
        }
      }
    }
  }

  @Test
  void shouldSumTheSquaredResidualOverMoreRowsThanOneFlush() {
    SplittableRandom rnd = new SplittableRandom(13);
    int m = 150;
    int n = 21;
    int k = 3;
    float[][] a = random(m, n, rnd);
    float[][] wt = random(k, m, rnd);
    float[][] h = random(k, n, rnd);
    double expected = 0;
    for (int i = 0; i < m; i++) {
      for (int c = 0; c < n; c++) {
        double v = 0;
        for (int j = 0; j < k; j++) {
          v += (double) wt[j][i] * h[j][c];
        }
        expected += (a[i][c] - v) * (a[i][c] - v);
      }
    }
    double got = NmfKernels.residual(a, wt, h, m, n, k, new float[n], new float[k], new float[n]);
    assertThat(got).isCloseTo(expected, within(1e-5 * expected));
  }
}
