package dev.rote.reference.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    assertThat(noisy.mode()).isEqualTo(NoisyLabels.Mode.SYMMETRIC);
    assertThat(noisy.fraction()).isEqualTo(fraction);
    assertThat(noisy.seed()).isEqualTo(11);
  }

  @Test
  void shouldRoundTheNumberOfFlipsToTheNearestExample() {
    // 0.25 * 10 = 2.5 rounds half up to 3; 0.24 * 10 = 2.4 rounds to 2.
    assertThat(LabelNoise.symmetric(labels(10), 10, 0.25, 1).flippedCount()).isEqualTo(3);
    assertThat(LabelNoise.symmetric(labels(10), 10, 0.24, 1).flippedCount()).isEqualTo(2);
    assertThat(LabelNoise.symmetric(new int[0], 10, 0.5, 1).flippedCount()).isZero();
  }

  @Test
  void shouldFlipBetweenTwoClasses() {
    int[] clean = {0, 1, 0, 1};
    assertThat(LabelNoise.symmetric(clean, 2, 1.0, 4).labels()).containsExactly(1, 0, 1, 0);
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
    assertThat(noisy.mode()).isEqualTo(NoisyLabels.Mode.RANDOM);
    assertThat(noisy.fraction()).isEqualTo(1.0);
    assertThat(noisy.seed()).isEqualTo(9);
  }

  @Test
  void shouldNotMutateTheInputOfRandomLabels() {
    int[] clean = labels(100);
    LabelNoise.random(clean, 10, 2);
    assertThat(clean).containsExactly(labels(100));
  }

  @Test
  void shouldKeepLabelsWithoutNoise() {
    int[] clean = labels(10);
    NoisyLabels noisy = LabelNoise.none(clean);
    assertThat(noisy.labels()).containsExactly(clean).isNotSameAs(clean);
    assertThat(noisy.flipped()).containsOnly(false);
    assertThat(noisy.flippedCount()).isZero();
    assertThat(noisy.mode()).isEqualTo(NoisyLabels.Mode.NONE);
    assertThat(noisy.fraction()).isZero();
  }

  @Test
  void shouldRejectAFractionOutsideTheUnitInterval() {
    assertThatThrownBy(() -> LabelNoise.symmetric(labels(10), 10, 1.5, 1))
        .hasMessage("label noise fraction must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> LabelNoise.symmetric(labels(10), 10, -0.1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("label noise fraction must be in [0, 1], was -0.1");
    assertThatThrownBy(() -> LabelNoise.symmetric(labels(10), 10, Double.NaN, 1))
        .hasMessage("label noise fraction must be in [0, 1], was NaN");
  }

  @Test
  void shouldRejectFewerThanTwoClassesAndLabelsOutOfRange() {
    assertThatThrownBy(() -> LabelNoise.symmetric(new int[] {0}, 1, 0.5, 1))
        .hasMessage("label noise needs >= 2 classes, was 1");
    assertThatThrownBy(() -> LabelNoise.random(new int[] {0}, 1, 1))
        .hasMessage("label noise needs >= 2 classes, was 1");
    assertThatThrownBy(() -> LabelNoise.symmetric(new int[] {0, 10}, 10, 0.5, 1))
        .hasMessage("label 10 at index 1 is out of range [0, 10)");
  }

  @Test
  void shouldValidateNoisyLabelsRecord() {
    assertThatThrownBy(() -> new NoisyLabels(new int[2], new boolean[] {true, false}, 2, NoisyLabels.Mode.SYMMETRIC,
        0.5, 1)).hasMessage("flippedCount must equal the flipped flags set, 1, was 2");
    assertThatThrownBy(() -> new NoisyLabels(new int[2], new boolean[1], 0, NoisyLabels.Mode.NONE, 0, 0))
        .hasMessage("labels and flipped must have the same length: 2 != 1");
  }
}
