package dev.rote.analyzer.math;

/**
 * The suspicion score of a training example: how strongly its training dynamics say that its label
 * is wrong, from the statistics the analyzer keeps per example.
 *
 * <p>score = (wrong + σ(−AUM)) / (presentations + 1), with σ the logistic function and AUM the
 * mean margin of the example's presentations (the logit of its label minus the largest other
 * logit, Pleiss et al. 2020). It is the share of the example's presentations in which the network
 * predicted another class than the label ("wrong events"), smoothed by one pseudo-presentation
 * whose value is σ(−AUM): among examples with as many presentations and wrong events the one with
 * the lower mean margin ranks first, and a fresh example starts near 0.5. The score lies in [0, 1];
 * above 0.5 the network disagreed with the label in more than half of the presentations.
 *
 * <p>Why this one: on real runs through Rote (see {@code docs/SUSPECTS.md}) the
 * mean margin ranks best early, but memorized noisy labels grow large margins that pull their mean
 * up as training goes on, while the share of wrong events keeps a memorized label's early
 * disagreements; the combination kept the ranking of both.
 */
public final class SuspectScore {

  /** Name of the score, carried in {@code SuspectRanking.score}. */
  public static final String NAME = "disagreement";

  /** Examples scored above this are suspects: the network disagreed with their label more often than not. */
  public static final double SUSPECT_THRESHOLD = 0.5;

  private SuspectScore() {}

  /**
   * @param presentations presentations of the example (at least 1 for a meaningful score)
   * @param wrong presentations whose prediction differed from the label, in [0, presentations]
   * @param meanMargin the example's mean margin, or NaN when no margin was published (then the
   *     pseudo-presentation counts 0.5)
   * @return the score in [0, 1]
   * @throws IllegalArgumentException when the counts are negative or wrong exceeds presentations
   */
  public static double of(int presentations, int wrong, double meanMargin) {
    if (presentations < 0 || wrong < 0 || wrong > presentations) {
      throw new IllegalArgumentException("need 0 <= wrong <= presentations, was wrong " + wrong
          + " of " + presentations);
    }
    return (wrong + disagreement(meanMargin)) / (presentations + 1.0);
  }

  /** σ(−m) = 1 / (1 + e^m): near 1 for a strongly negative margin, near 0 for a strongly positive one; 0.5 for NaN. */
  static double disagreement(double meanMargin) {
    if (Double.isNaN(meanMargin)) {
      return 0.5;
    }
    return 1.0 / (1.0 + Math.exp(meanMargin));
  }
}
