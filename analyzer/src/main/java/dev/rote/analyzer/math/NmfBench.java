package dev.rote.analyzer.math;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A micro benchmark of {@link Nmf#sweep} beside a plain-Java GEMM ceiling measured in the same run,
 * for a command line or a test to print. Single-threaded; the JIT is warmed before timing.
 */
public final class NmfBench {

  private static final int GEMM_SIZE = 512;
  private static final int GEMM_BLOCK = 64;

  private NmfBench() {}

  /**
   * Times {@code repeats} sweeps over {@code ranks} of an m×n ReLU-like matrix (each entry 0 with
   * probability 1/2, else uniform in [0, 1), from a {@link SplittableRandom} seeded with 1), each
   * followed by a 512×512×512 float matrix product written in Java with the same vectorized kernel
   * as the NMF ({@link NmfKernels}), whose rate is the ceiling this JVM reaches on this machine.
   *
   * @return a markdown report: medians of sweep time, sweep GFLOP/s, GEMM GFLOP/s and their ratio
   */
  public static String run(int m, int n, int[] ranks, int repeats) {
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be >= 1, was " + repeats);
    }
    float[] a = reluLike(m, n, 1);
    float[][] x = random(GEMM_SIZE, 2);
    float[][] y = random(GEMM_SIZE, 3);
    float[][] z = new float[GEMM_SIZE][GEMM_SIZE];
    for (int i = 0; i < 5; i++) {
      Nmf.sweep(a, m, n, ranks, Nmf.DEFAULTS);
      gemm(x, y, z);
    }
    double[] ms = new double[repeats];
    double[] rate = new double[repeats];
    double[] ceiling = new double[repeats];
    Nmf.Sweep sweep = null;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      sweep = Nmf.sweep(a, m, n, ranks, Nmf.DEFAULTS);
      long t1 = System.nanoTime();
      gemm(x, y, z);
      long t2 = System.nanoTime();
      ms[r] = (t1 - t0) / 1e6;
      rate[r] = sweep.flops() / (double) (t1 - t0);
      ceiling[r] = 2.0 * GEMM_SIZE * GEMM_SIZE * GEMM_SIZE / (t2 - t1);
    }
    double sweepRate = median(rate);
    double gemmRate = median(ceiling);
    StringBuilder out = new StringBuilder();
    out.append(String.format("NMF sweep k=%s on a %dx%d ReLU-like matrix, Nmf.DEFAULTS, %d repeats: %s iterations, "
        + "%.3f GFLOP per sweep%n%n", Arrays.toString(ranks), m, n, repeats, Arrays.toString(sweep.iterations()),
        sweep.flops() / 1e9));
    out.append("| measure | median |\n|---|---|\n");
    out.append(String.format("| sweep time | %.2f ms (min %.2f) |%n", median(ms), Arrays.stream(ms).min().orElseThrow()));
    out.append(String.format("| sweep throughput | %.1f GFLOP/s |%n", sweepRate));
    out.append(String.format("| plain-Java sgemm %d^3, same run | %.1f GFLOP/s |%n", GEMM_SIZE, gemmRate));
    out.append(String.format("| sweep / sgemm | %.0f %% |%n", 100 * sweepRate / gemmRate));
    return out.toString();
  }

  /** C = X·Y for square arrays of rows: blocks of 64 rows of Y, four rows of C by two of Y per pass. */
  static void gemm(float[][] x, float[][] y, float[][] c) {
    int size = x.length;
    for (float[] row : c) {
      Arrays.fill(row, 0f);
    }
    for (int p0 = 0; p0 < size; p0 += GEMM_BLOCK) {
      int p1 = Math.min(size, p0 + GEMM_BLOCK);
      for (int i = 0; i + 3 < size; i += 4) {
        float[] x0 = x[i];
        float[] x1 = x[i + 1];
        float[] x2 = x[i + 2];
        float[] x3 = x[i + 3];
        for (int p = p0; p + 1 < p1; p += 2) {
          NmfKernels.fma4x2(c[i], c[i + 1], c[i + 2], c[i + 3], x0[p], x0[p + 1], x1[p], x1[p + 1], x2[p],
              x2[p + 1], x3[p], x3[p + 1], y[p], y[p + 1], size);
        }
      }
    }
  }

  /** A deterministic m×n matrix shaped like ReLU activations: half zeros, the rest uniform in [0, 1). */
  public static float[] reluLike(int m, int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] a = new float[m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextDouble() < 0.5 ? 0f : (float) rnd.nextDouble();
    }
    return a;
  }

  private static float[][] random(int size, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][] x = new float[size][size];
    for (float[] row : x) {
      for (int i = 0; i < size; i++) {
        row[i] = (float) rnd.nextDouble();
      }
    }
    return x;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int h = v.length / 2;
    return v.length % 2 == 1 ? v[h] : (v[h - 1] + v[h]) / 2;
  }
}
