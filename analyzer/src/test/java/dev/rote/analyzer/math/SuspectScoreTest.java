package dev.rote.analyzer.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SuspectScoreTest {

  @Test
  void shouldBeTheShareOfWrongEventsSmoothedByTheLogisticOfTheNegativeMeanMargin() {
    // 3 wrong of 5, mean margin 0: (3 + 0.5) / 6
    assertThat(SuspectScore.of(5, 3, 0.0)).isCloseTo(3.5 / 6, within(1e-15));
    // mean margin -2: sigma(2) = 0.8808
    assertThat(SuspectScore.of(4, 1, -2.0)).isCloseTo((1 + 1 / (1 + Math.exp(-2))) / 5, within(1e-15));
    assertThat(SuspectScore.of(4, 1, Double.NaN)).isCloseTo(1.5 / 5, within(1e-15));
  }

  @Test
  void shouldRankByWrongEventsFirstAndByMeanMarginAmongEqualCounts() {
    double moreWrongButLargeMargin = SuspectScore.of(10, 6, 30.0);
    double fewerWrongButNegativeMargin = SuspectScore.of(10, 5, -30.0);
    assertThat(moreWrongButLargeMargin).isGreaterThan(fewerWrongButNegativeMargin);
    assertThat(SuspectScore.of(10, 5, -1.0)).isGreaterThan(SuspectScore.of(10, 5, -0.5));
    assertThat(SuspectScore.of(10, 5, 12.0)).isGreaterThan(SuspectScore.of(10, 5, 13.0));
  }

  @Test
  void shouldStayWithinZeroAndOneWithHalfAsTheLineOfMajorityDisagreement() {
    assertThat(SuspectScore.of(100, 100, -1e6)).isLessThanOrEqualTo(1.0).isGreaterThan(0.99);
    assertThat(SuspectScore.of(100, 0, 1e6)).isGreaterThanOrEqualTo(0.0).isLessThan(0.01);
    assertThat(SuspectScore.of(9, 5, 0.0)).isGreaterThan(SuspectScore.SUSPECT_THRESHOLD);
    assertThat(SuspectScore.of(9, 4, 0.0)).isLessThan(SuspectScore.SUSPECT_THRESHOLD);
  }

  @Test
  void shouldRejectImpossibleCounts() {
    assertThatThrownBy(() -> SuspectScore.of(2, 3, 0)).hasMessage("need 0 <= wrong <= presentations, was wrong 3 of 2");
    assertThatThrownBy(() -> SuspectScore.of(-1, 0, 0)).hasMessage("need 0 <= wrong <= presentations, was wrong 0 of -1");
  }
}
