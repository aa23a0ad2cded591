package dev.rote.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunIdsTest {

  @Test
  void shouldMarkReplaysAndOnlyThem() {
    assertThat(RunIds.isReplay("run-a@replay-1")).isTrue();
    assertThat(RunIds.isReplay("run-a")).isFalse();
    assertThat(RunIds.isReplay(null)).isFalse();
    assertThat(RunIds.replay("run-a", 3)).isEqualTo("run-a@replay-3");
  }

  @Test
  void shouldCountReplaysUpPerRun() {
    assertThat(RunIds.nextReplay("run-a", List.of())).isEqualTo("run-a@replay-1");
    assertThat(RunIds.nextReplay("run-a", List.of("run-a", "run-a@replay-1", "run-a@replay-7", "run-b@replay-9",
        "run-a@replay-x"))).isEqualTo("run-a@replay-8");
  }

  @Test
  void shouldRejectAReplayNumberBelowOne() {
    assertThatThrownBy(() -> RunIds.replay("run-a", 0)).hasMessage("replay number must be >= 1, was 0");
  }
}
