package dev.rote.report;

import static dev.rote.report.TestRuns.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetsTest {

  // best = 0.9 throughout: 0.98 * best = 0.882, 0.99 * best = 0.891; TestRuns' final accuracy is 0.5

  @Test
  void shouldKeepTheRestoredModelOrTheFinalOneWhenRoteNeverStopped() {
    assertThat(Targets.kept(run(0.4, 1, 812L, 0.8821, 0.9, 1500L, 0.85))).isEqualTo(0.8821);
    assertThat(Targets.kept(run(0.4, 1, null, null, 0.9, 1500L, 0.85))).isEqualTo(0.5);
  }

  @Test
  void shouldMeetTheCleanTargetOnlyAtOrAbove99PercentOfTheBest() {
    assertThat(Targets.runMet(run(0.0, 1, 812L, 0.8911, 0.9, null, null))).contains(true);
    assertThat(Targets.runMet(run(0.0, 1, 812L, 0.8909, 0.9, null, null))).contains(false);
    // never stopped: the final model, 0.5, is what the clean run leaves
    assertThat(Targets.runMet(run(0.0, 1, null, null, 0.5, null, null))).contains(true);
  }

  @Test
  void shouldMeetTheCleanTargetWhenRoteNeverStoppedEvenIfTheLastEpochFellBelow99Percent() {
    ExperimentRun neverStopped = run(0.0, 1, null, null, 0.9, null, null);
    assertThat(Targets.kept(neverStopped)).isLessThan(0.99 * neverStopped.bestTestAcc());
    assertThat(Targets.runMet(neverStopped)).contains(true);
    assertThat(Targets.runMet(run(0.0, 1, 812L, 0.85, 0.9, null, null))).as("stopped at 94%").contains(false);
  }

  @Test
  void shouldMeetTheNoisyTargetPerRunAt98PercentFrom20To60PercentNoise() {
    for (double noise : new double[] {0.2, 0.4, 0.6}) {
      assertThat(Targets.runMet(run(noise, 1, 812L, 0.8821, 0.9, 1500L, 0.95))).as("%s", noise).contains(true);
      assertThat(Targets.runMet(run(noise, 1, 812L, 0.8819, 0.9, 1500L, 0.5))).as("%s", noise).contains(false);
    }
    ExperimentRun asymmetric = TestRuns.inCell(run(0.4, 1, 812L, 0.8821, 0.9, 1500L, 0.85), "c", "asymmetric",
        List.of());
    assertThat(Targets.runMet(asymmetric)).contains(true);
    assertThat(Targets.runMet(run(0.4, 1, null, null, 0.9, null, null))).as("never stopped: final 0.5").contains(false);
  }

  @Test
  void shouldHaveNoTargetBelow20OrAbove60PercentNoise() {
    assertThat(Targets.runMet(run(0.1, 1, 812L, 0.5, 0.9, null, null))).isEmpty();
    assertThat(Targets.runMet(run(0.8, 1, 812L, 0.5, 0.9, null, null))).isEmpty();
    assertThat(Targets.verdict(List.of(run(0.8, 1, 812L, 0.5, 0.9, null, null))).met()).isEmpty();
  }

  @Test
  void shouldDivideTheBaselineByTheFullRunsBestNotItsOwn() {
    ExperimentRun r = new ExperimentRun(0.4, 1, 812L, 0.88, 0.88, 700L, 0.9, 700, 0.5, 2000, "r", 1500L, 0.85, 0.85,
        TestRuns.curve(0.9), List.of(), 0.87, null);
    assertThat(Targets.ofBest(Targets.baselineDelivered(r), r)).isCloseTo(0.85 / 0.9, within(1e-12));
    assertThat(Targets.verdict(List.of(r)).meanBaseline()).isCloseTo(0.85 / 0.9, within(1e-12));
  }

  @Test
  void shouldAskNinetyPercentOfNoisyRunsNearTheBestAndTheBaselinesAverage() {
    List<ExperimentRun> nineOfTen = new java.util.ArrayList<>();
    for (int s = 1; s <= 9; s++) {
      nineOfTen.add(run(0.4, s, 812L, 0.89, 0.9, 1500L, 0.85));
    }
    nineOfTen.add(run(0.4, 10, 812L, 0.80, 0.9, 1500L, 0.85));
    Targets.Verdict v = Targets.verdict(nineOfTen);
    assertThat(v.noisyMet()).isEqualTo(9);
    assertThat(v.met()).contains(true);

    List<ExperimentRun> eightOfTen = new java.util.ArrayList<>(nineOfTen.subList(0, 8));
    eightOfTen.add(run(0.4, 9, 812L, 0.80, 0.9, 1500L, 0.85));
    eightOfTen.add(run(0.4, 10, 812L, 0.80, 0.9, 1500L, 0.85));
    assertThat(Targets.verdict(eightOfTen).met()).contains(false);

    // every run near its best, but the baseline kept more on average
    List<ExperimentRun> belowBaseline = List.of(run(0.4, 1, 812L, 0.885, 0.9, 1500L, 0.9),
        run(0.4, 2, 812L, 0.885, 0.9, 1500L, 0.88));
    assertThat(Targets.verdict(belowBaseline).noisyMet()).isEqualTo(2);
    assertThat(Targets.verdict(belowBaseline).met()).contains(false);
  }

  @Test
  void shouldFailACellWhenOneCleanRunStopsBelow99Percent() {
    List<ExperimentRun> runs = List.of(run(0.0, 1, null, null, 0.5, null, null),
        run(0.0, 2, 812L, 0.85, 0.9, null, null), run(0.4, 1, 812L, 0.89, 0.9, 1500L, 0.85));
    Targets.Verdict v = Targets.verdict(runs);
    assertThat(v.cleanRuns()).isEqualTo(2);
    assertThat(v.cleanMet()).isEqualTo(1);
    assertThat(v.met()).contains(false);
  }
}
