package dev.rote.analyzer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExampleStatsTest {

  /** One presentation of an example. */
  record Presentation(long step, int label, int predicted, float loss, float margin) {}

  /** The statistics by their definitions, from the whole list of presentations. */
  record Reference(int presentations, int wrong, int forgetting, long firstLearned, double meanMargin,
      float lastLoss, java.util.Set<Integer> predictedMost) {

    static Reference of(List<Presentation> ps, int classes) {
      int wrong = 0;
      int forgetting = 0;
      long first = 0;
      double margins = 0;
      int[] votes = new int[classes];
      for (int k = 0; k < ps.size(); k++) {
        Presentation p = ps.get(k);
        boolean ok = p.predicted() == p.label();
        wrong += ok ? 0 : 1;
        if (k > 0 && ps.get(k - 1).predicted() == ps.get(k - 1).label() && !ok) {
          forgetting++;
        }
        if (ok && first == 0) {
          first = p.step();
        }
        margins += p.margin();
        votes[p.predicted()]++;
      }
      int label = ps.get(ps.size() - 1).label();
      int max = java.util.Arrays.stream(votes).max().orElseThrow();
      // the label wins ties; between other classes a tie may go either way
      java.util.Set<Integer> most = new java.util.TreeSet<>();
      for (int c = 0; c < classes; c++) {
        if (votes[c] == max) {
          most.add(c);
        }
      }
      if (most.contains(label)) {
        most = java.util.Set.of(label);
      }
      return new Reference(ps.size(), wrong, forgetting, first, margins / ps.size(), ps.get(ps.size() - 1).loss(),
          most);
    }
  }

  @Test
  void shouldMatchTheDefinitionsOnRandomHistoriesWhoseWrongPredictionsFallOnTwoClasses() {
    Random rnd = new Random(3);
    for (int trial = 0; trial < 200; trial++) {
      int label = rnd.nextInt(10);
      int a = (label + 1 + rnd.nextInt(9)) % 10;
      int b = (label + 1 + rnd.nextInt(9)) % 10;
      double pCorrect = rnd.nextDouble();
      List<Presentation> ps = new ArrayList<>();
      for (int k = 0; k < 1 + rnd.nextInt(40); k++) {
        int pred = rnd.nextDouble() < pCorrect ? label : rnd.nextBoolean() ? a : b;
        ps.add(new Presentation(10L * k + 1, label, pred, rnd.nextFloat(), (float) rnd.nextGaussian()));
      }
      ExampleStats s = new ExampleStats();
      int slot = trial % ExampleStats.SIZE;
      ps.forEach(p -> s.present(slot, p.step(), p.label(), p.predicted(), p.loss(), p.margin(), -1));
      Reference r = Reference.of(ps, 10);

      assertThat(s.presentations[slot]).isEqualTo(r.presentations());
      assertThat(s.wrong[slot]).isEqualTo(r.wrong());
      assertThat(s.forgetting[slot]).isEqualTo(r.forgetting());
      assertThat(s.firstLearned[slot]).isEqualTo(r.firstLearned());
      assertThat(s.meanMargin(slot)).isCloseTo(r.meanMargin(), within(1e-9));
      assertThat(s.lastLoss[slot]).isEqualTo(r.lastLoss());
      assertThat(r.predictedMost()).as("trial %d", trial).contains(s.predictedMost(slot));
    }
  }

  @Test
  void shouldFindTheMostPredictedClassAmongManyWhenItHoldsMostOfTheWrongPredictions() {
    ExampleStats s = new ExampleStats();
    Random rnd = new Random(5);
    for (int k = 0; k < 300; k++) {
      int pred = rnd.nextDouble() < 0.55 ? 7 : 1 + rnd.nextInt(6); // 7 in 55% of the presentations, 1..6 the rest
      s.present(0, k + 1, 0, pred, 1f, -1f, -1);
    }
    assertThat(s.predictedMost(0)).isEqualTo(7);
  }

  @Test
  void shouldKeepTheLabelAsMostPredictedOnTiesAndTheNoiseFlagWhenPublished() {
    ExampleStats s = new ExampleStats();
    s.present(3, 1, 4, 4, 0.1f, 2f, 1);
    s.present(3, 2, 4, 9, 2.5f, -1f, -1);
    assertThat(s.predictedMost(3)).isEqualTo(4);
    assertThat(s.flipped[3]).isEqualTo(ExampleStats.FLIP_YES);
    assertThat(s.meanMargin(4)).isNaN();
    s.present(4, 1, 2, 2, 0.1f, Float.NaN, 0);
    assertThat(s.meanMargin(4)).isNaN();
    assertThat(s.flipped[4]).isEqualTo(ExampleStats.FLIP_NO);
  }

  @Test
  void shouldRoundTripThroughBytesInTensOfBytesPerExample() {
    ExampleStats s = new ExampleStats();
    Random rnd = new Random(9);
    for (int k = 0; k < 500; k++) {
      s.present(rnd.nextInt(ExampleStats.SIZE), k + 1, rnd.nextInt(10), rnd.nextInt(10), rnd.nextFloat(),
          (float) rnd.nextGaussian(), rnd.nextInt(3) - 1);
    }
    byte[] bytes = s.toBytes();
    ExampleStats back = ExampleStats.fromBytes(bytes);

    assertThat(back).isEqualTo(s);
    assertThat(back.toBytes()).isEqualTo(bytes);
    assertThat(bytes.length).isEqualTo(1 + ExampleStats.SIZE * ExampleStats.BYTES_PER_EXAMPLE);
    assertThat(ExampleStats.BYTES_PER_EXAMPLE).isBetween(10, 99);
    // a 60,000-example run: under 3 MB of statistics
    assertThat(60_000L / ExampleStats.SIZE * bytes.length).isLessThan(3_000_000L);
  }

  @Test
  void shouldRefuseBytesOfAnotherFormat() {
    assertThatThrownBy(() -> ExampleStats.fromBytes(new byte[] {9, 1, 2}))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("format 9");
  }
}
