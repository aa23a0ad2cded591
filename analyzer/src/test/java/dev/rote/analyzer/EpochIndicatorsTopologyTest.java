package dev.rote.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rote.contract.IndicatorNames;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The epoch-level indicators on the analyzer topology: passes closed by the epoch field or, without
 * it, by counting presentations; values checked against a plain by-id recount of each pass.
 */
class EpochIndicatorsTopologyTest {

  static final int N = 10;
  static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
  /** Prediction of each example id in passes 0..4. */
  static final int[][] PREDICTED = {
      {1, 1, 0, 2, 2, 0, 1, 1, 0, 2}, // 2 of 10 right
      {0, 1, 0, 2, 1, 2, 1, 1, 0, 0}, // 6 right
      {0, 1, 2, 0, 1, 2, 1, 0, 2, 0}, // 8 right
      {0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, // 10 right
      {0, 2, 2, 0, 1, 2, 0, 1, 1, 0}, // 8 right
  };

  static float loss(int pass, int id) {
    return 0.25f * id + 1f / (pass + 1);
  }

  /** A pass-by-pass recount, example by example, in id order. */
  record Expected(double accuracy, double meanLoss, double lossSe, double flipRate, double forgettingRate,
      double learnedRate, int previousWrong, double wrongLearnedRate) {
    static Expected of(int pass) {
      int correct = 0;
      double sum = 0;
      double squares = 0;
      int flips = 0;
      int forgets = 0;
      int learned = 0;
      int previousWrong = 0;
      for (int id = 0; id < N; id++) {
        boolean ok = PREDICTED[pass][id] == LABELS[id];
        correct += ok ? 1 : 0;
        double l = loss(pass, id);
        sum += l;
        squares += l * l;
        if (pass > 0) {
          boolean before = PREDICTED[pass - 1][id] == LABELS[id];
          flips += PREDICTED[pass][id] != PREDICTED[pass - 1][id] ? 1 : 0;
          forgets += before && !ok ? 1 : 0;
          learned += !before && ok ? 1 : 0;
          previousWrong += before ? 0 : 1;
        }
      }
      double mean = sum / N;
      double sd = Math.sqrt((squares - N * mean * mean) / (N - 1));
      return new Expected(correct / (double) N, mean, sd / Math.sqrt(N), flips / (double) N, forgets / (double) N,
          learned / (double) N, previousWrong, previousWrong == 0 ? Double.NaN : learned / (double) previousWrong);
    }
  }

  /** Each pass's examples in a shuffled order of its own. */
  static List<long[]> orders(int passes) {
    Random rnd = new Random(11);
    List<long[]> out = new ArrayList<>();
    for (int p = 0; p < passes; p++) {
      List<Long> ids = new ArrayList<>();
      for (long id = 0; id < N; id++) {
        ids.add(id);
      }
      java.util.Collections.shuffle(ids, rnd);
      out.add(ids.stream().mapToLong(Long::longValue).toArray());
    }
    return out;
  }

  /** The presentation stream: (pass, id) in order, passes back to back. */
  record Presentation(int pass, long id) {}

  static List<Presentation> stream(int passes) {
    List<Presentation> out = new ArrayList<>();
    List<long[]> orders = orders(passes);
    for (int p = 0; p < passes; p++) {
      for (long id : orders.get(p)) {
        out.add(new Presentation(p, id));
      }
    }
    return out;
  }

  static Telemetry batch(long step, int epoch, List<Presentation> rows) {
    ExampleColumns.Builder e = ExampleColumns.newBuilder();
    for (Presentation r : rows) {
      int id = (int) r.id();
      e.addExampleId(id).addLabel(LABELS[id]).addPredicted(PREDICTED[r.pass()][id]).addLoss(loss(r.pass(), id));
    }
    return Telemetry.newBuilder().setRunId("r").setStep(step).setEpoch(epoch).setTimeMs(1000 + step)
        .setBatch(BatchSummary.newBuilder().setLoss(1).setAccuracy(0.5).setBatchSize(rows.size()).setExamples(e))
        .build();
  }

  /** Batches of 4 that restart at every pass (partial last batch of 2), the epoch field advancing. */
  static List<Telemetry> epochBatches(int passes, boolean advanceEpoch) {
    List<Telemetry> out = new ArrayList<>();
    List<Presentation> all = stream(passes);
    long step = 1;
    for (int p = 0; p < passes; p++) {
      List<Presentation> pass = all.subList(p * N, (p + 1) * N);
      for (int from = 0; from < N; from += 4) {
        out.add(batch(step++, advanceEpoch ? p : 0, pass.subList(from, Math.min(N, from + 4))));
      }
    }
    return out;
  }

  static List<Indicator> epochIndicators(List<Indicator> xs) {
    return xs.stream().filter(i -> i.getName().startsWith("epoch_")).toList();
  }

  static Indicator find(List<Indicator> xs, String name, int pass) {
    return xs.stream().filter(i -> i.getName().equals(name) && i.getEpoch() == pass).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " for pass " + pass + " in " + xs));
  }

  /**
   * The binomial standard error as documented, written out here: sqrt(p(1-p)/n), with Laplace's
   * (pn + 1)/(n + 2) for p at 0 or 1 (e.g. a pass with every example right: sqrt((11/12)(1/12)/10)).
   */
  static double binomialSe(double p, double n) {
    double q = p == 0 || p == 1 ? (p * n + 1) / (n + 2) : p;
    return Math.sqrt(q * (1 - q) / n);
  }

  static void assertPass(List<Indicator> xs, int pass, long lastStep) {
    Expected e = Expected.of(pass);
    Indicator acc = find(xs, IndicatorNames.EPOCH_TRAIN_ACCURACY, pass);
    assertThat(acc.getStep()).isEqualTo(lastStep);
    assertThat(acc.getValue()).isCloseTo(e.accuracy(), within(1e-12));
    assertThat(acc.getSampleSize()).isEqualTo(N);
    assertThat(acc.getStandardError()).isCloseTo(binomialSe(e.accuracy(), N), within(1e-12));
    Indicator loss = find(xs, IndicatorNames.EPOCH_TRAIN_LOSS, pass);
    assertThat(loss.getValue()).isCloseTo(e.meanLoss(), within(1e-6));
    assertThat(loss.getStandardError()).isCloseTo(e.lossSe(), within(1e-6));
    if (pass == 0) {
      assertThat(xs).noneMatch(i -> i.getEpoch() == 0 && i.getName().equals(IndicatorNames.EPOCH_PREDICTION_FLIP_RATE));
      return;
    }
    Indicator flips = find(xs, IndicatorNames.EPOCH_PREDICTION_FLIP_RATE, pass);
    assertThat(flips.getStep()).isEqualTo(lastStep);
    assertThat(flips.getValue()).isCloseTo(e.flipRate(), within(1e-12));
    assertThat(flips.getSampleSize()).isEqualTo(N);
    assertThat(flips.getStandardError()).isCloseTo(binomialSe(e.flipRate(), N), within(1e-12));
    assertThat(find(xs, IndicatorNames.EPOCH_FORGETTING_RATE, pass).getValue()).isCloseTo(e.forgettingRate(),
        within(1e-12));
    assertThat(find(xs, IndicatorNames.EPOCH_LEARNED_RATE, pass).getValue()).isCloseTo(e.learnedRate(), within(1e-12));
    if (e.previousWrong() == 0) {
      // nothing was wrong at the previous presentation: no share of it to learn
      assertThat(xs).noneMatch(i -> i.getEpoch() == pass && i.getName().equals(IndicatorNames.EPOCH_WRONG_LEARNED_RATE));
    } else {
      Indicator wrongLearned = find(xs, IndicatorNames.EPOCH_WRONG_LEARNED_RATE, pass);
      assertThat(wrongLearned.getValue()).isCloseTo(e.wrongLearnedRate(), within(1e-12));
      assertThat(wrongLearned.getSampleSize()).isEqualTo(e.previousWrong());
      assertThat(wrongLearned.getStandardError()).isCloseTo(
          binomialSe(e.wrongLearnedRate(), e.previousWrong()), within(1e-12));
    }
  }

  @Test
  void shouldEmitOnePassPerEpochAtItsLastStepWithSampleSizesAndStandardErrors() {
    try (AnalyzerTopologyTest.Harness h = new AnalyzerTopologyTest.Harness(AnalyzerConfig.defaults())) {
      epochBatches(5, true).forEach(h::send);
      List<Indicator> xs = epochIndicators(h.indicators());
      // 3 steps per pass (4 + 4 + 2): the passes end at steps 3, 6, 9, 12, 15.
      for (int pass = 0; pass < 5; pass++) {
        assertPass(xs, pass, 3L * (pass + 1));
      }
      assertThat(xs).extracting(Indicator::getEpoch).containsOnly(0, 1, 2, 3, 4);
      assertThat(xs).filteredOn(i -> i.getName().equals(IndicatorNames.EPOCH_TRAIN_ACCURACY)).hasSize(5);
    }
  }

  @Test
  void shouldLeaveOutAPassWhoseTelemetryIsMostlyMissing() {
    try (AnalyzerTopologyTest.Harness h = new AnalyzerTopologyTest.Harness(AnalyzerConfig.defaults())) {
      // Pass 2 loses its first two batches (8 of 10 presentations): a gap after an outage.
      List<Telemetry> batches = new ArrayList<>(epochBatches(5, true));
      batches.removeIf(t -> t.getStep() == 7 || t.getStep() == 8);
      batches.forEach(h::send);
      List<Indicator> xs = epochIndicators(h.indicators());
      assertThat(xs).extracting(Indicator::getEpoch).containsOnly(0, 1, 3, 4);
      assertPass(xs, 0, 3);
      assertPass(xs, 1, 6);
      assertPass(xs, 4, 15);
      // Pass 3's examples last came in pass 1 (or, for two of them, in the gapped pass 2).
      assertThat(find(xs, IndicatorNames.EPOCH_TRAIN_ACCURACY, 3).getSampleSize()).isEqualTo(N);
    }
  }

  @Test
  void shouldCloseAPassWithoutEpochNumbersEveryDistinctCountOfPresentationsEvenMidBatch() {
    // The epoch field never advances and batches of 4 run on across passes: the first repeated id
    // (presentation 11, in step 3) closes pass 0, then every 10 presentations close the next.
    List<Presentation> all = stream(4);
    List<Telemetry> batches = new ArrayList<>();
    for (int from = 0, step = 1; from < all.size(); from += 4, step++) {
      batches.add(batch(step, 0, all.subList(from, Math.min(all.size(), from + 4))));
    }
    try (AnalyzerTopologyTest.Harness h = new AnalyzerTopologyTest.Harness(AnalyzerConfig.defaults())) {
      batches.forEach(h::send);
      List<Indicator> xs = epochIndicators(h.indicators());
      // Presentations 10, 20, 30, 40 are the passes' last: in steps 3, 5, 8, 10.
      assertPass(xs, 0, 3);
      assertPass(xs, 1, 5);
      assertPass(xs, 2, 8);
      assertPass(xs, 3, 10);
    }
  }

  @Test
  void shouldCloseAPassWithoutEpochNumbersWhenBatchesRestartEachPass() {
    try (AnalyzerTopologyTest.Harness h = new AnalyzerTopologyTest.Harness(AnalyzerConfig.defaults())) {
      epochBatches(3, false).forEach(h::send);
      List<Indicator> xs = epochIndicators(h.indicators());
      assertPass(xs, 0, 3); // emitted when the first repeated id arrives, at step 4
      assertPass(xs, 1, 6);
      assertPass(xs, 2, 9);
    }
  }

  @Test
  void shouldMeasureFitProgressFromTheFourthPassByTheDeltaMethod() {
    try (AnalyzerTopologyTest.Harness h = new AnalyzerTopologyTest.Harness(AnalyzerConfig.defaults())) {
      epochBatches(5, true).forEach(h::send);
      List<Indicator> xs = epochIndicators(h.indicators());
      assertThat(xs).filteredOn(i -> i.getName().equals(IndicatorNames.EPOCH_FIT_PROGRESS))
          .extracting(Indicator::getEpoch).containsExactly(3, 4);
      for (int pass = 3; pass <= 4; pass++) {
        double a = Expected.of(pass).accuracy();
        double b = Expected.of(pass - 3).accuracy();
        Indicator fit = find(xs, IndicatorNames.EPOCH_FIT_PROGRESS, pass);
        assertThat(fit.getValue()).isCloseTo((a - b) / (3 * (1 - b)), within(1e-12));
        // d/da = 1 / (3 (1 - b)), d/db = (a - 1) / (3 (1 - b)^2), binomial variances over 10.
        double seA = binomialSe(a, N);
        double seB = binomialSe(b, N);
        double expected = Math.hypot(seA / (3 * (1 - b)), (a - 1) * seB / (3 * (1 - b) * (1 - b)));
        assertThat(fit.getStandardError()).isCloseTo(expected, within(1e-12));
      }
      // Pass 3 learned everything left after pass 0: (1 - 0.2) / (3 * 0.8) = 1/3.
      assertThat(find(xs, IndicatorNames.EPOCH_FIT_PROGRESS, 3).getValue()).isCloseTo(1 / 3.0, within(1e-12));
    }
  }

  @Test
  void shouldEmitAPassInAFixedOrderWithTheFlipRateLast() {
    try (AnalyzerTopologyTest.Harness h = new AnalyzerTopologyTest.Harness(AnalyzerConfig.defaults())) {
      epochBatches(5, true).forEach(h::send);
      List<Indicator> xs = epochIndicators(h.indicators());
      assertThat(xs.stream().filter(i -> i.getEpoch() == 3).map(Indicator::getName).toList())
          .containsExactlyElementsOf(IndicatorNames.EPOCH_ORDER);
      assertThat(xs.stream().filter(i -> i.getEpoch() == 1).map(Indicator::getName).toList())
          .containsExactly(IndicatorNames.EPOCH_TRAIN_ACCURACY, IndicatorNames.EPOCH_TRAIN_LOSS,
              IndicatorNames.EPOCH_FORGETTING_RATE, IndicatorNames.EPOCH_LEARNED_RATE,
              IndicatorNames.EPOCH_WRONG_LEARNED_RATE, IndicatorNames.EPOCH_PREDICTION_FLIP_RATE);
      // pass 3 got every example right, so pass 4 has no wrong ones to learn
      assertThat(xs.stream().filter(i -> i.getEpoch() == 4).map(Indicator::getName).toList())
          .containsExactlyElementsOf(IndicatorNames.EPOCH_ORDER.stream()
              .filter(n -> !n.equals(IndicatorNames.EPOCH_WRONG_LEARNED_RATE)).toList());
    }
  }

  @Test
  void shouldGiveTheSameEpochIndicatorsInReplayAndKeepTheRollingOnesUnchanged() {
    AnalyzerConfig config = AnalyzerConfig.defaults();
    List<Indicator> live;
    try (AnalyzerTopologyTest.Harness h = new AnalyzerTopologyTest.Harness(config)) {
      epochBatches(5, true).forEach(h::send);
      live = h.indicators();
    }
    RunAnalysis replay = new RunAnalysis(config, false);
    List<Indicator> replayed = new ArrayList<>();
    epochBatches(5, true).forEach(t -> replayed.addAll(replay.apply(t)));
    assertThat(replayed).isEqualTo(live);
    // The rolling flip rate is still there, every 10 steps, over the last epoch's 3 steps.
    assertThat(live).filteredOn(i -> i.getName().equals(IndicatorNames.PREDICTION_FLIP_RATE))
        .extracting(Indicator::getStep).containsExactly(10L);
  }
}
