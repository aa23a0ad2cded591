package dev.rote.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpuBudgetTest {

  @Test
  void shouldCountIdleAndIowaitAsNotBusyAndLeaveGuestTimesOut() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    long[] j = CpuBudget.parse("cpu  100 5 40 800 20 3 2 30 7 1");
    assertThat(j).containsExactly(100 + 5 + 40 + 3 + 2 + 30, 100 + 5 + 40 + 800 + 20 + 3 + 2 + 30);
  }

  @Test
  void shouldRefuseALineThatIsNotTheMachinesCpuLine() {
    assertThatThrownBy(() -> CpuBudget.parse("cpu0 1 2 3 4")).isInstanceOf(IllegalArgumentException.class);
  }
}
