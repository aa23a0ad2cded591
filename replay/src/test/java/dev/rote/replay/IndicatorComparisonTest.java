package dev.rote.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.v1.Indicator;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndicatorComparisonTest {

  private static Indicator i(String name, long step, double value) {
    return Indicator.newBuilder().setRunId("r").setName(name).setStep(step).setValue(value).build();
  }

  @Test
  void shouldCompareValueByValueBitForBitAndOccurrenceByOccurrence() {
    List<Indicator> original = List.of(i("gap", 10, 0.1), i("gap", 10, 0.2), i("flips", 10, 3), i("loss", 10, 1.5),
        i("loss", 20, 1.4));
    List<Indicator> replayed = List.of(i("gap", 10, 0.1), i("gap", 10, 0.2), i("flips", 10, 3.0000000000000004),
        i("loss", 10, 1.5), i("acc", 10, 0.9));
    assertThat(IndicatorComparison.of(original, replayed))
        .isEqualTo(new IndicatorComparison(5, 3, 1, 1, 1));
  }

  @Test
  void shouldTellLayersAndClassesApart() {
    Indicator layer0 = i("nmf", 10, 0.5).toBuilder().setLayer(0).build();
    Indicator layer1 = i("nmf", 10, 0.7).toBuilder().setLayer(1).build();
    Indicator class1 = i("nmf", 10, 0.9).toBuilder().setLayer(1).setClassLabel(1).build();
    assertThat(IndicatorComparison.of(List.of(layer0, layer1, class1), List.of(class1, layer1, layer0)))
        .isEqualTo(new IndicatorComparison(3, 3, 0, 0, 0));
  }
}
