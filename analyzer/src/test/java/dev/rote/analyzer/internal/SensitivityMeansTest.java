package dev.rote.analyzer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast path against the map the indicators used before it: same means, same labels, same order, bit for bit. */
class SensitivityMeansTest {

  @Test
  void shouldGiveTheMeansInTheOrderOfTheMapForRandomWindows() {
    SplittableRandom rnd = new SplittableRandom(11);
    SensitivityMeans fast = new SensitivityMeans();
    int reproduced = 0;
    for (int round = 0; round < 300; round++) {
      int examples = 1 + rnd.nextInt(70_000);
      int samples = 1 + rnd.nextInt(12);
      int perSample = 1 + rnd.nextInt(300);
      List<RunState.Sensitivities> window = window(rnd, samples, perSample, () -> rnd.nextInt(examples));
      assertSameAsMap(fast, window, examples);
      reproduced += fast.reproduced ? 1 : 0;
    }
    assertThat(reproduced).as("rounds on the fast path").isGreaterThan(250);
  }

  @Test
  void shouldFallBackToTheMapWhereItsBucketsWouldTurnIntoTrees() {
    SplittableRandom rnd = new SplittableRandom(5);
    SensitivityMeans fast = new SensitivityMeans();
    // ids that share a bucket at every table size up to 1024: bins of 8 and more become trees
    for (int stride : new int[] {16, 64, 1024}) {
      int examples = 200 * stride;
      List<RunState.Sensitivities> window = window(rnd, 3, 100, () -> stride * rnd.nextInt(200));
      assertSameAsMap(fast, window, examples);
      assertThat(fast.reproduced).as("stride %d", stride).isFalse();
    }
  }

  @Test
  void shouldFallBackToTheMapForIdsBeyondTheLimit() {
    SplittableRandom rnd = new SplittableRandom(3);
    List<RunState.Sensitivities> window = window(rnd, 4, 128, () -> rnd.nextInt(5000));
    SensitivityMeans means = new SensitivityMeans();
    assertSameAsMap(means, window, 100);
    assertThat(means.reproduced).isFalse();
  }

  private static List<RunState.Sensitivities> window(SplittableRandom rnd, int samples, int perSample,
      java.util.function.IntSupplier id) {
    List<RunState.Sensitivities> window = new ArrayList<>();
    for (int s = 0; s < samples; s++) {
      long[] ids = new long[perSample];
      int[] labels = new int[perSample];
      float[] values = new float[perSample];
      for (int i = 0; i < perSample; i++) {
        ids[i] = id.getAsInt();
        labels[i] = rnd.nextInt(10);
        values[i] = (float) rnd.nextDouble();
      }
      window.add(new RunState.Sensitivities(s, ids, labels, values));
    }
    return window;
  }

  private static void assertSameAsMap(SensitivityMeans fast, List<RunState.Sensitivities> window, int idLimit) {
    Map<Long, double[]> map = SensitivityMeans.reference(window);
    int n = fast.of(window, idLimit);
    assertThat(n).isEqualTo(map.size());
    double[] means = new double[n];
    int[] labels = new int[n];
    int i = 0;
    for (double[] acc : map.values()) {
      means[i] = acc[0] / acc[1];
      labels[i++] = (int) acc[2];
    }
    assertThat(java.util.Arrays.copyOf(fast.means, n)).containsExactly(means);
    assertThat(java.util.Arrays.copyOf(fast.labels, n)).containsExactly(labels);
  }
}
