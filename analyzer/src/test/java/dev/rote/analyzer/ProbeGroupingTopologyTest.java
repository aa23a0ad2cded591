package dev.rote.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rote.contract.IndicatorNames;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.Matrix;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.Telemetry;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Which rows NMF non-linearity groups: true classes when the trainer sends them, else the network's
 * latest predictions; and the untrained network's probe at step 0.
 */
class ProbeGroupingTopologyTest {

  static final AnalyzerConfig CONFIG = new AnalyzerConfig("t", 0, 10, new int[] {1, 2}, 100, 1e-4, 1000, 1 << 20, 0);

  /**
   * Eight probe rows, ids 0..7, trained with labels 0,1,0,1,... (noisy), whose true classes are
   * 0,0,0,0,1,1,1,1: class-0 rows are one rank-1 pattern, class-1 rows another.
   */
  static ProbeActivations.Builder probes() {
    Random rnd = new Random(5);
    Matrix.Builder m = Matrix.newBuilder().setRows(8).setCols(12);
    ProbeActivations.Builder p = ProbeActivations.newBuilder();
    for (int r = 0; r < 8; r++) {
      p.addExampleIds(r).addLabels(r % 2);
      for (int c = 0; c < 12; c++) {
        float base = r < 4 ? (c % 3 + 1) : (c % 4 == 0 ? 2 : 0);
        m.addData(base * (1 + rnd.nextFloat()));
      }
    }
    return p.addLayers(LayerActivations.newBuilder().setIndex(0).setActivations(m));
  }

  static Telemetry probe(long step, ProbeActivations.Builder p) {
    return Telemetry.newBuilder().setRunId("r").setStep(step).setProbes(p).build();
  }

  static Map<Integer, Double> perClass(List<Indicator> xs, long step) {
    return xs.stream().filter(i -> i.getName().equals(IndicatorNames.NMF_NONLINEARITY) && i.hasClassLabel()
        && i.getStep() == step).collect(Collectors.toMap(Indicator::getClassLabel, Indicator::getValue));
  }

  @Test
  void shouldGroupProbeRowsByTheTrueClassWhenTheTrainerSendsIt() {
    ProbeActivations.Builder p = probes().addAllTrueLabels(List.of(0, 0, 0, 0, 1, 1, 1, 1));
    try (AnalyzerTopologyTest.Harness h = new AnalyzerTopologyTest.Harness(CONFIG)) {
      h.send(probe(5, p));
      Map<Integer, Double> values = perClass(h.indicators(), 5);
      ProbeNonlinearity.Result expected = ProbeNonlinearity.of(p.build(), new int[] {0, 0, 0, 0, 1, 1, 1, 1}, CONFIG);
      assertThat(values).isEqualTo(expected.layers().get(0).byGroup());
      ProbeNonlinearity.Result byTraining = ProbeNonlinearity.of(p.build(), new int[] {0, 1, 0, 1, 0, 1, 0, 1}, CONFIG);
      // Mixing two patterns per group (the training labels) looks far less linear than each class.
      assertThat(byTraining.layers().get(0).mean()).isGreaterThan(expected.layers().get(0).mean() + 0.05);
    }
  }

  @Test
  void shouldGroupProbeRowsByTheNetworksLatestPredictionWithoutTrueLabels() {
    try (AnalyzerTopologyTest.Harness h = new AnalyzerTopologyTest.Harness(CONFIG)) {
      h.send(AnalyzerTopologyTest.batch("r", 1, 0, new long[] {0, 1, 2, 3, 4, 5, 6, 7},
          new int[] {0, 1, 0, 1, 0, 1, 0, 1}, new int[] {2, 2, 2, 2, 2, 2, 2, 2}, null));
      h.send(AnalyzerTopologyTest.batch("r", 2, 0, new long[] {4, 5, 6, 7}, new int[] {0, 1, 0, 1},
          new int[] {3, 3, 3, 3}, null));
      h.send(probe(2, probes()));
      Map<Integer, Double> values = perClass(h.indicators(), 2);
      assertThat(values).containsOnlyKeys(2, 3);
      assertThat(values.get(2)).isCloseTo(ProbeNonlinearity.of(probes().build(), new int[] {2, 2, 2, 2, 3, 3, 3, 3},
          CONFIG).layers().get(0).byGroup().get(2), within(0.0));
    }
  }

  @Test
  void shouldAcceptTheUntrainedNetworksProbeAtStepZeroAndNoBatchThere() {
    try (AnalyzerTopologyTest.Harness h = new AnalyzerTopologyTest.Harness(CONFIG)) {
      h.send(probe(0, probes().addAllTrueLabels(List.of(0, 0, 0, 0, 1, 1, 1, 1))));
      h.send(AnalyzerTopologyTest.batch("r", 0, 0, new long[] {0}, new int[] {0}, new int[] {0}, null));
      List<Indicator> xs = h.indicators();
      assertThat(perClass(xs, 0)).containsOnlyKeys(0, 1);
      assertThat(h.dead.readRecordsToList()).hasSize(1);
    }
  }
}
