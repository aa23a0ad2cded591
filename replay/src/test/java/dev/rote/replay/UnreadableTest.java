package dev.rote.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnreadableTest {

  @Test
  void shouldSayHowManyRecordsWereSkippedWhereAndWhy() {
    List<Unreadable> records = List.of(new Unreadable("rote.telemetry", 2, 17, "null value"),
        new Unreadable("rote.telemetry", 2, 18, "record on rote.telemetry is not a valid rote.v1.Telemetry: x"),
        new Unreadable("rote.alerts", 0, 4, "null value"));
    assertThat(Unreadable.summary(records)).isEqualTo("3 unreadable records skipped at rote.telemetry/2@17, "
        + "rote.telemetry/2@18, rote.alerts/0@4 (null value; record on rote.telemetry is not a valid "
        + "rote.v1.Telemetry: x)");
    assertThat(Unreadable.summary(List.of(records.get(0))))
        .isEqualTo("1 unreadable record skipped at rote.telemetry/2@17 (null value)");
    assertThat(Unreadable.summary(List.of())).isEmpty();
  }

  @Test
  void shouldListTheFirstTenPlacesAndCountTheRest() {
    List<Unreadable> records = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      records.add(new Unreadable("t", 0, i, "null value"));
    }
    assertThat(Unreadable.summary(records)).startsWith("13 unreadable records skipped at t/0@0, ")
        .contains("t/0@9 and 3 more (null value)").doesNotContain("t/0@10");
  }
}
