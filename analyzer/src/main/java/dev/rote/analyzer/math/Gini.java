package dev.rote.analyzer.math;

import java.util.Arrays;

/**
 * Gini coefficient of non-negative values:
 * G = Σ_i Σ_j |x_i − x_j| / (2 n² · mean x), computed in O(n log n) from the ascending sorted
 * values as G = 2 Σ_i i·x_(i) / (n Σ x) − (n + 1) / n with 1-based ranks i. It is 0 when all
 * values are equal and approaches 1 − 1/n when one value holds everything.
 */
public final class Gini {

  private Gini() {}

  /**
   * @return the Gini coefficient in [0, 1 − 1/n]; 0 when every value is 0; NaN for no values.
   *     The input is not modified.
   * @throws IllegalArgumentException for a negative or non-finite value
   */
  public static double of(double[] values) {
    return of(values, values.length);
  }

  /**
   * {@link #of(double[])} of the first {@code n} values.
   *
   * @throws IllegalArgumentException when {@code n} is negative or exceeds the array
   */
  public static double of(double[] values, int n) {
    if (n < 0 || n > values.length) {
      throw new IllegalArgumentException("n must be in [0, " + values.length + "], was " + n);
    }
    if (n == 0) {
      return Double.NaN;
    }
    double[] x = Arrays.copyOf(values, n);
    for (int i = 0; i < n; i++) {
      if (!(x[i] >= 0) || Double.isInfinite(x[i])) {
        throw new IllegalArgumentException("Gini needs finite non-negative values; value " + i + " is " + x[i]);
      }
    }
    Arrays.sort(x);
    return ofSorted(x, n);
  }

  /**
   * {@link #of(double[], int)} of values already in ascending order, without the sort and without
   * checking them: the first {@code n} values must be finite, non-negative and ascending ({@code n}
   * at least 1). The same values give the same result as {@link #of(double[], int)}, bit for bit.
   */
  public static double ofSorted(double[] x, int n) {
    double max = x[n - 1];
    if (max == 0) {
      return 0;
    }
    // G does not depend on scale; dividing by the largest value keeps the sums finite.
    double sum = 0;
    double weighted = 0;
    for (int i = 0; i < n; i++) {
      double v = x[i] / max;
      sum += v;
      weighted += (i + 1) * v;
    }
    return 2 * weighted / (n * sum) - (n + 1.0) / n;
  }

  /** {@link #of(double[])} of float values. */
  public static double of(float[] values) {
    double[] x = new double[values.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = values[i];
    }
    return of(x);
  }
}
