package dev.rote.analyzer.math;

import java.util.Arrays;

/**
 * The loops of {@link Nmf}. Matrices are arrays of rows. Each hot loop runs one index from 0 over
 * whole rows with a small body (at most six row reads and four row writes), the shape that C2's
 * superword pass turns into AVX code: larger bodies exceed its unroll limit and stay scalar, and
 * invariant offsets into one flat array defeat it. {@link Math#fma} makes every result exactly
 * specified, so vectorized and scalar execution give the same bits.
 */
final class NmfKernels {

  /** Rows of squared differences summed in float before they are added up in double. */
  private static final int FLUSH_ROWS = 64;

  private NmfKernels() {}

  /**
   * out_j = Σ_{c &lt; inner} x[j][c] · rows[c] for j &lt; k (rows of length len): the product of a
   * k×inner matrix with an inner×len one. Four output rows at a time take two input rows per pass
   * (six loads, four stores and eight fused multiply-adds per element), which keeps the FMA units
   * busier than one output row per pass; an odd inner count is padded with a zero coefficient.
   */
  static void product(float[][] x, float[][] rows, float[][] out, int k, int inner, int len) {
    int j = 0;
    for (; j + 3 < k; j += 4) {
      float[] o0 = out[j];
      float[] o1 = out[j + 1];
      float[] o2 = out[j + 2];
      float[] o3 = out[j + 3];
      float[] x0 = x[j];
      float[] x1 = x[j + 1];
      float[] x2 = x[j + 2];
      float[] x3 = x[j + 3];
      Arrays.fill(o0, 0, len, 0f);
      Arrays.fill(o1, 0, len, 0f);
      Arrays.fill(o2, 0, len, 0f);
      Arrays.fill(o3, 0, len, 0f);
      int c = 0;
      for (; c + 1 < inner; c += 2) {
        fma4x2(o0, o1, o2, o3, x0[c], x0[c + 1], x1[c], x1[c + 1], x2[c], x2[c + 1], x3[c], x3[c + 1], rows[c],
            rows[c + 1], len);
      }
      if (c < inner) {
        fma4x2(o0, o1, o2, o3, x0[c], 0f, x1[c], 0f, x2[c], 0f, x3[c], 0f, rows[c], rows[c], len);
      }
    }
    for (; j + 1 < k; j += 2) {
      float[] o0 = out[j];
      float[] o1 = out[j + 1];
      float[] x0 = x[j];
      float[] x1 = x[j + 1];
      Arrays.fill(o0, 0, len, 0f);
      Arrays.fill(o1, 0, len, 0f);
      int c = 0;
      for (; c + 1 < inner; c += 2) {
        fma2x2(o0, o1, x0[c], x0[c + 1], x1[c], x1[c + 1], rows[c], rows[c + 1], len);
      }
      if (c < inner) {
        fma2x2(o0, o1, x0[c], 0f, x1[c], 0f, rows[c], rows[c], len);
      }
    }
    if (j < k) {
      Arrays.fill(out[j], 0, len, 0f);
      combine(out[j], x[j], 1f, rows, inner, len);
    }
  }

  /** o_i += x_i·b0 + y_i·b1 for four output rows i. */
  static void fma4x2(float[] o0, float[] o1, float[] o2, float[] o3, float x0, float y0, float x1, float y1,
      float x2, float y2, float x3, float y3, float[] b0, float[] b1, int len) {
    for (int t = 0; t < len; t++) {
      float u = b0[t];
      float v = b1[t];
      o0[t] = Math.fma(x0, u, Math.fma(y0, v, o0[t]));
      o1[t] = Math.fma(x1, u, Math.fma(y1, v, o1[t]));
      o2[t] = Math.fma(x2, u, Math.fma(y2, v, o2[t]));
      o3[t] = Math.fma(x3, u, Math.fma(y3, v, o3[t]));
    }
  }

  private static void fma2x2(float[] o0, float[] o1, float x0, float y0, float x1, float y1, float[] b0, float[] b1,
      int len) {
    for (int t = 0; t < len; t++) {
      float u = b0[t];
      float v = b1[t];
      o0[t] = Math.fma(x0, u, Math.fma(y0, v, o0[t]));
      o1[t] = Math.fma(x1, u, Math.fma(y1, v, o1[t]));
    }
  }

  /** o += sign · Σ_{c &lt; count} coef[c] · rows[c], four rows per pass over o. */
  static void combine(float[] o, float[] coef, float sign, float[][] rows, int count, int len) {
    int c = 0;
    for (; c + 3 < count; c += 4) {
      fma1x4(o, sign * coef[c], rows[c], sign * coef[c + 1], rows[c + 1], sign * coef[c + 2], rows[c + 2],
          sign * coef[c + 3], rows[c + 3], len);
    }
    if (c < count) {
      // Pad the last group with zero coefficients on a row that is already there: x·0 = 0 exactly.
      float x1 = c + 1 < count ? sign * coef[c + 1] : 0f;
      float x2 = c + 2 < count ? sign * coef[c + 2] : 0f;
      fma1x4(o, sign * coef[c], rows[c], x1, rows[Math.min(c + 1, count - 1)], x2, rows[Math.min(c + 2, count - 1)],
          0f, rows[c], len);
    }
  }

  private static void fma1x4(float[] o, float x0, float[] b0, float x1, float[] b1, float x2, float[] b2, float x3,
      float[] b3, int len) {
    for (int t = 0; t < len; t++) {
      o[t] = Math.fma(x0, b0[t], Math.fma(x1, b1[t], Math.fma(x2, b2[t], Math.fma(x3, b3[t], o[t]))));
    }
  }

  /**
   * out = X·Xᵀ for the first k rows of X (length len), in double. Dot products do not vectorize
   * (the JIT keeps floating-point sums in order), so a 2×4 block of them shares every load.
   */
  static void gram(float[][] x, double[][] out, int k, int len) {
    int a = 0;
    for (; a + 1 < k; a += 2) {
      int b = a & ~3;
      for (; b + 3 < k; b += 4) {
        gram2x4(x[a], x[a + 1], x[b], x[b + 1], x[b + 2], x[b + 3], len, out[a], out[a + 1], b);
      }
      for (; b < k; b++) {
        out[a][b] = dot(x[a], x[b], len);
        out[a + 1][b] = dot(x[a + 1], x[b], len);
      }
    }
    if (a < k) {
      out[a][a] = dot(x[a], x[a], len);
    }
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < i; j++) {
        out[i][j] = out[j][i];
      }
    }
  }

  private static void gram2x4(float[] xa, float[] xb, float[] y0, float[] y1, float[] y2, float[] y3, int len,
      double[] outA, double[] outB, int b) {
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    double b0 = 0;
    double b1 = 0;
    double b2 = 0;
    double b3 = 0;
    for (int t = 0; t < len; t++) {
      double u = xa[t];
      double v = xb[t];
      double z0 = y0[t];
      double z1 = y1[t];
      double z2 = y2[t];
      double z3 = y3[t];
      a0 = Math.fma(u, z0, a0);
      a1 = Math.fma(u, z1, a1);
      a2 = Math.fma(u, z2, a2);
      a3 = Math.fma(u, z3, a3);
      b0 = Math.fma(v, z0, b0);
      b1 = Math.fma(v, z1, b1);
      b2 = Math.fma(v, z2, b2);
      b3 = Math.fma(v, z3, b3);
    }
    outA[b] = a0;
    outA[b + 1] = a1;
    outA[b + 2] = a2;
    outA[b + 3] = a3;
    outB[b] = b0;
    outB[b + 1] = b1;
    outB[b + 2] = b2;
    outB[b + 3] = b3;
  }

  /** Σ_t x[t]·y[t] in double, four independent sums. */
  static double dot(float[] x, float[] y, int len) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int t = 0;
    for (; t + 3 < len; t += 4) {
      s0 = Math.fma(x[t], (double) y[t], s0);
      s1 = Math.fma(x[t + 1], (double) y[t + 1], s1);
      s2 = Math.fma(x[t + 2], (double) y[t + 2], s2);
      s3 = Math.fma(x[t + 3], (double) y[t + 3], s3);
    }
    for (; t < len; t++) {
      s0 = Math.fma(x[t], (double) y[t], s0);
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * One HALS pass over the k rows of X, the factor being solved for, given G (the other factor
   * times the data, k rows of length len) and C (the other factor's k×k Gram matrix), rows in order
   * so that each sees the rows already updated (Gauss–Seidel):
   * X_j ← max(floor, X_j + (G_j − Σ_b C_jb·X_b) / C_jj). A row with C_jj = 0 is left as it is.
   */
  static void hals(float[][] x, float[][] g, double[][] c, int k, int len, float floor, float[] row, float[] coef) {
    for (int j = 0; j < k; j++) {
      double cjj = c[j][j];
      if (!(cjj > 0)) {
        continue;
      }
      System.arraycopy(g[j], 0, row, 0, len);
      for (int b = 0; b < k; b++) {
        coef[b] = (float) c[j][b];
      }
      combine(row, coef, -1f, x, k, len);
      float inv = (float) (1 / cjj);
      float[] xj = x[j];
      for (int t = 0; t < len; t++) {
        xj[t] = Math.max(floor, Math.fma(row[t], inv, xj[t]));
      }
    }
  }

  /** Σ_{a,b} S_ab·Q_ab of two k×k matrices. */
  static double frobeniusInner(double[][] s, double[][] q, int k) {
    double sum = 0;
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        sum += s[a][b] * q[a][b];
      }
    }
    return sum;
  }

  /**
   * ||A − W·H||²_F formed row by row (wt is W transposed, k rows of m): squared differences are
   * summed down the columns in float, which vectorizes, and added into double every 64 rows.
   */
  static double residual(float[][] a, float[][] wt, float[][] h, int m, int n, int k, float[] row, float[] coef,
      float[] acc) {
    double sum = 0;
    for (int i0 = 0; i0 < m; i0 += FLUSH_ROWS) {
      Arrays.fill(acc, 0, n, 0f);
      for (int i = i0; i < Math.min(m, i0 + FLUSH_ROWS); i++) {
        for (int j = 0; j < k; j++) {
          coef[j] = wt[j][i];
        }
        System.arraycopy(a[i], 0, row, 0, n);
        combine(row, coef, -1f, h, k, n);
        for (int t = 0; t < n; t++) {
          acc[t] = Math.fma(row[t], row[t], acc[t]);
        }
      }
      for (int t = 0; t < n; t++) {
        sum += acc[t];
      }
    }
    return sum;
  }

  /** The row-major m×n matrix flat, scaled by s, as m rows and transposed as n rows (8×8 tiles). */
  static void split(float[] flat, int m, int n, float s, float[][] rows, float[][] cols) {
    for (int i = 0; i < m; i++) {
      float[] r = rows[i];
      int base = i * n;
      for (int c = 0; c < n; c++) {
        r[c] = flat[base + c] * s;
      }
    }
    for (int i0 = 0; i0 < m; i0 += 8) {
      int i1 = Math.min(m, i0 + 8);
      for (int c0 = 0; c0 < n; c0 += 8) {
        int c1 = Math.min(n, c0 + 8);
        for (int i = i0; i < i1; i++) {
          float[] r = rows[i];
          for (int c = c0; c < c1; c++) {
            cols[c][i] = r[c];
          }
        }
      }
    }
  }
}
