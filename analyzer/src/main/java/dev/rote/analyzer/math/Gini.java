package dev.rote.analyzer.math;

import java.util.Arrays;

/**
 * Gini coefficient of non-negative values:
 * G = Σ_i Σ_j |x_i − x_j| / (2 n² · mean x), computed in O(n log n) from the ascending sorted
 * values as G = 2 Σ_i i·x_(i) / (n Σ x) − (n + 1) / n with 1-based ranks i.
 */
public final class Gini {

  private Gini() {}

  /**
   * @return the Gini coefficient in [0, 1 − 1/n]; 0 when every value is 0; NaN for no values
   * @throws IllegalArgumentException for a negative or non-finite value
   */
  public static double of(double[] values) {
    int n = values.length;
    if (n == 0) {
      return Double.NaN;
    }
    double[] x = values.clone();
    for (int i = 0; i < n; i++) {
      if (!(x[i] >= 0) || Double.isInfinite(x[i])) {
        throw new IllegalArgumentException("Gini needs finite non-negative values; value " + i + " is " + x[i]);
      }
    }
    Arrays.sort(x);
    double sum = 0;
    double weighted = 0;
    for (int i = 0; i < n; i++) {
      sum += x[i];
      weighted += (i + 1) * x[i];
    }
    if (sum == 0) {
      return 0;
    }
    return 2 * weighted / (n * sum) - (n + 1.0) / n;
  }
}
