package dev.rote.bench;

import java.util.Arrays;

/** The summary statistics the benchmarks print. */
final class Stats {

  private Stats() {}

  /** The median; the mean of the two middle values for an even count. */
  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int h = v.length / 2;
    return v.length % 2 == 1 ? v[h] : (v[h - 1] + v[h]) / 2;
  }

  /** The {@code p} quantile of sorted values by the nearest-rank method, or -1 for none. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }
}
