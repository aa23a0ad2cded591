package dev.rote.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommittedProgressTest {

  private static final long S = 1_000_000_000L;

  /** Run a commits steps 10, 20, ... one every 10 ms of the consumer's clock from t = 1 s; run b half as fast. */
  private static List<CommittedIndicators.Seen> seen() {
    List<CommittedIndicators.Seen> seen = new ArrayList<>();
    for (int k = 1; k <= 300; k++) {
      long at = S + k * 10_000_000L;
      seen.add(new CommittedIndicators.Seen(indicator("a", 10L * k), at, 0));
      if (k % 2 == 0) {
        seen.add(new CommittedIndicators.Seen(indicator("b", 5L * k), at, 0));
      }
      seen.add(new CommittedIndicators.Seen(indicator("other-phase", 1_000_000L), at, 0));
    }
    return seen;
  }

  private static Indicator indicator(String run, long step) {
    return Indicator.newBuilder().setRunId(run).setStep(step).setName("train_accuracy").build();
  }

  @Test
  void shouldCountPerRunTheLastStepCommittedByTheInstantAndOnlyThePhasesRuns() {
    CommittedProgress p = CommittedProgress.at(2 * S, Map.of("a", 1500L, "b", 900L), seen());
    // by t = 2 s: k = 100, a at step 1000, b at step 500; the other phase's run is not counted
    assertThat(p.committed()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1000L, "b", 500L));
    assertThat(p.committedSteps()).isEqualTo(1500);
    assertThat(p.maxLag()).isEqualTo(500); // a: 1500 - 1000, b: 900 - 500 = 400
  }

  @Test
  void shouldTakeTheSustainedRateBetweenTwoInstants() {
    CommittedProgress third = CommittedProgress.at(2 * S, Map.of("a", 0L, "b", 0L), seen());
    CommittedProgress end = CommittedProgress.at(3 * S, Map.of("a", 0L, "b", 0L), seen());
    // a commits 1,000 steps/s, b 500 steps/s
    assertThat(end.rateSince(third)).isEqualTo(1500.0);
    assertThatThrownBy(() -> third.rateSince(end)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldCountARunWithNothingCommittedAsLaggingByEverythingPublished() {
    CommittedProgress p = CommittedProgress.at(S, Map.of("a", 40L, "new", 70L), seen());
    assertThat(p.committedSteps()).isZero();
    assertThat(p.maxLag()).isEqualTo(70);
  }

  @Test
  void shouldTakeTheLatenciesOfTheStepsPublishedFromTheWindowsStartOnly() {
    List<CommittedIndicators.Seen> seen = List.of(
        new CommittedIndicators.Seen(Indicator.newBuilder().setSourceTimeMs(1_000).build(), 0, 9_000),
        new CommittedIndicators.Seen(Indicator.newBuilder().setSourceTimeMs(5_000).build(), 0, 5_300),
        new CommittedIndicators.Seen(Indicator.newBuilder().setSourceTimeMs(6_000).build(), 0, 6_100));
    assertThat(FleetBench.latencies(seen, 5_000)).containsExactly(100, 300);
    assertThat(FleetBench.latencies(seen, Long.MIN_VALUE)).containsExactly(100, 300, 8_000);
  }

  @Test
  void shouldLoopTheRecordingUnderRisingStepsAndEpochs() {
    List<Telemetry> recording = new ArrayList<>();
    for (int step = 1; step <= 6; step++) {
      recording.add(Telemetry.newBuilder().setRunId("r").setStep(step).setEpoch((step - 1) / 3).build());
    }
    List<Telemetry> looped = RecordedRun.looped(recording, 14);
    assertThat(looped).extracting(Telemetry::getStep).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L,
        12L, 13L, 14L);
    assertThat(looped).extracting(Telemetry::getEpoch).containsExactly(0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4);
    assertThat(RecordedRun.looped(recording, 4)).hasSize(4);
  }
}
