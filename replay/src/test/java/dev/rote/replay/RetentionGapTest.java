package dev.rote.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetentionGapTest {

  @Test
  void shouldFindTheStepsRetentionDeleted() {
    assertThat(RetentionGap.find(0, 613, 4000)).contains(new RetentionGap(1, 612, 4000));
    assertThat(RetentionGap.find(100, 613, 4000)).contains(new RetentionGap(100, 612, 4000));
  }

  @Test
  void shouldFindNoGapWhenTheLogIsWholeOrTheReplayStartsLater() {
    assertThat(RetentionGap.find(0, 5, 0)).isEmpty();
    assertThat(RetentionGap.find(700, 613, 4000)).isEmpty();
    assertThat(RetentionGap.find(0, 1, 4000)).isEmpty();
  }
}
