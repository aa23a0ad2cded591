package dev.rote.analyzer.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class AurocTest {

  @Test
  void shouldMatchScikitLearnAndNumpyOnScoresWithTies() {
    List<Fixtures.Line> lines = Fixtures.read("auroc.txt");
    assertThat(lines).hasSize(20);
    for (int c = 0; c < lines.size(); c += 5) {
      double[] scores = lines.get(c).doubles();
      double[] flags = lines.get(c + 1).doubles();
      boolean[] positive = new boolean[flags.length];
      for (int i = 0; i < flags.length; i++) {
        positive[i] = flags[i] == 1;
      }
      assertThat(Auroc.of(scores, positive)).isCloseTo(lines.get(c + 2).doubles()[0], within(1e-12));
      double[] ks = lines.get(c + 3).doubles();
      double[] precision = lines.get(c + 4).doubles();
      for (int k = 0; k < ks.length; k++) {
        assertThat(Auroc.precisionAt(scores, positive, (int) ks[k])).as("precision at %d", (int) ks[k])
            .isCloseTo(precision[k], within(1e-12));
      }
    }
  }

  @Test
  void shouldGiveOneForAPerfectRankingHalfForAllTiedAndNanWithoutBothClasses() {
    boolean[] positive = {true, false, true, false};
    assertThat(Auroc.of(new double[] {0.9, 0.1, 0.8, 0.2}, positive)).isEqualTo(1.0);
    assertThat(Auroc.of(new double[] {0.1, 0.9, 0.2, 0.8}, positive)).isEqualTo(0.0);
    assertThat(Auroc.of(new double[] {1, 1, 1, 1}, positive)).isEqualTo(0.5);
    assertThat(Auroc.of(new double[] {1, 2}, new boolean[] {true, true})).isNaN();
    assertThat(Auroc.precisionAt(new double[] {1, 2}, new boolean[] {true, false}, 0)).isNaN();
  }

  @Test
  void shouldRejectMismatchedLengthsNanScoresAndKOutOfRange() {
    assertThatThrownBy(() -> Auroc.of(new double[] {1}, new boolean[] {true, false}))
        .hasMessage("1 scores for 2 labels");
    assertThatThrownBy(() -> Auroc.of(new double[] {1, Double.NaN}, new boolean[] {true, false}))
        .hasMessage("score 1 is NaN");
    assertThatThrownBy(() -> Auroc.precisionAt(new double[] {1}, new boolean[] {true}, 2))
        .hasMessage("k must be in [0, 1], was 2");
  }
}
