package dev.rote.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void shouldRejectNegativeStepsWithExactMessages() {
    assertThatThrownBy(() -> new Point(-1, 0.5)).hasMessage("step must be >= 0, was -1");
    assertThatThrownBy(() -> new Marker(-2, "stop")).hasMessage("step must be >= 0, was -2");
    assertThatThrownBy(() -> new Alert(-3, "r", "STOP", "why")).hasMessage("step must be >= 0, was -3");
    assertThatThrownBy(() -> new Marker(1, null)).isInstanceOf(NullPointerException.class).hasMessage("label");
    assertThatThrownBy(() -> new Alert(1, "r", null, "why")).hasMessage("action");
  }

  @Test
  void shouldSortSeriesByStepAndKeepFactAndSeriesOrder() {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("label noise", "40%");
    facts.put("seed", "7");
    facts.put("epochs", "20");
    Map<String, List<Point>> series = new LinkedHashMap<>();
    series.put("train_loss", List.of(new Point(5, 1.0)));
    series.put("test_accuracy", List.of(new Point(20, 0.9), new Point(10, 0.8), new Point(10, 0.85)));
    RunTimeline t = new RunTimeline("run-1", "Run 1", facts, series, List.of(), List.of());

    assertThat(t.facts().keySet()).containsExactly("label noise", "seed", "epochs");
    assertThat(t.series().keySet()).containsExactly("train_loss", "test_accuracy");
    assertThat(t.series().get("test_accuracy"))
        .containsExactly(new Point(10, 0.8), new Point(10, 0.85), new Point(20, 0.9));
    facts.put("late", "x");
    assertThat(t.facts()).doesNotContainKey("late");
    assertThatThrownBy(() -> t.series().put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldRejectMissingTimelineParts() {
    assertThatThrownBy(() -> new RunTimeline("r", "t", Map.of(), null, List.of(), List.of()))
        .isInstanceOf(NullPointerException.class).hasMessage("series");
    Map<String, List<Point>> withNull = new LinkedHashMap<>();
    withNull.put("gini", null);
    assertThatThrownBy(() -> new RunTimeline("r", "t", Map.of(), withNull, List.of(), List.of()))
        .isInstanceOf(NullPointerException.class).hasMessage("series[gini]");
  }

  @Test
  void shouldValidateExperimentRunAccuraciesAndNoise() {
    assertThatThrownBy(() -> TestRuns.run(1.5, 1, null, null, 0.9, null, null))
        .hasMessage("labelNoise must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> TestRuns.run(0.4, 1, 800L, 1.2, 0.9, null, null))
        .hasMessage("testAccAtStop must be in [0, 1], was 1.2");
    assertThatThrownBy(() -> TestRuns.run(0.4, 1, -5L, 0.8, 0.9, null, null))
        .hasMessage("stopStep must be >= 0, was -5");
    assertThatThrownBy(() -> TestRuns.run(0.4, 1, null, null, Double.NaN, null, null))
        .hasMessage("bestTestAcc must be in [0, 1], was NaN");
    assertThat(TestRuns.run(0.4, 1, null, null, 0.9, null, null).testAccuracy()).extracting(Point::step)
        .containsExactly(0L, 300L, 700L, 1200L, 2000L);
  }
}
