package dev.rote.analyzer;

import dev.rote.analyzer.math.Auroc;
import dev.rote.contract.v1.Suspect;
import dev.rote.contract.v1.SuspectRanking;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * How well a run's suspect ranking, and each single statistic behind it, finds the labels the
 * trainer flipped on purpose: the area under the ROC curve and the precision at the true noise rate
 * (among the as many most suspect examples as there are flipped ones, the share that were flipped).
 * Needs the ground truth ({@code label_flipped}), which the reference trainer publishes in its
 * evaluation runs; the ranking itself never reads it.
 */
public final class SuspectEvaluation {

  /** A way to rank examples: larger is more suspect. */
  public enum Statistic {
    /** The suspicion score ({@link dev.rote.analyzer.math.SuspectScore}). */
    SCORE("score", Suspect::getScore),
    /** Minus the mean margin (AUM, Pleiss et al. 2020). */
    NEGATIVE_MEAN_MARGIN("-aum", s -> s.hasMeanMargin() ? -s.getMeanMargin() : Double.NaN),
    /** Share of presentations predicted as another class than the label. */
    WRONG_FRACTION("wrong_fraction", s -> (double) s.getWrong() / s.getPresentations()),
    /** Forgetting events (Toneva et al. 2019). */
    FORGETTING("forgetting", s -> s.getForgetting()),
    /** Loss at the latest presentation (small-loss selection). */
    LAST_LOSS("last_loss", s -> s.getLastLoss()),
    /** First step learned; never learned ranks last of all. */
    FIRST_LEARNED("first_learned", s -> s.hasFirstLearnedStep() ? s.getFirstLearnedStep() : Double.MAX_VALUE),
    /** A combination: the mean of the ranks by -AUM and by the share of wrong events. */
    RANK_AVERAGE("rank_average(-aum,wrong_fraction)", null);

    private final String label;
    private final ToDoubleFunction<Suspect> value;

    Statistic(String label, ToDoubleFunction<Suspect> value) {
      this.label = label;
      this.value = value;
    }

    /** Short name, as the results tables print it. */
    public String label() {
      return label;
    }

    double[] values(List<Suspect> examples) {
      if (this == RANK_AVERAGE) {
        double[] a = ranks(NEGATIVE_MEAN_MARGIN.values(examples));
        double[] b = ranks(WRONG_FRACTION.values(examples));
        double[] out = new double[a.length];
        for (int i = 0; i < out.length; i++) {
          out[i] = (a[i] + b[i]) / 2;
        }
        return out;
      }
      return examples.stream().mapToDouble(value).toArray();
    }
  }

  /**
   * @param auroc area under the ROC curve against the flipped labels
   * @param precisionAtNoiseRate share of flipped labels among the {@code flipped} most suspect examples
   */
  public record Quality(Statistic statistic, double auroc, double precisionAtNoiseRate) {}

  /**
   * @param examples examples ranked
   * @param flipped of them, labels the trainer flipped
   * @param qualities one per statistic the ranking carries (-AUM needs margins)
   */
  public record Result(long step, int examples, int flipped, List<Quality> qualities) {

    public Quality of(Statistic s) {
      return qualities.stream().filter(q -> q.statistic() == s).findFirst().orElseThrow(
          () -> new IllegalArgumentException("no " + s.label() + " in this evaluation"));
    }
  }

  private SuspectEvaluation() {}

  /**
   * Evaluates a ranking of every example of a run (e.g. {@code SuspectAnalysis.ranking(Integer.MAX_VALUE)}).
   *
   * @return empty when an example lacks the ground truth, or none or all were flipped
   */
  public static Optional<Result> of(SuspectRanking all) {
    List<Suspect> examples = all.getSuspectsList();
    boolean[] flipped = new boolean[examples.size()];
    int positives = 0;
    for (int i = 0; i < flipped.length; i++) {
      if (!examples.get(i).hasLabelFlipped()) {
        return Optional.empty();
      }
      flipped[i] = examples.get(i).getLabelFlipped();
      positives += flipped[i] ? 1 : 0;
    }
    if (positives == 0 || positives == flipped.length) {
      return Optional.empty();
    }
    List<Quality> out = new ArrayList<>();
    for (Statistic s : Statistic.values()) {
      double[] v = s.values(examples);
      if (Arrays.stream(v).anyMatch(Double::isNaN)) {
        continue;
      }
      out.add(new Quality(s, Auroc.of(v, flipped), Auroc.precisionAt(v, flipped, positives)));
    }
    return Optional.of(new Result(all.getStep(), flipped.length, positives, out));
  }

  /** Mid-ranks (1-based, ascending; ties share their mean rank); NaN stays NaN. */
  static double[] ranks(double[] v) {
    double[] out = new double[v.length];
    if (Arrays.stream(v).anyMatch(Double::isNaN)) {
      Arrays.fill(out, Double.NaN);
      return out;
    }
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
    for (int i = 0; i < order.length; ) {
      int j = i;
      while (j + 1 < order.length && v[order[j + 1]] == v[order[i]]) {
        j++;
      }
      for (int k = i; k <= j; k++) {
        out[order[k]] = (i + j) / 2.0 + 1;
      }
      i = j + 1;
    }
    return out;
  }
}
