package dev.rote.reference.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AsymmetricNoiseTest {

  static final int[] FASHION_PAIRS = {0, 6, 6, 0, 2, 4, 4, 2, 5, 7, 7, 5};

  /** 1,000 labels: class c appears 100 times. */
  static int[] labels() {
    return LabelNoiseTest.labels(1000);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.2, 0.4, 0.6, 1.0})
  void shouldMoveExactlyTheFractionOfEachSourceClassToItsPartner(double fraction) {
    int[] clean = labels();
    int[] copy = clean.clone();
    NoisyLabels noisy = LabelNoise.asymmetric(clean, 10, fraction, FASHION_PAIRS, 9);
    assertThat(clean).containsExactly(copy);
    int[][] moved = new int[10][10];
    for (int i = 0; i < clean.length; i++) {
      assertThat(noisy.flipped()[i]).isEqualTo(noisy.labels()[i] != clean[i]);
      moved[clean[i]][noisy.labels()[i]]++;
    }
    long perClass = Math.round(fraction * 100);
    for (int p = 0; p < FASHION_PAIRS.length; p += 2) {
      assertThat(moved[FASHION_PAIRS[p]][FASHION_PAIRS[p + 1]]).as("%d -> %d", FASHION_PAIRS[p], FASHION_PAIRS[p + 1])
          .isEqualTo(perClass);
    }
    for (int c : new int[] {1, 3, 8, 9}) {
      assertThat(moved[c][c]).as("class %d is no source", c).isEqualTo(100);
    }
    assertThat(noisy.flippedCount()).isEqualTo(6 * perClass);
    assertThat(noisy.mode()).isEqualTo(NoisyLabels.Mode.ASYMMETRIC);
    assertThat(noisy.pairs()).containsExactly(FASHION_PAIRS);
    assertThat(noisy.fraction()).isEqualTo(fraction);
  }

  @Test
  void shouldRoundEachClassesFlipsToTheNearestExample() {
    // class 0 has 3 examples, class 1 has 2: 0.5 * 3 = 1.5 rounds to 2, 0.5 * 2 = 1
    int[] clean = {0, 0, 0, 1, 1};
    NoisyLabels noisy = LabelNoise.asymmetric(clean, 2, 0.5, new int[] {0, 1, 1, 0}, 3);
    assertThat(noisy.flippedCount()).isEqualTo(3);
    assertThat(noisy.labels()).containsOnly(0, 1);
  }

  @Test
  void shouldBeDeterministicPerSeed() {
    int[] clean = labels();
    assertThat(LabelNoise.asymmetric(clean, 10, 0.4, FASHION_PAIRS, 5).labels())
        .containsExactly(LabelNoise.asymmetric(clean, 10, 0.4, FASHION_PAIRS, 5).labels());
    assertThat(LabelNoise.asymmetric(clean, 10, 0.4, FASHION_PAIRS, 6).labels())
        .isNotEqualTo(LabelNoise.asymmetric(clean, 10, 0.4, FASHION_PAIRS, 5).labels());
  }

  @Test
  void shouldDefaultToTheFashionMnistPairsAndElsewhereToTheNextClass() {
    assertThat(LabelNoise.defaultPairs("fashion-mnist", 10)).containsExactly(FASHION_PAIRS);
    assertThat(LabelNoise.defaultPairs("mnist", 3)).containsExactly(0, 1, 1, 2, 2, 0);
    assertThat(LabelNoise.defaultPairs("fashion-mnist", 3)).containsExactly(0, 1, 1, 2, 2, 0);
  }

  @Test
  void shouldParseAndFormatPairs() {
    assertThat(LabelNoise.parsePairs("0:6, 6:0,2:4")).containsExactly(0, 6, 6, 0, 2, 4);
    assertThat(LabelNoise.parsePairs("")).isEmpty();
    assertThat(LabelNoise.formatPairs(FASHION_PAIRS)).isEqualTo("0:6,6:0,2:4,4:2,5:7,7:5");
    assertThatThrownBy(() -> LabelNoise.parsePairs("0:6,7"))
        .hasMessage("noise pairs must be source:target,source:target,... (e.g. 0:6,6:0), was \"7\" in 0:6,7");
  }

  @Test
  void shouldRejectPairsThatCannotBeApplied() {
    int[] clean = labels();
    assertThatThrownBy(() -> LabelNoise.asymmetric(clean, 10, 0.4, new int[] {0, 10}, 1))
        .hasMessage("noise pair 0:10 names class 10, out of range [0, 10)");
    assertThatThrownBy(() -> LabelNoise.asymmetric(clean, 10, 0.4, new int[] {3, 3}, 1))
        .hasMessage("noise pair 3:3 maps a class to itself");
    assertThatThrownBy(() -> LabelNoise.asymmetric(clean, 10, 0.4, new int[] {1, 2, 1, 3}, 1))
        .hasMessage("noise pairs list source class 1 more than once");
    assertThatThrownBy(() -> LabelNoise.asymmetric(clean, 10, 0.4, new int[0], 1))
        .hasMessage("asymmetric noise needs one or more source:target pairs, was []");
    assertThatThrownBy(() -> LabelNoise.asymmetric(clean, 10, 1.5, FASHION_PAIRS, 1))
        .hasMessage("label noise fraction must be in [0, 1], was 1.5");
  }
}
