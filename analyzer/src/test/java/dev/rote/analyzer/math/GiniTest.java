package dev.rote.analyzer.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GiniTest {

  static double pairwise(double[] x) {
    double sum = 0;
    double mean = 0;
    for (double a : x) {
      mean += a / x.length;
      for (double b : x) {
        sum += Math.abs(a - b);
      }
    }
    return sum / (2.0 * x.length * x.length * mean);
  }

  @Test
  void shouldMatchHandComputedValues() {
    assertThat(Gini.of(new double[] {1, 1, 1, 1})).isZero();
    assertThat(Gini.of(new double[] {0, 0, 0, 1})).isCloseTo(0.75, within(1e-15));
    assertThat(Gini.of(new double[] {0, 0, 0, 0})).isZero();
    assertThat(Gini.of(new double[0])).isNaN();
  }

  @Test
  void shouldMatchTheNumpyFixtures() {
    List<Fixtures.Line> lines = Fixtures.read("gini.txt");
    assertThat(lines).hasSize(10);
    for (int i = 0; i < lines.size(); i += 2) {
      double[] values = lines.get(i).doubles();
      double expected = lines.get(i + 1).doubles()[0];
      assertThat(Gini.of(values)).isCloseTo(expected, within(1e-12));
    }
  }

  @Test
  void shouldAgreeWithThePairwiseDefinitionAndLeaveItsInputAlone() {
    Random rnd = new Random(1);
    for (int trial = 0; trial < 20; trial++) {
      double[] x = new double[1 + rnd.nextInt(300)];
      for (int i = 0; i < x.length; i++) {
        x[i] = rnd.nextDouble() * rnd.nextDouble();
      }
      double[] copy = x.clone();
      assertThat(Gini.of(x)).isCloseTo(pairwise(x), within(1e-12));
      assertThat(x).containsExactly(copy);
    }
  }

  @Test
  void shouldNotOverflowOnHugeValuesOrDependOnScale() {
    double[] x = {1, 2, 3, 10};
    double[] huge = {1e308, 1e308, 3e307, 1.5e308};
    assertThat(Gini.of(huge)).isCloseTo(pairwise(new double[] {1, 1, 0.3, 1.5}), within(1e-12));
    assertThat(Gini.of(new double[] {1e-300, 2e-300, 3e-300, 1e-299})).isCloseTo(Gini.of(x), within(1e-12));
  }

  @Test
  void shouldTakeFloatValues() {
    assertThat(Gini.of(new float[] {0, 0, 0, 1})).isCloseTo(0.75, within(1e-15));
    assertThat(Gini.of(new float[] {2.5f, 0.5f, 1})).isEqualTo(Gini.of(new double[] {2.5, 0.5, 1}));
    assertThat(Gini.of(new float[0])).isNaN();
    assertThatThrownBy(() -> Gini.of(new float[] {1, Float.NaN})).hasMessageContaining("value 1 is NaN");
  }

  @Test
  void shouldTakeAPrefixOfTheArray() {
    double[] x = {0, 0, 0, 1, 99, -5};
    assertThat(Gini.of(x, 4)).isCloseTo(0.75, within(1e-15));
    assertThat(Gini.of(x, 0)).isNaN();
    assertThat(x).containsExactly(0, 0, 0, 1, 99, -5);
    assertThatThrownBy(() -> Gini.of(x, 7)).hasMessageContaining("n must be in [0, 6], was 7");
    assertThatThrownBy(() -> Gini.of(x, 6)).hasMessageContaining("value 5 is -5.0");
  }

  @Test
  void shouldRejectNegativeAndNonFiniteValues() {
    assertThatThrownBy(() -> Gini.of(new double[] {1, -1})).hasMessageContaining("value 1 is -1.0");
    assertThatThrownBy(() -> Gini.of(new double[] {Double.NaN})).hasMessageContaining("NaN");
    assertThatThrownBy(() -> Gini.of(new double[] {Double.POSITIVE_INFINITY})).hasMessageContaining("Infinity");
  }
}
