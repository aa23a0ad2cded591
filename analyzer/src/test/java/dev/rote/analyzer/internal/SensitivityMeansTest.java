package dev.rote.analyzer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The arrays against a plain map of the window: the same examples in the same first-seen order, each
 * with the same mean and latest label, bit for bit.
 */
class SensitivityMeansTest {

  @Test
  void shouldGiveTheMeansOfTheMapForRandomWindows() {
    SplittableRandom rnd = new SplittableRandom(11);
    SensitivityMeans fast = new SensitivityMeans();
    for (int round = 0; round < 300; round++) {
      int examples = 1 + rnd.nextInt(70_000);
      int samples = 1 + rnd.nextInt(12);
      int perSample = 1 + rnd.nextInt(300);
      List<RunState.Sensitivities> window = window(rnd, samples, perSample, () -> rnd.nextInt(examples));
      assertSameAsMap(fast, window, examples);
    }
  }

  @Test
  void shouldCountAnExampleSeenInSeveralSamplesOnce() {
    List<RunState.Sensitivities> window = List.of(
        new RunState.Sensitivities(1, new long[] {4, 2}, new int[] {1, 3}, new float[] {1f, 2f}),
        new RunState.Sensitivities(2, new long[] {2, 7, 4}, new int[] {5, 0, 1}, new float[] {4f, 0.5f, 2f}));
    SensitivityMeans means = new SensitivityMeans();
    assertThat(means.of(window, 10)).isEqualTo(3);
    assertThat(java.util.Arrays.copyOf(means.ids, 3)).containsExactly(4, 2, 7);
    assertThat(java.util.Arrays.copyOf(means.means, 3)).containsExactly(1.5, 3.0, 0.5);
    assertThat(java.util.Arrays.copyOf(means.labels, 3)).containsExactly(1, 5, 0);
  }

  @Test
  void shouldTakeTheMapForIdsBeyondTheLimitAndTheArraysAgainAfterIt() {
    SplittableRandom rnd = new SplittableRandom(3);
    SensitivityMeans means = new SensitivityMeans();
    // the same instance throughout: its arrays are sized by a first window with a large limit ...
    assertSameAsMap(means, window(rnd, 3, 64, () -> rnd.nextInt(5000)), 5000);
    // ... then a window that leaves the limit part-way, after in-range ids took slots ...
    List<RunState.Sensitivities> mixed = new ArrayList<>(window(rnd, 2, 128, () -> rnd.nextInt(100)));
    mixed.addAll(window(rnd, 2, 128, () -> rnd.nextInt(5000)));
    assertSameAsMap(means, mixed, 100);
    // ... and in-range windows after it: no slot of the broken-off window is left behind
    for (int round = 0; round < 5; round++) {
      assertSameAsMap(means, window(rnd, 3, 128, () -> rnd.nextInt(100)), 100);
      assertSameAsMap(means, window(rnd, 3, 128, () -> rnd.nextInt(5000)), 5000);
    }
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
    long[] ids = new long[n];
    double[] means = new double[n];
    int[] labels = new int[n];
    int i = 0;
    for (Map.Entry<Long, double[]> e : map.entrySet()) {
      ids[i] = e.getKey();
      means[i] = e.getValue()[0] / e.getValue()[1];
      labels[i++] = (int) e.getValue()[2];
    }
    assertThat(java.util.Arrays.copyOf(fast.ids, n)).containsExactly(ids);
    assertThat(java.util.Arrays.copyOf(fast.means, n)).containsExactly(means);
    assertThat(java.util.Arrays.copyOf(fast.labels, n)).containsExactly(labels);
  }
}
