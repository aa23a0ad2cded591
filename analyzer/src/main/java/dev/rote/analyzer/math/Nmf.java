package dev.rote.analyzer.math;

import java.util.SplittableRandom;

/**
 * Non-negative matrix factorization A ≈ W·H (A: m×n, W: m×k, H: k×n, all ≥ 0) by hierarchical
 * alternating least squares (HALS, Cichocki &amp; Phan 2009; scikit-learn's "cd" solver updates the
 * same way), and the NMF non-linearity of Collins et al. 2018, "Detecting Memorization in ReLU
 * Networks": e_k = ||A − W_k·H_k||_F / ||A||_F for each rank k of a sweep, and their mean.
 *
 * <p>Initialization is deterministic: W and H are filled with sqrt(mean(A)/k)·|z| for z drawn from
 * a standard normal generator seeded with {@link Config#seed()} (scikit-learn's {@code init="random"}
 * scaling). Stopping rule: every 5 iterations the relative error is computed (entry by entry, in
 * double); the factorization stops when it improved by less than {@link Config#tolerance()}
 * relative to the previous check, or after {@link Config#maxIterations()}. The reported error is
 * the last one computed. A zero matrix has error 0 by definition; a rank
 * above min(m, n) is clipped to min(m, n).
 *
 * <p>Matrices are arrays of rows and every product is an axpy over whole rows (indexed from 0 by one
 * loop variable), which the JIT vectorizes; flat arrays with offsets are several times slower.
 */
public final class Nmf {

  private static final float FLOOR = 1e-12f;
  private static final int CHECK_EVERY = 5;

  /**
   * @param maxIterations iteration cap per factorization
   * @param tolerance relative improvement below which a factorization stops
   * @param seed seed of the initialization
   */
  public record Config(int maxIterations, double tolerance, long seed) {
    public Config {
      if (maxIterations < 1) {
        throw new IllegalArgumentException("maxIterations must be >= 1, was " + maxIterations);
      }
      if (!(tolerance >= 0)) {
        throw new IllegalArgumentException("tolerance must be >= 0, was " + tolerance);
      }
    }
  }

  public static final Config DEFAULTS = new Config(200, 1e-4, 42);

  /** One factorization: row-major W (m×k) and H (k×n). */
  public record Factorization(float[] w, float[] h, int k, int iterations, double relativeError, long flops) {}

  /** A rank sweep: the error at each rank and their mean, the non-linearity. */
  public record Sweep(int[] ranks, double[] errors, int[] iterations, double nonlinearity, long flops) {}

  private Nmf() {}

  /** The Collins et al. sweep over {@code ranks} of a row-major m×n non-negative matrix. */
  public static Sweep sweep(float[] a, int m, int n, int[] ranks, Config config) {
    check(a, m, n);
    double[] errors = new double[ranks.length];
    int[] iterations = new int[ranks.length];
    long flops = 0;
    double sum = 0;
    Workspace ws = new Workspace(a, m, n, maxRank(ranks, m, n));
    for (int r = 0; r < ranks.length; r++) {
      Factorization f = factorize(a, m, n, ranks[r], config, ws);
      errors[r] = f.relativeError();
      iterations[r] = f.iterations();
      flops += f.flops();
      sum += errors[r];
    }
    return new Sweep(ranks.clone(), errors, iterations, sum / ranks.length, flops);
  }

  /** Factorizes a row-major m×n non-negative matrix at rank k. */
  public static Factorization factorize(float[] a, int m, int n, int k, Config config) {
    check(a, m, n);
    return factorize(a, m, n, k, config, new Workspace(a, m, n, Math.min(k, Math.min(m, n))));
  }

  private static int maxRank(int[] ranks, int m, int n) {
    int max = 1;
    for (int k : ranks) {
      if (k < 1) {
        throw new IllegalArgumentException("ranks must be >= 1, was " + k);
      }
      max = Math.max(max, Math.min(k, Math.min(m, n)));
    }
    return max;
  }

  private static void check(float[] a, int m, int n) {
    if (m < 1 || n < 1 || a.length != (long) m * n) {
      throw new IllegalArgumentException("matrix of " + a.length + " values is not " + m + "x" + n);
    }
    for (int i = 0; i < a.length; i++) {
      float v = a[i];
      if (!(v >= 0) || v == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("NMF needs finite non-negative entries; entry " + i + " is " + v);
      }
    }
  }

  /** Buffers reused across the ranks of a sweep; every matrix is an array of rows. */
  private static final class Workspace {
    final float[][] a;
    final float[][] at;
    final float[][] wt;
    final float[][] h;
    final float[][] pt;
    final float[][] r;
    final double[][] q;
    final double[][] s;
    final float[] row;

    Workspace(float[] flat, int m, int n, int k) {
      a = new float[m][n];
      at = new float[n][m];
      for (int i = 0; i < m; i++) {
        for (int c = 0; c < n; c++) {
          a[i][c] = flat[i * n + c];
          at[c][i] = flat[i * n + c];
        }
      }
      wt = new float[k][m];
      h = new float[k][n];
      pt = new float[k][m];
      r = new float[k][n];
      q = new double[k][k];
      s = new double[k][k];
      row = new float[Math.max(m, n)];
    }
  }

  private static Factorization factorize(float[] flat, int m, int n, int rank, Config config, Workspace ws) {
    int k = Math.min(rank, Math.min(m, n));
    double normA2 = 0;
    double sumA = 0;
    for (float v : flat) {
      normA2 += (double) v * v;
      sumA += v;
    }
    if (normA2 == 0) {
      return new Factorization(new float[m * k], new float[k * n], k, 0, 0, 0);
    }
    // W is kept transposed (k rows of m) so that every product and update is an axpy over rows.
    initialize(ws.wt, ws.h, m, n, k, sumA / ((double) m * n), config.seed());
    long perIteration = 4L * m * n * k + 4L * (m + n) * k * k;
    int it = 0;
    int checks = 0;
    double error = Double.NaN;
    double previous = Double.POSITIVE_INFINITY;
    while (it < config.maxIterations()) {
      it++;
      // W update: Pᵀ = H·Aᵀ (k×m), Q = H·Hᵀ (k×k).
      product(ws.h, ws.at, ws.pt, k, n);
      gram(ws.h, ws.q, k);
      update(ws.wt, ws.pt, ws.q, k, m, ws.row);
      // H update: R = Wᵀ·A (k×n), S = Wᵀ·W (k×k).
      product(ws.wt, ws.a, ws.r, k, m);
      gram(ws.wt, ws.s, k);
      update(ws.h, ws.r, ws.s, k, n, ws.row);
      if (it % CHECK_EVERY == 0 || it == config.maxIterations()) {
        error = directError(ws.a, ws.wt, ws.h, m, n, k, normA2, ws.row);
        checks++;
        if (previous - error < config.tolerance() * previous) {
          break;
        }
        previous = error;
      }
    }
    if (it % CHECK_EVERY != 0 && it != config.maxIterations()) {
      error = directError(ws.a, ws.wt, ws.h, m, n, k, normA2, ws.row);
      checks++;
    }
    float[] w = new float[m * k];
    float[] h = new float[k * n];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < m; i++) {
        w[i * k + j] = ws.wt[j][i];
      }
      System.arraycopy(ws.h[j], 0, h, j * n, n);
    }
    long flops = perIteration * it + 2L * m * n * k * checks;
    return new Factorization(w, h, k, it, error, flops);
  }

  private static void initialize(float[][] wt, float[][] h, int m, int n, int k, double mean, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double scale = Math.sqrt(mean / k);
    for (int j = 0; j < k; j++) {
      for (int c = 0; c < n; c++) {
        h[j][c] = (float) (scale * Math.abs(gaussian(rnd)));
      }
    }
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < m; i++) {
        wt[j][i] = (float) (scale * Math.abs(gaussian(rnd)));
      }
    }
  }

  /** Box–Muller, so the stream is defined by this code alone. */
  private static double gaussian(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  /** out_j = Σ_c x[j][c] · b[c] for j &lt; k, c &lt; inner: rows of X times the rows of B. */
  private static void product(float[][] x, float[][] b, float[][] out, int k, int inner) {
    for (int j = 0; j < k; j++) {
      float[] o = out[j];
      java.util.Arrays.fill(o, 0f);
      float[] xj = x[j];
      combine(o, xj, 1f, b, inner);
    }
  }

  /** o += sign · Σ_c coef[c] · rows[c] for c &lt; count, four rows per pass over o. */
  private static void combine(float[] o, float[] coef, float sign, float[][] rows, int count) {
    int c = 0;
    for (; c + 3 < count; c += 4) {
      axpy4(o, sign * coef[c], rows[c], sign * coef[c + 1], rows[c + 1], sign * coef[c + 2], rows[c + 2],
          sign * coef[c + 3], rows[c + 3]);
    }
    for (; c < count; c++) {
      axpy(o, sign * coef[c], rows[c]);
    }
  }

  // Inner loops index every array from 0 with the same variable: the JIT vectorizes these.
  private static void axpy(float[] o, float x, float[] b) {
    for (int t = 0; t < o.length; t++) {
      o[t] += x * b[t];
    }
  }

  private static void axpy4(float[] o, float x0, float[] b0, float x1, float[] b1, float x2, float[] b2,
      float x3, float[] b3) {
    for (int t = 0; t < o.length; t++) {
      o[t] += x0 * b0[t] + x1 * b1[t] + x2 * b2[t] + x3 * b3[t];
    }
  }

  /** out = X·Xᵀ for the first k rows of X. */
  private static void gram(float[][] x, double[][] out, int k) {
    for (int a = 0; a < k; a++) {
      for (int b = a; b < k; b++) {
        double v = dot8(x[a], x[b]);
        out[a][b] = v;
        out[b][a] = v;
      }
    }
  }

  /**
   * HALS update of the k rows of X, the factor solved for, given G (the product of the other factor
   * with the data, k rows) and C (the Gram matrix of the other factor):
   * X_j ← max(ε, X_j + (G_j − Σ_b C[j][b]·X_b) / C[j][j]), rows in order (Gauss–Seidel).
   */
  private static void update(float[][] x, float[][] g, double[][] c, int k, int len, float[] scratch) {
    float[] coef = new float[k];
    for (int j = 0; j < k; j++) {
      double cjj = c[j][j];
      if (cjj <= 0) {
        continue;
      }
      float[] row = java.util.Arrays.copyOf(g[j], len);
      for (int b = 0; b < k; b++) {
        coef[b] = (float) c[j][b];
      }
      combine(row, coef, -1f, x, k);
      float inv = (float) (1 / cjj);
      float[] xj = x[j];
      for (int t = 0; t < len; t++) {
        float v = xj[t] + row[t] * inv;
        xj[t] = v > FLOOR ? v : FLOOR;
      }
    }
  }

  /** Dot product with eight independent float accumulators, summed in double. */
  private static double dot8(float[] x, float[] y) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    float s4 = 0f;
    float s5 = 0f;
    float s6 = 0f;
    float s7 = 0f;
    int len = x.length;
    int t = 0;
    for (; t + 7 < len; t += 8) {
      s0 += x[t] * y[t];
      s1 += x[t + 1] * y[t + 1];
      s2 += x[t + 2] * y[t + 2];
      s3 += x[t + 3] * y[t + 3];
      s4 += x[t + 4] * y[t + 4];
      s5 += x[t + 5] * y[t + 5];
      s6 += x[t + 6] * y[t + 6];
      s7 += x[t + 7] * y[t + 7];
    }
    double sum = (double) s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
    for (; t < len; t++) {
      sum += (double) x[t] * y[t];
    }
    return sum;
  }

  /** ||A − W·H||_F / ||A||_F, row by row of A, accumulated in double. */
  private static double directError(float[][] a, float[][] wt, float[][] h, int m, int n, int k, double normA2,
      float[] scratch) {
    float[] coef = new float[k];
    float[] row = new float[n];
    double err = 0;
    for (int i = 0; i < m; i++) {
      java.util.Arrays.fill(row, 0f);
      for (int j = 0; j < k; j++) {
        coef[j] = wt[j][i];
      }
      combine(row, coef, 1f, h, k);
      float[] ai = a[i];
      for (int c = 0; c < n; c++) {
        double d = (double) ai[c] - row[c];
        err += d * d;
      }
    }
    return Math.sqrt(err / normA2);
  }
}
