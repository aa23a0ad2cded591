package dev.rote.analyzer.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NmfTest {

  static final Nmf.Config PRECISE = new Nmf.Config(3000, 1e-9, 42);

  record Case(String name, int rows, int cols, int[] ranks, double[] errors, float[] data) {}

  static List<Case> cases() {
    List<Fixtures.Line> lines = Fixtures.read("nmf.txt");
    java.util.ArrayList<Case> out = new java.util.ArrayList<>();
    for (int i = 0; i < lines.size(); i += 4) {
      String[] head = lines.get(i).values();
      int[] ranks = java.util.Arrays.stream(lines.get(i + 1).values()).mapToInt(Integer::parseInt).toArray();
      double[] d = lines.get(i + 3).doubles();
      float[] data = new float[d.length];
      for (int j = 0; j < d.length; j++) {
        data[j] = (float) d[j];
      }
      out.add(new Case(head[0], Integer.parseInt(head[1]), Integer.parseInt(head[2]), ranks,
          lines.get(i + 2).doubles(), data));
    }
    return out;
  }

  @Test
  void shouldReachScikitLearnsReconstructionErrors() {
    List<Case> cases = cases();
    assertThat(cases).hasSize(3);
    for (Case c : cases) {
      Nmf.Sweep s = Nmf.sweep(c.data(), c.rows(), c.cols(), c.ranks(), PRECISE);
      for (int r = 0; r < c.ranks().length; r++) {
        // NMF is non-convex: different local optima differ slightly; rank 1 is the leading
        // singular triple and must agree closely.
        double tolerance = c.ranks()[r] == 1 ? 1e-4 : 0.02;
        assertThat(s.errors()[r]).as("%s rank %d", c.name(), c.ranks()[r])
            .isCloseTo(c.errors()[r], within(tolerance));
      }
    }
  }

  @Test
  void shouldRecoverAnExactlyRankTwoMatrix() {
    Case c = cases().stream().filter(x -> x.name().startsWith("rank2")).findFirst().orElseThrow();
    Nmf.Sweep s = Nmf.sweep(c.data(), c.rows(), c.cols(), new int[] {2, 4}, PRECISE);
    for (double e : s.errors()) {
      assertThat(e).isLessThan(1e-3);
    }
  }

  @Test
  void shouldGiveNonIncreasingNonNegativeFactorizationsDeterministically() {
    Random rnd = new Random(5);
    float[] a = new float[128 * 64];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextFloat() < 0.5 ? 0 : rnd.nextFloat();
    }
    int[] ranks = {1, 2, 4, 8, 16};
    Nmf.Sweep s = Nmf.sweep(a, 128, 64, ranks, Nmf.DEFAULTS);
    for (int r = 1; r < ranks.length; r++) {
      assertThat(s.errors()[r]).isLessThanOrEqualTo(s.errors()[r - 1] + 1e-3);
    }
    assertThat(s.nonlinearity()).isCloseTo(java.util.Arrays.stream(s.errors()).average().orElseThrow(), within(1e-15));
    Nmf.Factorization f = Nmf.factorize(a, 128, 64, 4, Nmf.DEFAULTS);
    for (float v : f.w()) {
      assertThat(v).isGreaterThanOrEqualTo(0f);
    }
    for (float v : f.h()) {
      assertThat(v).isGreaterThanOrEqualTo(0f);
    }
    Nmf.Sweep again = Nmf.sweep(a, 128, 64, ranks, Nmf.DEFAULTS);
    assertThat(again.errors()).containsExactly(s.errors());
  }

  @Test
  void shouldDefineTheZeroMatrixErrorAsZeroAndClipRanks() {
    assertThat(Nmf.sweep(new float[12], 3, 4, new int[] {1, 8}, Nmf.DEFAULTS).errors()).containsExactly(0.0, 0.0);
    Nmf.Factorization f = Nmf.factorize(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, 16, PRECISE);
    assertThat(f.k()).isEqualTo(2);
    assertThat(f.relativeError()).isLessThan(1e-3);
  }

  @Test
  void shouldRejectNegativeOrNonFiniteEntriesAndWrongShapes() {
    assertThatThrownBy(() -> Nmf.sweep(new float[] {1, -2}, 1, 2, new int[] {1}, Nmf.DEFAULTS))
        .hasMessageContaining("entry 1 is -2.0");
    assertThatThrownBy(() -> Nmf.sweep(new float[] {1, Float.NaN}, 1, 2, new int[] {1}, Nmf.DEFAULTS))
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> Nmf.sweep(new float[3], 2, 2, new int[] {1}, Nmf.DEFAULTS))
        .hasMessageContaining("not 2x2");
  }
}
