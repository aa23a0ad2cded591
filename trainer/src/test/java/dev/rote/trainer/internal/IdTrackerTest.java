package dev.rote.trainer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdTrackerTest {

  private final List<IdTracker.Finding> found = new ArrayList<>();

  private static long[] range(long from, int n) {
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = from + i;
    }
    return ids;
  }

  @Test
  void shouldFindNothingWhenEpochsRepeatTheirExamples() {
    IdTracker t = new IdTracker(1, (f, d) -> found.add(f));
    for (int epoch = 0; epoch < 3; epoch++) {
      for (int b = 0; b < 4; b++) {
        t.observe(epoch, range(10L * b, 10));
      }
    }
    assertThat(found).isEmpty();
  }

  @Test
  void shouldFindIdsThatNeverRepeatOnceTheSecondEpochCoveredAPass() {
    IdTracker t = new IdTracker(1, (f, d) -> found.add(f));
    long next = 0;
    for (int epoch = 0; epoch < 2; epoch++) {
      for (int b = 0; b < 4; b++) {
        t.observe(epoch, range(next, 10));
        next += 10;
      }
    }
    assertThat(found).containsExactly(IdTracker.Finding.IDS_NEVER_REPEAT);
  }

  @Test
  void shouldFindASecondPassWithoutAnEpochChange() {
    IdTracker t = new IdTracker(1, (f, d) -> found.add(f));
    for (int pass = 0; pass < 2; pass++) {
      for (int b = 0; b < 4; b++) {
        t.observe(0, range(10L * b, 10));
      }
    }
    assertThat(found).containsExactly(IdTracker.Finding.EPOCH_NEVER_MOVED);
  }

  @Test
  void shouldExpectFewerRepeatsWhenOnlySomeStepsAreSampled() {
    // One step in four observed: an honest second epoch repeats about a quarter of what it shows.
    IdTracker t = new IdTracker(4, (f, d) -> found.add(f));
    for (int b = 0; b < 8; b++) {
      t.observe(0, range(10L * b, 10));
    }
    for (int b = 0; b < 8; b++) {
      t.observe(1, b < 2 ? range(10L * b, 10) : range(1000 + 10L * b, 10));
    }
    assertThat(found).isEmpty();
  }
}
