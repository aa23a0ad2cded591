package dev.rote.analyzer.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Values worked by hand: sqrt(p(1-p)/n), and Laplace's (x+1)/(n+2) in it at p = 0 or 1. */
class StandardErrorsTest {

  @Test
  void shouldGiveTheUsualBinomialStandardErrorStrictlyBetweenZeroAndOne() {
    assertThat(StandardErrors.binomial(0.5, 100)).isCloseTo(0.05, within(1e-15)); // sqrt(0.25/100)
    assertThat(StandardErrors.binomial(0.1, 900)).isCloseTo(0.01, within(1e-15)); // sqrt(0.09/900)
    assertThat(StandardErrors.binomial(1.0 / 3, 2)).isCloseTo(Math.sqrt(1.0 / 9), within(1e-15)); // sqrt((2/9)/2)
  }

  @Test
  void shouldNotCallARateSeenAtZeroOrOneExact() {
    // 0 of 1 learned: q = 1/3, sqrt((1/3)(2/3)/1) = sqrt(2)/3 = 0.4714; 1 of 1 the same by symmetry
    assertThat(StandardErrors.binomial(0, 1)).isCloseTo(Math.sqrt(2) / 3, within(1e-15));
    assertThat(StandardErrors.binomial(1, 1)).isCloseTo(Math.sqrt(2) / 3, within(1e-15));
    // 0 of 8: q = 1/10, sqrt(0.09/8) = 0.10607
    assertThat(StandardErrors.binomial(0, 8)).isCloseTo(Math.sqrt(0.09 / 8), within(1e-15));
    // 0 of 10,000 flips: q = 1/10,002, about 1e-4: small, but not 0
    assertThat(StandardErrors.binomial(0, 10_000)).isCloseTo(Math.sqrt((1.0 / 10_002) * (10_001.0 / 10_002) / 10_000),
        within(1e-18)).isGreaterThan(0.0);
  }

  @Test
  void shouldSayNothingWithoutTrialsOrOfAValueThatIsNoRate() {
    assertThat(StandardErrors.binomial(0.5, 0)).isNaN();
    assertThat(StandardErrors.binomial(1.5, 10)).isNaN();
    assertThat(StandardErrors.binomial(Double.NaN, 10)).isNaN();
    assertThat(StandardErrors.mean(3, 5, 1)).isNaN();
    // 1, 2 (sum 3, squares 5): variance 0.5, over sqrt(2): 0.5
    assertThat(StandardErrors.mean(3, 5, 2)).isCloseTo(0.5, within(1e-15));
  }
}
