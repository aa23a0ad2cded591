package dev.rote.analyzer.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NmfTest {

  static final Nmf.Config PRECISE = new Nmf.Config(3000, 1e-9, 42);
  static final int[] SWEEP = {1, 2, 4, 8, 16};

  /** One matrix of nmf.txt with scikit-learn's errors, their spread over inits, and the SVD bound. */
  record Case(String name, int rows, int cols, int[] ranks, double[] errors, double[] lowest, double[] highest,
      double[] svd, float[] data) {}

  static List<Case> cases() {
    List<Case> out = new ArrayList<>();
    Map<String, Fixtures.Line> fields = new HashMap<>();
    List<Fixtures.Line> lines = new ArrayList<>(Fixtures.read("nmf.txt"));
    lines.add(new Fixtures.Line("case", new String[0]));
    for (Fixtures.Line line : lines) {
      if (line.keyword().equals("case") && !fields.isEmpty()) {
        String[] head = fields.get("case").values();
        double[] d = fields.get("data").doubles();
        float[] data = new float[d.length];
        for (int j = 0; j < d.length; j++) {
          data[j] = (float) d[j];
        }
        out.add(new Case(head[0], Integer.parseInt(head[1]), Integer.parseInt(head[2]),
            Arrays.stream(fields.get("ranks").values()).mapToInt(Integer::parseInt).toArray(),
            fields.get("errors").doubles(), fields.get("lowest").doubles(), fields.get("highest").doubles(),
            fields.get("svd").doubles(), data));
        fields.clear();
      }
      fields.put(line.keyword(), line);
    }
    return out;
  }

  static Case fixture(String prefix) {
    return cases().stream().filter(c -> c.name().startsWith(prefix)).findFirst().orElseThrow();
  }

  /** An m×n matrix like ReLU activations: each entry 0 with probability 1/2, else uniform in [0, 1). */
  static float[] reluLike(int m, int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] a = new float[m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextDouble() < 0.5 ? 0f : (float) rnd.nextDouble();
    }
    return a;
  }

  /** ||A − W·H||_F / ||A||_F in double, straight from the definition. */
  static double relativeError(float[] a, float[] w, float[] h, int m, int n, int k) {
    double err = 0;
    double norm = 0;
    for (int i = 0; i < m; i++) {
      for (int c = 0; c < n; c++) {
        double v = 0;
        for (int j = 0; j < k; j++) {
          v += (double) w[i * k + j] * h[j * n + c];
        }
        double d = a[i * n + c] - v;
        err += d * d;
        norm += (double) a[i * n + c] * a[i * n + c];
      }
    }
    return Math.sqrt(err / norm);
  }

  @Test
  void shouldReachErrorsWithinTheSpreadOfScikitLearnsLocalOptima() {
    List<Case> cases = cases();
    assertThat(cases).extracting(Case::name).containsExactly("dense_12x20", "rank2_16x30", "relu_40x64", "relu_9x13");
    for (Case c : cases) {
      Nmf.Sweep s = Nmf.sweep(c.data(), c.rows(), c.cols(), c.ranks(), PRECISE);
      for (int r = 0; r < c.ranks().length; r++) {
        // NMF is non-convex: a different algorithm's local optimum may differ a little from
        // scikit-learn's, but not by more than scikit-learn's own optima differ across inits.
        assertThat(s.errors()[r]).as("%s rank %d", c.name(), c.ranks()[r])
            .isBetween(c.lowest()[r] - 0.01, c.highest()[r] + 0.01);
      }
    }
  }

  @Test
  void shouldMatchTheLeadingSingularTripleAtRankOneAndNeverBeatTheTruncatedSvd() {
    for (Case c : cases()) {
      Nmf.Sweep s = Nmf.sweep(c.data(), c.rows(), c.cols(), c.ranks(), PRECISE);
      assertThat(c.ranks()[0]).isEqualTo(1);
      assertThat(s.errors()[0]).as(c.name()).isCloseTo(c.svd()[0], within(1e-5));
      assertThat(s.errors()[0]).as(c.name()).isCloseTo(c.errors()[0], within(1e-5));
      for (int r = 0; r < c.ranks().length; r++) {
        assertThat(s.errors()[r]).as("%s rank %d", c.name(), c.ranks()[r]).isGreaterThan(c.svd()[r] - 1e-5);
      }
    }
  }

  @Test
  void shouldRecoverAnExactlyRankTwoMatrix() {
    Case c = fixture("rank2");
    Nmf.Sweep precise = Nmf.sweep(c.data(), c.rows(), c.cols(), new int[] {2, 4, 8}, PRECISE);
    Nmf.Sweep usual = Nmf.sweep(c.data(), c.rows(), c.cols(), new int[] {2, 4, 8}, Nmf.DEFAULTS);
    for (int r = 0; r < 3; r++) {
      assertThat(precise.errors()[r]).isLessThan(1e-3);
      assertThat(usual.errors()[r]).isLessThan(0.02);
    }
  }

  @Test
  void shouldGiveErrorsThatFallWithTheRankAndAverageToTheNonlinearity() {
    float[] a = reluLike(128, 64, 5);
    Nmf.Sweep s = Nmf.sweep(a, 128, 64, SWEEP, Nmf.DEFAULTS);
    for (int r = 1; r < SWEEP.length; r++) {
      assertThat(s.errors()[r]).isLessThanOrEqualTo(s.errors()[r - 1] + 1e-3);
    }
    assertThat(s.errors()[0]).isLessThan(1).isGreaterThan(s.errors()[4]);
    assertThat(s.nonlinearity()).isCloseTo(Arrays.stream(s.errors()).average().orElseThrow(), within(1e-15));
    assertThat(s.ranks()).containsExactly(SWEEP);
  }

  @Test
  void shouldReturnNonNegativeFactorsWhoseProductHasTheReportedError() {
    int[][] shapes = {{128, 64, 4}, {9, 13, 5}, {7, 3, 3}, {1, 17, 1}, {30, 1, 1}, {25, 33, 7}};
    for (int[] shape : shapes) {
      int m = shape[0];
      int n = shape[1];
      int k = shape[2];
      float[] a = reluLike(m, n, m * 31L + n);
      Nmf.Factorization f = Nmf.factorize(a, m, n, k, Nmf.DEFAULTS);
      assertThat(f.m()).isEqualTo(m);
      assertThat(f.n()).isEqualTo(n);
      assertThat(f.k()).isEqualTo(k);
      assertThat(f.w()).hasSize(m * k);
      assertThat(f.h()).hasSize(k * n);
      for (float v : f.w()) {
        assertThat(v).isGreaterThanOrEqualTo(0f);
      }
      for (float v : f.h()) {
        assertThat(v).isGreaterThanOrEqualTo(0f);
      }
      assertThat(f.relativeError()).as("%dx%d rank %d", m, n, k)
          .isCloseTo(relativeError(a, f.w(), f.h(), m, n, k), within(1e-5));
      assertThat(f.iterations()).isBetween(1, Nmf.DEFAULTS.maxIterations());
    }
  }

  @Test
  void shouldBeDeterministicAndGiveEachRankOfASweepAsFactorizingAtThatRank() {
    float[] a = reluLike(96, 80, 9);
    Nmf.Sweep s = Nmf.sweep(a, 96, 80, SWEEP, Nmf.DEFAULTS);
    Nmf.Sweep again = Nmf.sweep(a.clone(), 96, 80, SWEEP, Nmf.DEFAULTS);
    assertThat(again.errors()).containsExactly(s.errors());
    assertThat(again.iterations()).containsExactly(s.iterations());
    assertThat(again.flops()).isEqualTo(s.flops());
    for (int r = 0; r < SWEEP.length; r++) {
      Nmf.Factorization f = Nmf.factorize(a, 96, 80, SWEEP[r], Nmf.DEFAULTS);
      Nmf.Factorization g = Nmf.factorize(a, 96, 80, SWEEP[r], Nmf.DEFAULTS);
      assertThat(f.relativeError()).isEqualTo(s.errors()[r]);
      assertThat(f.iterations()).isEqualTo(s.iterations()[r]);
      assertThat(g.w()).containsExactly(f.w());
      assertThat(g.h()).containsExactly(f.h());
    }
    Nmf.Sweep otherSeed = Nmf.sweep(a, 96, 80, SWEEP, new Nmf.Config(200, 1e-4, 7));
    assertThat(otherSeed.errors()).isNotEqualTo(s.errors());
    assertThat(otherSeed.nonlinearity()).isCloseTo(s.nonlinearity(), within(0.01));
  }

  @Test
  void shouldNotDependOnTheScaleOfTheMatrix() {
    float[] a = reluLike(40, 50, 3);
    Nmf.Sweep s = Nmf.sweep(a, 40, 50, SWEEP, Nmf.DEFAULTS);
    float[] times8 = a.clone();
    float[] tiny = a.clone();
    float[] huge = a.clone();
    for (int i = 0; i < a.length; i++) {
      times8[i] *= 8;
      tiny[i] *= 1e-30f;
      huge[i] *= 1e30f;
    }
    // A power of two rescales exactly; other factors only round the entries.
    assertThat(Nmf.sweep(times8, 40, 50, SWEEP, Nmf.DEFAULTS).errors()).containsExactly(s.errors());
    assertThat(Nmf.sweep(tiny, 40, 50, SWEEP, Nmf.DEFAULTS).errors()).containsExactly(s.errors(), within(1e-4));
    assertThat(Nmf.sweep(huge, 40, 50, SWEEP, Nmf.DEFAULTS).errors()).containsExactly(s.errors(), within(1e-4));
    Nmf.Factorization f = Nmf.factorize(huge, 40, 50, 4, Nmf.DEFAULTS);
    assertThat(relativeError(huge, f.w(), f.h(), 40, 50, 4)).isCloseTo(f.relativeError(), within(1e-5));
  }

  @Test
  void shouldRoundDoubleMatricesToFloat() {
    float[] a = reluLike(20, 30, 4);
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    assertThat(Nmf.sweep(d, 20, 30, SWEEP, Nmf.DEFAULTS).errors())
        .containsExactly(Nmf.sweep(a, 20, 30, SWEEP, Nmf.DEFAULTS).errors());
    assertThat(Nmf.factorize(d, 20, 30, 3, Nmf.DEFAULTS).relativeError())
        .isEqualTo(Nmf.factorize(a, 20, 30, 3, Nmf.DEFAULTS).relativeError());
  }

  @Test
  void shouldDefineTheZeroMatrixErrorAsZeroAndClipRanks() {
    Nmf.Sweep zero = Nmf.sweep(new float[12], 3, 4, new int[] {1, 8}, Nmf.DEFAULTS);
    assertThat(zero.errors()).containsExactly(0.0, 0.0);
    assertThat(zero.iterations()).containsExactly(0, 0);
    assertThat(zero.nonlinearity()).isZero();
    Nmf.Factorization f = Nmf.factorize(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, 16, PRECISE);
    assertThat(f.k()).isEqualTo(2);
    assertThat(f.relativeError()).isLessThan(1e-3);
    Nmf.Sweep clipped = Nmf.sweep(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, new int[] {1, 99}, PRECISE);
    assertThat(clipped.ranks()).containsExactly(1, 99);
    assertThat(clipped.errors()[1]).isEqualTo(f.relativeError());
  }

  @Test
  void shouldCountTheFlopsOfTheProductsAndMore() {
    int m = 64;
    int n = 48;
    Nmf.Sweep s = Nmf.sweep(reluLike(m, n, 2), m, n, SWEEP, Nmf.DEFAULTS);
    long products = 0;
    for (int r = 0; r < SWEEP.length; r++) {
      products += 4L * m * n * SWEEP[r] * s.iterations()[r];
    }
    assertThat(s.flops()).isGreaterThan(products).isLessThan(2 * products);
  }

  @Test
  void shouldRejectNegativeOrNonFiniteEntriesWrongShapesAndBadRanks() {
    assertThatThrownBy(() -> Nmf.sweep(new float[] {1, -2}, 1, 2, new int[] {1}, Nmf.DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry 1 is -2.0");
    assertThatThrownBy(() -> Nmf.sweep(new float[] {1, Float.NaN}, 1, 2, new int[] {1}, Nmf.DEFAULTS))
        .hasMessageContaining("entry 1 is NaN");
    assertThatThrownBy(() -> Nmf.factorize(new float[] {Float.POSITIVE_INFINITY, 1}, 1, 2, 1, Nmf.DEFAULTS))
        .hasMessageContaining("entry 0 is Infinity");
    assertThatThrownBy(() -> Nmf.sweep(new double[] {1, 1e300}, 1, 2, new int[] {1}, Nmf.DEFAULTS))
        .hasMessageContaining("entry 1 is 1.0E300");
    assertThatThrownBy(() -> Nmf.sweep(new float[3], 2, 2, new int[] {1}, Nmf.DEFAULTS))
        .hasMessage("matrix of 3 values is not 2x2");
    assertThatThrownBy(() -> Nmf.sweep(new float[0], 0, 0, new int[] {1}, Nmf.DEFAULTS))
        .hasMessage("matrix of 0 values is not 0x0");
    assertThatThrownBy(() -> Nmf.sweep(new float[4], 2, 2, new int[] {2, 0}, Nmf.DEFAULTS))
        .hasMessage("ranks must be >= 1, was 0");
    assertThatThrownBy(() -> Nmf.sweep(new float[4], 2, 2, new int[0], Nmf.DEFAULTS))
        .hasMessage("ranks must not be empty");
  }

  @Test
  void shouldValidateTheConfig() {
    assertThatThrownBy(() -> new Nmf.Config(0, 1e-4, 1)).hasMessage("maxIterations must be >= 1, was 0");
    assertThatThrownBy(() -> new Nmf.Config(10, -1, 1)).hasMessage("tolerance must be finite and >= 0, was -1.0");
    assertThatThrownBy(() -> new Nmf.Config(10, Double.NaN, 1)).hasMessage("tolerance must be finite and >= 0, was NaN");
    assertThat(Nmf.DEFAULTS).isEqualTo(new Nmf.Config(200, 1e-4, 42));
  }
}
