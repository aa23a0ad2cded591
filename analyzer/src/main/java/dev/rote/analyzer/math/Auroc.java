package dev.rote.analyzer.math;

import java.util.Arrays;
import java.util.Comparator;

/**
 * How well a score ranks positives (e.g. examples whose label was flipped) above negatives: the
 * area under the ROC curve and the precision of the top k.
 */
public final class Auroc {

  private Auroc() {}

  /**
   * The area under the ROC curve: the probability that a random positive scores above a random
   * negative, ties counting half (the Mann–Whitney U statistic divided by n₊·n₋, with mid-ranks).
   *
   * @return the AUROC in [0, 1], or NaN when there are no positives or no negatives
   * @throws IllegalArgumentException when the lengths differ or a score is NaN
   */
  public static double of(double[] scores, boolean[] positive) {
    Integer[] order = order(scores, positive);
    int n = scores.length;
    long positives = 0;
    double rankSum = 0;
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double midRank = (i + j) / 2.0 + 1; // 1-based mid-rank, ascending
      for (int k = i; k <= j; k++) {
        if (positive[order[k]]) {
          positives++;
          rankSum += midRank;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /**
   * The share of positives among the {@code k} highest scores; ties at the cut are broken by
   * position (earlier first), so the result does not depend on how ties fall among positives.
   *
   * @return the precision in [0, 1], or NaN for k = 0
   */
  public static double precisionAt(double[] scores, boolean[] positive, int k) {
    if (k < 0 || k > scores.length) {
      throw new IllegalArgumentException("k must be in [0, " + scores.length + "], was " + k);
    }
    if (k == 0) {
      return Double.NaN;
    }
    Integer[] order = order(scores, positive);
    int hits = 0;
    for (int i = 0; i < k; i++) {
      hits += positive[order[scores.length - 1 - i]] ? 1 : 0;
    }
    return (double) hits / k;
  }

  /** Indices sorted by ascending score, ties by descending index (so the stable top-k takes earlier ones first). */
  private static Integer[] order(double[] scores, boolean[] positive) {
    if (scores.length != positive.length) {
      throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " labels");
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is NaN");
      }
      order[i] = i;
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparing(i -> -i));
    return order;
  }
}
