package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class SingleBackwardPassTest {

  private static final int[] LABELS = {0, 1, 2, 1, 0, 2, 2, 1};

  @Test
  void shouldUpdateParametersExactlyAsFitDoes() {
    MultiLayerNetwork a = TestNetworks.mlp(DataType.DOUBLE, 6, 5, 3);
    MultiLayerNetwork b = a.clone();
    INDArray x = TestNetworks.features(DataType.DOUBLE, LABELS.length, 6, 1);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, 3);
    for (int step = 0; step < 4; step++) {
      a.fit(x, y);
      SingleBackwardPass.fit(b, x, y, null);
    }
    assertThat(b.getIterationCount()).isEqualTo(a.getIterationCount()).isEqualTo(4);
    double diff = a.params().sub(b.params()).amaxNumber().doubleValue();
    assertThat(diff).isLessThan(1e-12);
    assertThat(a.getUpdater().getStateViewArray().sub(b.getUpdater().getStateViewArray())
        .amaxNumber().doubleValue()).isLessThan(1e-12);
  }

  @Test
  void shouldReturnPerExampleInputGradientMatchingFiniteDifferences() {
    MultiLayerNetwork net = TestNetworks.mlp(DataType.DOUBLE, 6, 5, 3);
    INDArray x = TestNetworks.features(DataType.DOUBLE, LABELS.length, 6, 2);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, 3);
    MultiLayerNetwork before = net.clone();
    INDArray dLdx = SingleBackwardPass.fit(net, x, y, null);

    double eps = 1e-6;
    for (int i = 0; i < LABELS.length; i++) {
      for (int j = 0; j < 6; j++) {
        INDArray plus = x.dup();
        plus.putScalar(i, j, x.getDouble(i, j) + eps);
        INDArray minus = x.dup();
        minus.putScalar(i, j, x.getDouble(i, j) - eps);
        double lp = before.scoreExamples(new DataSet(plus, y), false).getDouble(i);
        double lm = before.scoreExamples(new DataSet(minus, y), false).getDouble(i);
        assertThat(dLdx.getDouble(i, j)).isCloseTo((lp - lm) / (2 * eps), within(1e-6));
      }
    }
  }

  @Test
  void shouldUpdateAGraphExactlyAsFitDoes() {
    ComputationGraph a = TestNetworks.residualCnn(DataType.DOUBLE, 3, true);
    ComputationGraph b = a.clone();
    INDArray x = TestNetworks.images(DataType.DOUBLE, LABELS.length, 3);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, 3);
    for (int step = 0; step < 4; step++) {
      a.fit(new DataSet(x, y));
      assertThat(SingleBackwardPass.fit(b, x, y, null)).isNotNull();
    }
    assertThat(b.getIterationCount()).isEqualTo(a.getIterationCount()).isEqualTo(4);
    assertThat(a.params().sub(b.params()).amaxNumber().doubleValue()).isLessThan(1e-12);
    assertThat(a.getUpdater().getStateViewArray().sub(b.getUpdater().getStateViewArray())
        .amaxNumber().doubleValue()).isLessThan(1e-12);
    assertThat(b.score()).isCloseTo(a.score(), within(1e-12));
    assertThat(b.getConfiguration().getInferenceWorkspaceMode()).isEqualTo(WorkspaceMode.ENABLED);
    assertThat(b.getListeners()).isEmpty();
    assertThat(Nd4j.getMemoryManager().getCurrentWorkspace()).isNull();
  }

  @Test
  void shouldReturnAGraphsPerExampleInputGradientMatchingFiniteDifferences() {
    ComputationGraph graph = TestNetworks.graphWithMerge(DataType.DOUBLE, 6, 5, 3);
    INDArray x = TestNetworks.features(DataType.DOUBLE, LABELS.length, 6, 2);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, 3);
    ComputationGraph before = graph.clone();
    INDArray dLdx = SingleBackwardPass.fit(graph, x, y, null);

    double eps = 1e-6;
    for (int i = 0; i < LABELS.length; i++) {
      for (int j = 0; j < 6; j++) {
        INDArray plus = x.dup();
        plus.putScalar(i, j, x.getDouble(i, j) + eps);
        INDArray minus = x.dup();
        minus.putScalar(i, j, x.getDouble(i, j) - eps);
        double lp = before.scoreExamples(new DataSet(plus, y), false).getDouble(i);
        double lm = before.scoreExamples(new DataSet(minus, y), false).getDouble(i);
        assertThat(dLdx.getDouble(i, j)).isCloseTo((lp - lm) / (2 * eps), within(1e-6));
      }
    }
  }
}
