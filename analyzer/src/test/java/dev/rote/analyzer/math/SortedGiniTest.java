package dev.rote.analyzer.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * The Gini from the kept order against {@link Gini#of(double[], int)}'s full sort, bit for bit, on
 * windows that slide as the analyzer's do: sampled steps enter and leave, examples come back with
 * new values, some are sampled twice in one window (their mean changes).
 */
class SortedGiniTest {

  /** One sampled step: example ids and values. */
  private record Sample(long[] ids, float[] values) {}

  /** Slides a window of {@code windowSteps} sampled steps over {@code steps} steps; checks every emission. */
  private static int slide(SplittableRandom rnd, int examples, int batch, int windowSteps, int steps,
      DoubleSupplier value) {
    SortedGini sorted = new SortedGini();
    SortedGini.Order order = new SortedGini.Order();
    Deque<Sample> window = new ArrayDeque<>();
    int checked = 0;
    int merged = 0;
    for (int step = 0; step < steps; step++) {
      long[] ids = new long[batch];
      float[] values = new float[batch];
      for (int i = 0; i < batch; i++) {
        ids[i] = rnd.nextInt(examples);
        values[i] = (float) value.getAsDouble();
      }
      window.addLast(new Sample(ids, values));
      if (window.size() > windowSteps) {
        window.removeFirst();
      }
      // per example: the mean of its samples in the window, in first-seen order
      Map<Long, double[]> sums = new LinkedHashMap<>();
      for (Sample x : window) {
        for (int i = 0; i < x.ids().length; i++) {
          double[] acc = sums.computeIfAbsent(x.ids()[i], k -> new double[2]);
          acc[0] += x.values()[i];
          acc[1]++;
        }
      }
      int n = sums.size();
      long[] exampleIds = new long[n];
      double[] means = new double[n];
      int at = 0;
      for (Map.Entry<Long, double[]> e : sums.entrySet()) {
        exampleIds[at] = e.getKey();
        means[at++] = e.getValue()[0] / e.getValue()[1];
      }
      double expected = Gini.of(means, n);
      double actual = sorted.gini(order, exampleIds, means, n, examples);
      assertThat(actual).as("step %d, %d examples", step, n).isEqualTo(expected);
      double[] ascending = Arrays.copyOf(means, n);
      Arrays.sort(ascending);
      assertThat(order.values()).containsExactly(ascending);
      checked++;
      merged += sorted.lastKept() > n / 2 ? 1 : 0;
    }
    // past the first window, most examples keep their place: the merge, not the full sort, runs
    assertThat(merged).as("emissions where most means kept their place").isGreaterThan(steps / 2);
    return checked;
  }

  @Test
  void shouldGiveTheGiniOfAFullSortBitForBitAsTheWindowSlides() {
    SplittableRandom rnd = new SplittableRandom(7);
    assertThat(slide(rnd, 3000, 64, 20, 300, () -> Math.abs(rnd.nextGaussian()) * 3)).isEqualTo(300);
    // many ties: values from a small set, so equal means come and go
    assertThat(slide(rnd, 500, 32, 10, 200, () -> rnd.nextInt(4))).isEqualTo(200);
    // zeros only, then mixed: the Gini of all zeros is 0
    assertThat(slide(rnd, 200, 16, 5, 50, () -> 0)).isEqualTo(50);
  }

  @Test
  void shouldSortDoublesThatRoundToTheSameFloat() {
    SplittableRandom rnd = new SplittableRandom(3);
    SortedGini sorted = new SortedGini();
    SortedGini.Order order = new SortedGini.Order();
    for (int n : new int[] {5, 50, 2000}) {
      long[] ids = new long[n];
      double[] means = new double[n];
      for (int i = 0; i < n; i++) {
        ids[i] = i;
        // within one float's rounding of 1.0: every value is the same float, the doubles differ, so the
        // fix-up insertion sort does all the ordering until its budget runs out
        means[i] = 1.0 + rnd.nextInt(1000) * 1e-12;
      }
      assertThat(sorted.gini(order, ids, means, n, n)).isEqualTo(Gini.of(means, n));
      if (n != 50) { // 5: a few moves, the order is kept; 2,000: too many, the full sort takes over
        assertThat(order.size).as("order kept for %d", n).isEqualTo(n == 5 ? n : 0);
      }
    }
  }

  @Test
  void shouldFallBackToTheFullGiniForIdsOutOfRangeAndRejectWhatItRejects() {
    SortedGini sorted = new SortedGini();
    SortedGini.Order order = new SortedGini.Order();
    double[] means = {0.5, 2, 1};
    assertThat(sorted.gini(order, new long[] {0, 1, 7}, means, 3, 5)).isEqualTo(Gini.of(means, 3));
    assertThat(order.size).isZero();
    assertThat(sorted.gini(order, new long[] {0, 1, 2}, means, 3, 5)).isEqualTo(Gini.of(means, 3));
    assertThat(order.size).isEqualTo(3);
    assertThatThrownBy(() -> sorted.gini(order, new long[] {0, 1, 2}, new double[] {1, -1, 2}, 3, 5))
        .hasMessageContaining("value 1 is -1.0");
    assertThat(sorted.gini(order, new long[0], new double[0], 0, 5)).isNaN();
    assertThatThrownBy(() -> sorted.gini(order, new long[] {0, 1}, new double[] {1, 2, 3}, 3, 5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n must be in [0, 2], was 3");
  }
}
