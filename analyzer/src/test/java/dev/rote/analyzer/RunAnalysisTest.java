package dev.rote.analyzer;

import static dev.rote.analyzer.AnalyzerTopologyTest.probes;
import static dev.rote.analyzer.AnalyzerTopologyTest.randomBatch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RunAnalysisTest {

  /** Batch summaries over 40 steps, a probe record every 10 and one invalid record (step 0). */
  private static List<Telemetry> run() {
    Random rnd = new Random(4);
    List<Telemetry> input = new ArrayList<>();
    for (int step = 1; step <= 40; step++) {
      input.add(randomBatch(rnd, "r", step, (step - 1) / 5, 8, 32, 2));
      if (step % 10 == 0) {
        float[][] rows = new float[6][12];
        for (float[] r : rows) {
          for (int j = 0; j < r.length; j++) {
            r[j] = rnd.nextFloat() < 0.5 ? 0 : rnd.nextFloat();
          }
        }
        input.add(probes("r", step, rows, rows));
      }
    }
    input.add(1, input.get(0).toBuilder().setStep(0).build());
    return input;
  }

  private static List<Indicator> sorted(List<Indicator> xs) {
    return xs.stream().sorted(Comparator.comparing(Indicator::toString)).toList();
  }

  @Test
  void shouldGiveTheTopologysIndicatorsBitForBitAndCountWhatItRejects() {
    AnalyzerConfig config = AnalyzerConfig.defaults().withWindow(0, 3);
    List<Indicator> live;
    try (AnalyzerTopologyTest.Harness h = new AnalyzerTopologyTest.Harness(config)) {
      run().forEach(h::send);
      live = h.indicators();
    }
    RunAnalysis analysis = new RunAnalysis(config, true);
    List<Indicator> replayed = new ArrayList<>();
    run().forEach(t -> replayed.addAll(analysis.apply(t)));
    assertThat(sorted(replayed)).isEqualTo(sorted(live)).hasSizeGreaterThan(40);
    assertThat(analysis.rejected()).isEqualTo(1);
  }

  @Test
  void shouldLeaveNmfIndicatorsOutWhenToldTo() {
    RunAnalysis analysis = new RunAnalysis(AnalyzerConfig.defaults(), false);
    List<Indicator> out = new ArrayList<>();
    run().forEach(t -> out.addAll(analysis.apply(t)));
    assertThat(out).isNotEmpty().noneMatch(i -> i.getName().startsWith("nmf_"));
  }
}
