package dev.rote.analyzer.math;

import java.util.SplittableRandom;

/**
 * Non-negative matrix factorization A ≈ W·H (A: m×n, W: m×k, H: k×n, all entries ≥ 0) and the NMF
 * non-linearity of Collins, Sohl-Dickstein &amp; Sussillo 2018, "Detecting Memorization in ReLU
 * Networks": for each rank k of a sweep (the analyzer uses 1, 2, 4, 8, 16) the relative error
 * e_k = ||A − W_k·H_k||_F / ||A||_F, and the non-linearity is the mean of the e_k, the normalized
 * area under the error curve. Matrices are row-major arrays.
 *
 * <p><b>Algorithm.</b> Hierarchical alternating least squares (HALS, Cichocki &amp; Phan 2009; the
 * updates of scikit-learn's {@code solver="cd"}). One iteration updates the k columns of W in
 * order, each minimizing the error exactly with everything else fixed, then the k rows of H:
 * <pre>
 *   P = A·Hᵀ, Q = H·Hᵀ:   W_:j ← max(ε, W_:j + (P_:j − W·Q_:j) / Q_jj)   for j = 1..k
 *   R = Wᵀ·A, S = Wᵀ·W:   H_j: ← max(ε, H_j: + (R_j: − S_j:·H) / S_jj)   for j = 1..k
 * </pre>
 * with ε = 1e-12 (A is first scaled exactly, by a power of two, to a largest entry in [1, 2)) so
 * that no component dies. The products P and R, 2mnk flops each, dominate; they run in float, the Gram
 * matrices Q and S and every norm in double.
 *
 * <p><b>Initialization</b> is deterministic and independent per rank: W and H are filled with
 * sqrt(mean(A)/k)·|z|, z standard normal (Box–Muller on a {@link SplittableRandom} seeded with
 * {@link Config#seed()}), scikit-learn's {@code init="random"} scaling. A rank's result in a sweep
 * therefore equals {@link #factorize} at that rank bit for bit, and repeated calls agree bit for bit.
 *
 * <p><b>Stopping rule.</b> After every 5th iteration t the relative error e_t is evaluated; the
 * factorization stops at the first such t with e_{t−5} − e_t &lt; tolerance · e_{t−5}, or after
 * maxIterations. e_t comes without forming W·H from the identity
 * ||A − WH||² = ||A||² − 2⟨R, H⟩ + ⟨S, Q⟩ (R and S from this iteration's H update, Q of the new H,
 * which the next W update reuses). That subtraction inherits the float rounding of R = Wᵀ·A, about
 * δ = √m·2⁻²² of ||A||²; where it could blur the test (tolerance · e_t² &lt; 2δ: small errors or
 * tiny tolerances) e_t is computed directly from W·H instead, entry by entry, as is the error
 * reported at the end.
 *
 * <p><b>Edge cases.</b> ||A||_F = 0: the error is 0 by definition, W and H are zero, no
 * iterations run. A rank above min(m, n) is clipped to min(m, n), where an exact factorization
 * exists. Negative, NaN or infinite entries, an empty matrix or a rank below 1 are rejected with
 * {@link IllegalArgumentException}.
 *
 * <p><b>Speed.</b> Single-threaded and stateless; a sweep allocates its buffers once for all ranks.
 * The loops are written for the JIT to vectorize ({@link NmfKernels}) and rely on hardware FMA
 * (x86 since 2013, every AArch64) to make {@link Math#fma} fast.
 */
public final class Nmf {

  private static final float FLOOR = 1e-12f;
  private static final int CHECK_EVERY = 5;

  /**
   * @param maxIterations iteration cap per factorization, at least 1
   * @param tolerance relative improvement of the error over 5 iterations below which a
   *     factorization stops; finite and at least 0
   * @param seed seed of the random initialization
   */
  public record Config(int maxIterations, double tolerance, long seed) {
    public Config {
      if (maxIterations < 1) {
        throw new IllegalArgumentException("maxIterations must be >= 1, was " + maxIterations);
      }
      if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
        throw new IllegalArgumentException("tolerance must be finite and >= 0, was " + tolerance);
      }
    }
  }

  /** At most 200 iterations, tolerance 1e-4, seed 42. */
  public static final Config DEFAULTS = new Config(200, 1e-4, 42);

  /**
   * One factorization.
   *
   * @param w W, m×k row-major
   * @param h H, k×n row-major
   * @param k the rank used, after clipping to min(m, n)
   * @param iterations HALS iterations run
   * @param relativeError ||A − W·H||_F / ||A||_F
   * @param flops floating-point operations performed, a fused multiply-add counting 2
   */
  public record Factorization(float[] w, float[] h, int m, int n, int k, int iterations, double relativeError,
      long flops) {}

  /**
   * A rank sweep.
   *
   * @param ranks the ranks asked for, in order; each is clipped to min(m, n) when factorizing
   * @param errors the relative error at each rank
   * @param iterations the iterations each rank ran
   * @param nonlinearity the mean of the errors, Collins et al.'s non-linearity
   * @param flops floating-point operations of the whole sweep, a fused multiply-add counting 2
   */
  public record Sweep(int[] ranks, double[] errors, int[] iterations, double nonlinearity, long flops) {}

  private Nmf() {}

  /** The sweep over {@code ranks} of a row-major m×n non-negative matrix. */
  public static Sweep sweep(float[] a, int m, int n, int[] ranks, Config config) {
    check(a, m, n);
    Workspace ws = new Workspace(a, m, n, checkRanks(ranks, m, n));
    double[] errors = new double[ranks.length];
    int[] iterations = new int[ranks.length];
    long flops = ws.setupFlops();
    double sum = 0;
    for (int r = 0; r < ranks.length; r++) {
      Factorization f = ws.factorize(Math.min(ranks[r], Math.min(m, n)), config);
      errors[r] = f.relativeError();
      iterations[r] = f.iterations();
      flops += f.flops();
      sum += errors[r];
    }
    return new Sweep(ranks.clone(), errors, iterations, sum / ranks.length, flops);
  }

  /** The sweep of a double matrix, which is rounded to float first. */
  public static Sweep sweep(double[] a, int m, int n, int[] ranks, Config config) {
    return sweep(toFloat(a, m, n), m, n, ranks, config);
  }

  /** Factorizes a row-major m×n non-negative matrix at rank k (clipped to min(m, n)). */
  public static Factorization factorize(float[] a, int m, int n, int k, Config config) {
    check(a, m, n);
    int clipped = checkRanks(new int[] {k}, m, n);
    Workspace ws = new Workspace(a, m, n, clipped);
    Factorization f = ws.factorize(clipped, config);
    return new Factorization(f.w(), f.h(), m, n, clipped, f.iterations(), f.relativeError(),
        f.flops() + ws.setupFlops());
  }

  /** Factorizes a double matrix, which is rounded to float first. */
  public static Factorization factorize(double[] a, int m, int n, int k, Config config) {
    return factorize(toFloat(a, m, n), m, n, k, config);
  }

  private static float[] toFloat(double[] a, int m, int n) {
    checkShape(a.length, m, n);
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      double v = a[i];
      if (!(v >= 0) || v > Float.MAX_VALUE) {
        throw new IllegalArgumentException("NMF needs finite non-negative float entries; entry " + i + " is " + v);
      }
      f[i] = (float) v;
    }
    return f;
  }

  private static void checkShape(int length, int m, int n) {
    if (m < 1 || n < 1 || length != (long) m * n) {
      throw new IllegalArgumentException("matrix of " + length + " values is not " + m + "x" + n);
    }
  }

  private static void check(float[] a, int m, int n) {
    checkShape(a.length, m, n);
    for (int i = 0; i < a.length; i++) {
      float v = a[i];
      if (!(v >= 0) || v == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("NMF needs finite non-negative entries; entry " + i + " is " + v);
      }
    }
  }

  /** @return the largest rank after clipping */
  private static int checkRanks(int[] ranks, int m, int n) {
    if (ranks.length == 0) {
      throw new IllegalArgumentException("ranks must not be empty");
    }
    int max = 1;
    for (int k : ranks) {
      if (k < 1) {
        throw new IllegalArgumentException("ranks must be >= 1, was " + k);
      }
      max = Math.max(max, Math.min(k, Math.min(m, n)));
    }
    return max;
  }

  /**
   * A scaled by 2^−e (largest entry in [1, 2) unless subnormal), as rows and as columns, and buffers
   * for ranks up to maxRank. W is kept transposed (k rows of m) so that both HALS passes work on rows.
   */
  private static final class Workspace {
    final int m;
    final int n;
    final int exponent;
    final float[][] a;
    final float[][] at;
    final double normA2;
    final double meanA;
    final float[][] wt;
    final float[][] h;
    final float[][] pt;
    final float[][] r;
    final double[][] q;
    final double[][] s;
    final float[] row;
    final float[] coef;
    final float[] acc;
    /** About the rounding error, relative to ||A||², of ⟨R, H⟩ with R = WᵀA summed over m in float. */
    final double identityNoise;

    Workspace(float[] flat, int m, int n, int maxRank) {
      this.m = m;
      this.n = n;
      float max = 0;
      for (float v : flat) {
        max = Math.max(max, v);
      }
      exponent = max > 0 ? Math.getExponent(max) : 0;
      a = new float[m][n];
      at = new float[n][m];
      NmfKernels.split(flat, m, n, Math.scalb(1f, -exponent), a, at);
      double sq = 0;
      double sum = 0;
      for (float[] ai : a) {
        for (float v : ai) {
          sq += (double) v * v;
          sum += v;
        }
      }
      normA2 = sq;
      meanA = sum / ((double) m * n);
      wt = new float[maxRank][m];
      h = new float[maxRank][n];
      pt = new float[maxRank][m];
      r = new float[maxRank][n];
      q = new double[maxRank][maxRank];
      s = new double[maxRank][maxRank];
      row = new float[Math.max(m, n)];
      coef = new float[maxRank];
      acc = new float[n];
      identityNoise = Math.sqrt(m) * 0x1p-22;
    }

    long setupFlops() {
      return 4L * m * n;
    }

    Factorization factorize(int k, Config config) {
      if (normA2 == 0) {
        return new Factorization(new float[m * k], new float[k * n], m, n, k, 0, 0, 0);
      }
      initialize(k, config.seed());
      NmfKernels.gram(h, q, k, n);
      long kk = (long) k * k;
      long perIteration = 4L * m * n * k // P and R
          + (long) (m + n) * k * (k + 1) // S and Q, symmetric halves
          + 2L * (m + n) * kk + 3L * (m + n) * k; // both HALS passes
      long checkFlops = 2L * n * k + 2 * kk + 4;
      long residualFlops = 2L * m * n * k + 3L * m * n;
      long flops = (long) n * k * (k + 1);
      int it = 0;
      double previous = Double.POSITIVE_INFINITY;
      while (it < config.maxIterations()) {
        it++;
        NmfKernels.product(h, at, pt, k, n, m);
        NmfKernels.hals(wt, pt, q, k, m, FLOOR, row, coef);
        NmfKernels.product(wt, a, r, k, m, n);
        NmfKernels.gram(wt, s, k, m);
        NmfKernels.hals(h, r, s, k, n, FLOOR, row, coef);
        NmfKernels.gram(h, q, k, n);
        if (it % CHECK_EVERY == 0) {
          flops += checkFlops;
          double error = traceError(k);
          if (error * error * config.tolerance() < 2 * identityNoise) {
            flops += residualFlops;
            error = Math.sqrt(NmfKernels.residual(a, wt, h, m, n, k, row, coef, acc) / normA2);
          }
          if (previous - error < config.tolerance() * previous) {
            break;
          }
          previous = error;
        }
      }
      flops += it * perIteration + residualFlops;
      double error = Math.sqrt(NmfKernels.residual(a, wt, h, m, n, k, row, coef, acc) / normA2);
      return new Factorization(unscaledW(k), unscaledH(k), m, n, k, it, error, flops);
    }

    /** sqrt(||A||² − 2⟨R, H⟩ + ⟨S, Q⟩) / ||A||, floored at 0 against rounding. */
    private double traceError(int k) {
      double cross = 0;
      for (int j = 0; j < k; j++) {
        cross += NmfKernels.dot(r[j], h[j], n);
      }
      double e2 = normA2 - 2 * cross + NmfKernels.frobeniusInner(s, q, k);
      return Math.sqrt(Math.max(0, e2) / normA2);
    }

    /** W row-major, with half of the scale 2^e put back (exactly: a power of two). */
    private float[] unscaledW(int k) {
      int e = exponent / 2;
      float[] w = new float[m * k];
      for (int j = 0; j < k; j++) {
        float[] wj = wt[j];
        for (int i = 0; i < m; i++) {
          w[i * k + j] = Math.scalb(wj[i], e);
        }
      }
      return w;
    }

    /** H row-major, with the other half of the scale put back. */
    private float[] unscaledH(int k) {
      int e = exponent - exponent / 2;
      float[] out = new float[k * n];
      for (int j = 0; j < k; j++) {
        float[] hj = h[j];
        for (int c = 0; c < n; c++) {
          out[j * n + c] = Math.scalb(hj[c], e);
        }
      }
      return out;
    }

    /** sqrt(mean(A)/k)·|z|: H row by row, then W column by column. */
    private void initialize(int k, long seed) {
      Normal z = new Normal(new SplittableRandom(seed));
      double scale = Math.sqrt(meanA / k);
      for (int j = 0; j < k; j++) {
        float[] hj = h[j];
        for (int c = 0; c < n; c++) {
          hj[c] = (float) (scale * Math.abs(z.next()));
        }
      }
      for (int j = 0; j < k; j++) {
        float[] wj = wt[j];
        for (int i = 0; i < m; i++) {
          wj[i] = (float) (scale * Math.abs(z.next()));
        }
      }
    }
  }

  /** Standard normals by Box–Muller on StrictMath, both of each pair: the stream is defined here alone. */
  private static final class Normal {
    private final SplittableRandom rnd;
    private double spare;
    private boolean hasSpare;

    Normal(SplittableRandom rnd) {
      this.rnd = rnd;
    }

    double next() {
      if (hasSpare) {
        hasSpare = false;
        return spare;
      }
      double radius = StrictMath.sqrt(-2 * StrictMath.log(1 - rnd.nextDouble()));
      double angle = 2 * Math.PI * rnd.nextDouble();
      spare = radius * StrictMath.sin(angle);
      hasSpare = true;
      return radius * StrictMath.cos(angle);
    }
  }
}
