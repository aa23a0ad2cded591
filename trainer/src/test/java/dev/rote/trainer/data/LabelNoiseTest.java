package dev.rote.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LabelNoiseTest {

  static int[] labels(int n) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = (i * 7) % 10;
    }
    return y;
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.2, 0.4, 0.6, 1.0})
  void shouldFlipExactlyTheFractionAndNeverToTheSameClass(double fraction) {
    int[] clean = labels(1000);
    int[] copy = clean.clone();
    NoisyLabels noisy = LabelNoise.symmetric(clean, 10, fraction, 11);
    assertThat(clean).containsExactly(copy);
    int changed = 0;
    for (int i = 0; i < clean.length; i++) {
      assertThat(noisy.flipped()[i]).isEqualTo(noisy.labels()[i] != clean[i]);
      assertThat(noisy.labels()[i]).isBetween(0, 9);
      changed += noisy.labels()[i] != clean[i] ? 1 : 0;
    }
    assertThat(changed).isEqualTo(Math.round(fraction * 1000)).isEqualTo(noisy.flippedCount());
  }

  @Test
  void shouldBeDeterministicPerSeed() {
    int[] clean = labels(500);
    assertThat(LabelNoise.symmetric(clean, 10, 0.4, 5).labels())
        .containsExactly(LabelNoise.symmetric(clean, 10, 0.4, 5).labels());
    assertThat(LabelNoise.symmetric(clean, 10, 0.4, 6).labels())
        .isNotEqualTo(LabelNoise.symmetric(clean, 10, 0.4, 5).labels());
    assertThat(LabelNoise.random(clean, 10, 5).labels()).containsExactly(LabelNoise.random(clean, 10, 5).labels());
  }

  @Test
  void shouldSpreadFlipsUniformlyOverTheOtherClasses() {
    int[] clean = new int[10_000];
    NoisyLabels noisy = LabelNoise.symmetric(clean, 10, 1.0, 3);
    int[] counts = new int[10];
    for (int l : noisy.labels()) {
      counts[l]++;
    }
    assertThat(counts[0]).isZero();
    // Each of the 9 other classes expects 1111 flips; 4 standard deviations is about 126.
    for (int c = 1; c < 10; c++) {
      assertThat(counts[c]).isBetween(1111 - 130, 1111 + 130);
    }
  }

  @Test
  void shouldDrawRandomLabelsUniformly() {
    int[] clean = labels(10_000);
    NoisyLabels noisy = LabelNoise.random(clean, 10, 9);
    int[] counts = new int[10];
    for (int l : noisy.labels()) {
      counts[l]++;
    }
    for (int c = 0; c < 10; c++) {
      assertThat(counts[c]).isBetween(1000 - 125, 1000 + 125);
    }
    long differ = 0;
    for (int i = 0; i < clean.length; i++) {
      assertThat(noisy.flipped()[i]).isEqualTo(noisy.labels()[i] != clean[i]);
      differ += noisy.flipped()[i] ? 1 : 0;
    }
    assertThat(differ).isEqualTo(noisy.flippedCount()).isBetween(8_800L, 9_200L);
  }

  @Test
  void shouldRejectAFractionOutsideTheUnitInterval() {
    assertThatThrownBy(() -> LabelNoise.symmetric(labels(10), 10, 1.5, 1))
        .hasMessage("label noise fraction must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> LabelNoise.symmetric(labels(10), 10, Double.NaN, 1))
        .hasMessageContaining("NaN");
    assertThat(Arrays.stream(LabelNoise.none(labels(10)).labels()).sum()).isEqualTo(Arrays.stream(labels(10)).sum());
  }
}
