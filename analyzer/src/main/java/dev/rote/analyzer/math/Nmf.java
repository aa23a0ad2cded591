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
 * scaling). Stopping rule: every 5 iterations the relative error is computed (by the trace identity
 * ||A||² − 2⟨WᵀA, H⟩ + ⟨WᵀW, HHᵀ⟩); the factorization stops when it improved by less than
 * {@link Config#tolerance()} relative to the previous check, or after {@link Config#maxIterations()}.
 * The reported error is then computed directly. A zero matrix has error 0 by definition; a rank
 * above min(m, n) is clipped to min(m, n).
 *
 * <p>All products are written as axpy loops over contiguous rows so that the JIT vectorizes them.
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
    Workspace ws = new Workspace(m, n, maxRank(ranks, m, n));
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
    return factorize(a, m, n, k, config, new Workspace(m, n, Math.min(k, Math.min(m, n))));
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

  /** Buffers reused across the ranks of a sweep. */
  private static final class Workspace {
    final float[] w;
    final float[] h;
    final float[] ht;
    final float[] p;
    final float[] q;
    final float[] r;
    final float[] s;

    Workspace(int m, int n, int k) {
      w = new float[m * k];
      h = new float[k * n];
      ht = new float[n * k];
      p = new float[m * k];
      q = new float[k * k];
      r = new float[k * n];
      s = new float[k * k];
    }
  }

  private static Factorization factorize(float[] a, int m, int n, int rank, Config config, Workspace ws) {
    int k = Math.min(rank, Math.min(m, n));
    double normA2 = 0;
    double sumA = 0;
    for (float v : a) {
      normA2 += (double) v * v;
      sumA += v;
    }
    if (normA2 == 0) {
      return new Factorization(new float[m * k], new float[k * n], k, 0, 0, 0);
    }
    float[] w = ws.w;
    float[] h = ws.h;
    float[] ht = ws.ht;
    float[] p = ws.p;
    float[] q = ws.q;
    float[] r = ws.r;
    float[] s = ws.s;
    initialize(w, h, m, n, k, sumA / ((double) m * n), config.seed());
    transpose(h, ht, k, n);

    long perIteration = 4L * m * n * k + 4L * (m + n) * k * k;
    int it = 0;
    double previous = Double.POSITIVE_INFINITY;
    while (it < config.maxIterations()) {
      it++;
      // W update: P = A·Hᵀ (m×k), Q = H·Hᵀ (k×k).
      matmulRowsByTransposed(a, ht, p, m, n, k);
      gram(ht, q, n, k);
      updateW(w, p, q, m, k);
      // H update: R = Wᵀ·A (k×n), S = Wᵀ·W (k×k).
      transposedTimes(w, a, r, m, n, k);
      gram(w, s, m, k);
      updateH(h, r, s, n, k);
      transpose(h, ht, k, n);
      if (it % CHECK_EVERY == 0 || it == config.maxIterations()) {
        gram(ht, q, n, k);
        double err2 = normA2 - 2 * dot(r, h, k * n) + dot(s, q, k * k);
        double rel = Math.sqrt(Math.max(0, err2) / normA2);
        if (previous - rel < config.tolerance() * previous) {
          break;
        }
        previous = rel;
      }
    }
    double error = directError(a, w, ht, m, n, k, normA2);
    long flops = perIteration * it + 2L * m * n * k;
    return new Factorization(java.util.Arrays.copyOf(w, m * k), java.util.Arrays.copyOf(h, k * n), k, it,
        error, flops);
  }

  private static void initialize(float[] w, float[] h, int m, int n, int k, double mean, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double scale = Math.sqrt(mean / k);
    for (int i = 0; i < k * n; i++) {
      h[i] = (float) (scale * Math.abs(gaussian(rnd)));
    }
    for (int i = 0; i < m * k; i++) {
      w[i] = (float) (scale * Math.abs(gaussian(rnd)));
    }
  }

  /** Box–Muller, so the stream is defined by this code alone. */
  private static double gaussian(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  /** out (m×k) = A (m×n) · Bᵀ where bt is B stored transposed (n×k). */
  private static void matmulRowsByTransposed(float[] a, float[] bt, float[] out, int m, int n, int k) {
    java.util.Arrays.fill(out, 0, m * k, 0f);
    for (int i = 0; i < m; i++) {
      int ao = i * n;
      int oo = i * k;
      for (int c = 0; c < n; c++) {
        float av = a[ao + c];
        if (av != 0f) {
          int bo = c * k;
          for (int j = 0; j < k; j++) {
            out[oo + j] += av * bt[bo + j];
          }
        }
      }
    }
  }

  /** out (k×n) = Wᵀ (k×m) · A (m×n), for W stored m×k. */
  private static void transposedTimes(float[] w, float[] a, float[] out, int m, int n, int k) {
    java.util.Arrays.fill(out, 0, k * n, 0f);
    for (int i = 0; i < m; i++) {
      int ao = i * n;
      for (int j = 0; j < k; j++) {
        float wv = w[i * k + j];
        if (wv != 0f) {
          int oo = j * n;
          for (int c = 0; c < n; c++) {
            out[oo + c] += wv * a[ao + c];
          }
        }
      }
    }
  }

  /** out (k×k) = Xᵀ·X for X stored rows×k. */
  private static void gram(float[] x, float[] out, int rows, int k) {
    java.util.Arrays.fill(out, 0, k * k, 0f);
    for (int i = 0; i < rows; i++) {
      int xo = i * k;
      for (int a = 0; a < k; a++) {
        float v = x[xo + a];
        if (v != 0f) {
          int oo = a * k;
          for (int b = 0; b < k; b++) {
            out[oo + b] += v * x[xo + b];
          }
        }
      }
    }
  }

  /** HALS update of the columns of W (m×k) given P = A·Hᵀ and Q = H·Hᵀ. */
  private static void updateW(float[] w, float[] p, float[] q, int m, int k) {
    for (int j = 0; j < k; j++) {
      float qjj = q[j * k + j];
      if (qjj <= 0f) {
        continue;
      }
      float inv = 1f / qjj;
      for (int i = 0; i < m; i++) {
        int wo = i * k;
        float wq = 0f;
        for (int b = 0; b < k; b++) {
          wq += w[wo + b] * q[b * k + j];
        }
        float v = w[wo + j] + (p[wo + j] - wq) * inv;
        w[wo + j] = v > FLOOR ? v : FLOOR;
      }
    }
  }

  /** HALS update of the rows of H (k×n) given R = Wᵀ·A and S = Wᵀ·W. */
  private static void updateH(float[] h, float[] r, float[] s, int n, int k) {
    float[] row = new float[n];
    for (int j = 0; j < k; j++) {
      float sjj = s[j * k + j];
      if (sjj <= 0f) {
        continue;
      }
      int ro = j * n;
      System.arraycopy(r, ro, row, 0, n);
      for (int b = 0; b < k; b++) {
        float sv = s[j * k + b];
        int ho = b * n;
        for (int c = 0; c < n; c++) {
          row[c] -= sv * h[ho + c];
        }
      }
      float inv = 1f / sjj;
      for (int c = 0; c < n; c++) {
        float v = h[ro + c] + row[c] * inv;
        h[ro + c] = v > FLOOR ? v : FLOOR;
      }
    }
  }

  private static void transpose(float[] x, float[] out, int rows, int cols) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        out[j * rows + i] = x[i * cols + j];
      }
    }
  }

  private static double dot(float[] x, float[] y, int len) {
    double sum = 0;
    for (int i = 0; i < len; i++) {
      sum += (double) x[i] * y[i];
    }
    return sum;
  }

  /** ||A − W·H||_F / ||A||_F computed entry by entry, in double. */
  private static double directError(float[] a, float[] w, float[] ht, int m, int n, int k, double normA2) {
    double err = 0;
    for (int i = 0; i < m; i++) {
      int wo = i * k;
      for (int c = 0; c < n; c++) {
        int ho = c * k;
        double v = 0;
        for (int j = 0; j < k; j++) {
          v += (double) w[wo + j] * ht[ho + j];
        }
        double d = a[i * n + c] - v;
        err += d * d;
      }
    }
    return Math.sqrt(err / normA2);
  }
}
