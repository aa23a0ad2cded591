package dev.rote.analyzer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rote.contract.IndicatorNames;
import dev.rote.contract.v1.Indicator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pass state's count of presentations previously wrong, across a state written before it existed. */
class PassesTest {

  /** Presents ids 0..3 once in {@code epoch}: ids 0 and 1 right, 2 and 3 wrong, each seen before with {@code before}. */
  private static List<Indicator> pass(Passes p, int epoch, boolean[] before, List<Indicator> out) {
    p.onEpochField(epoch - 1, epoch, "r", out);
    for (int id = 0; id < 4; id++) {
      boolean ok = id < 2;
      p.present("r", epoch * 10L + id, 0, false, true, ok, 0.5, 0, ok ? 0 : 1, before[id], out);
    }
    return out;
  }

  private static List<Indicator> named(List<Indicator> xs, String name) {
    return xs.stream().filter(i -> i.getName().equals(name)).toList();
  }

  @Test
  void shouldPublishNoRateForAPassWhoseCountIsUnknownAndCountTheNextOne() {
    Passes p = new Passes();
    p.repeated = true;
    p.distinct = 4; // each pass closes at its fourth presentation
    p.index = 5;
    p.previousWrong = -1; // as read from a format-2 state mid-pass ...
    p.learned = 3; // ... whose pass had learned three examples before it was written
    List<Indicator> out = new ArrayList<>();
    // the open pass (epoch 5): all four were wrong before; ids 0 and 1 learned
    pass(p, 5, new boolean[] {false, false, false, false}, out);
    pass(p, 6, new boolean[] {true, false, false, true}, out);

    List<Indicator> rates = named(out, IndicatorNames.EPOCH_WRONG_LEARNED_RATE);
    assertThat(named(out, IndicatorNames.EPOCH_LEARNED_RATE)).extracting(Indicator::getEpoch).containsExactly(5, 6);
    // epoch 5 had no count: no rate; epoch 6: ids 1 and 2 were wrong before, id 1 learned -> 1 of 2
    assertThat(rates).singleElement().satisfies(i -> {
      assertThat(i.getEpoch()).isEqualTo(6);
      assertThat(i.getValue()).isCloseTo(0.5, within(1e-12));
      assertThat(i.getSampleSize()).isEqualTo(2);
      assertThat(i.getStandardError()).isCloseTo(Math.sqrt(0.25 / 2), within(1e-12));
    });
  }
}
