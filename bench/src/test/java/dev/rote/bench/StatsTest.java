package dev.rote.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void shouldTakeTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
    assertThat(Stats.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
  }

  @Test
  void shouldTakePercentilesByNearestRank() {
    long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    assertThat(Stats.percentile(sorted, 0.5)).isEqualTo(50);
    assertThat(Stats.percentile(sorted, 0.99)).isEqualTo(100);
    assertThat(Stats.percentile(sorted, 0.9)).isEqualTo(90);
    assertThat(Stats.percentile(new long[0], 0.5)).isEqualTo(-1);
  }
}
