package dev.rote.analyzer.math;

/**
 * Standard errors of the analyzer's rates and means from their own sampling noise, what rules in
 * {@code se} units compare changes against. NaN where the sample cannot say (fewer than one, or two,
 * observations).
 */
public final class StandardErrors {

  private StandardErrors() {}

  /**
   * Of a rate {@code p} over {@code n} independent trials: sqrt(p(1-p)/n); at p = 0 or 1, where that
   * is 0, sqrt(q(1-q)/n) with Laplace's q = (pn + 1)/(n + 2). A rate seen at 0 or 1 (none of a handful
   * of examples learned, or every one) is not known exactly: with a standard error of 0, any later
   * change would count as infinitely many standard errors. Every rate strictly between 0 and 1 keeps
   * the usual value.
   */
  public static double binomial(double p, long n) {
    if (n < 1 || !(p >= 0 && p <= 1)) {
      return Double.NaN;
    }
    double q = p == 0 || p == 1 ? (p * n + 1) / (n + 2) : p;
    return Math.sqrt(q * (1 - q) / n);
  }

  /**
   * Of the mean of {@code n} values with sum {@code sum} and sum of squares {@code squares}: the
   * sample standard deviation (n - 1 in the denominator) over sqrt(n).
   */
  public static double mean(double sum, double squares, long n) {
    if (n < 2) {
      return Double.NaN;
    }
    double variance = (squares - sum * sum / n) / (n - 1);
    return Math.sqrt(Math.max(0, variance) / n);
  }
}
