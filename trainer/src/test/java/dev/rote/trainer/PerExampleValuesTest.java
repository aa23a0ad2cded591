package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.Telemetry;
import java.util.List;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Per-example label, prediction, loss, margin and loss sensitivity of one training step, for dense
 * and convolutional MultiLayerNetworks and ComputationGraphs, against DL4J itself: losses against
 * {@code scoreExamples} of a clone taken before the step, predictions against {@code output}, margins
 * against log-probabilities of that output (for softmax, z_y - z_c = log p_y - log p_c), and
 * sensitivities against central finite differences of {@code scoreExamples} (double precision) of
 * the same clone: they come from the step's own backward pass.
 */
class PerExampleValuesTest {

  private static final int[] LABELS = {0, 1, 2, 1, 0, 2};
  private static final int CLASSES = 3;

  @Test
  void shouldMatchDl4jForACnnWhoseOutputLayerFollowsPooling() {
    MultiLayerNetwork net = TestNetworks.cnnWithoutDense(DataType.DOUBLE, CLASSES, LossFunctions.LossFunction.MCXENT,
        Activation.SOFTMAX);
    INDArray x = TestNetworks.images(DataType.DOUBLE, LABELS.length, 1);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, CLASSES);
    MultiLayerNetwork before = net.clone();
    BatchSummary s = oneStep(net, () -> net.fit(x, y));

    assertPerExampleValues(s, ds -> before.scoreExamples(ds, false), before.output(x, false), x, y);
    // dL/dx from the step's own backward pass, before the update.
    assertSensitivities(s, ds -> before.scoreExamples(ds, false), x, y);
    assertThat(net.getLayerWiseConfigurations().getInputPreProcess(0)).as("the tap is gone").isNull();
  }

  @Test
  void shouldTakeDlDxThroughTheFirstLayersOwnPreprocessor() {
    MultiLayerNetwork net = TestNetworks.cnnOnFlatInput(DataType.DOUBLE, CLASSES);
    INDArray x = TestNetworks.images(DataType.DOUBLE, LABELS.length, 7).reshape('c', LABELS.length,
        TestNetworks.SIDE * TestNetworks.SIDE);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, CLASSES);
    var firstPreProcessor = net.getLayerWiseConfigurations().getInputPreProcess(0);
    MultiLayerNetwork before = net.clone();
    BatchSummary s = oneStep(net, () -> net.fit(x, y));

    assertPerExampleValues(s, ds -> before.scoreExamples(ds, false), before.output(x, false), x, y);
    assertSensitivities(s, ds -> before.scoreExamples(ds, false), x, y);
    assertThat(net.getLayerWiseConfigurations().getInputPreProcess(0)).isSameAs(firstPreProcessor);
  }

  @Test
  void shouldMatchDl4jWithALossOtherThanSoftmaxCrossEntropy() {
    MultiLayerNetwork net = TestNetworks.cnnWithoutDense(DataType.DOUBLE, CLASSES, LossFunctions.LossFunction.MSE,
        Activation.SOFTMAX);
    INDArray x = TestNetworks.images(DataType.DOUBLE, LABELS.length, 2);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, CLASSES);
    MultiLayerNetwork before = net.clone();
    BatchSummary s = oneStep(net, () -> net.fit(x, y));

    assertPerExampleValues(s, ds -> before.scoreExamples(ds, false), before.output(x, false), x, y);
  }

  @Test
  void shouldMatchDl4jForAGraphWithMergedBranchesAndTakeDlDxFromTheSameBackwardPass() {
    ComputationGraph graph = TestNetworks.graphWithMerge(DataType.DOUBLE, 5, 4, CLASSES);
    INDArray x = TestNetworks.features(DataType.DOUBLE, LABELS.length, 5, 3);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, CLASSES);
    ComputationGraph before = graph.clone();
    BatchSummary s = oneStep(graph, () -> graph.fit(new DataSet(x, y)));

    assertPerExampleValues(s, ds -> before.scoreExamples(ds, false), before.outputSingle(x), x, y);
    assertSensitivities(s, ds -> before.scoreExamples(ds, false), x, y);
    assertThat(s.getLayersList()).extracting(l -> l.getName()).containsExactly("a", "b", "out");
    // The backward pass that left dL/dx readable left no workspace behind, and its mode was put back.
    assertThat(Nd4j.getMemoryManager().getCurrentWorkspace()).isNull();
    assertThat(graph.getConfiguration().getInferenceWorkspaceMode()).isEqualTo(WorkspaceMode.ENABLED);
  }

  @Test
  void shouldMatchDl4jForAResidualCnnGraph() {
    ComputationGraph graph = TestNetworks.residualCnn(DataType.DOUBLE, CLASSES, false);
    INDArray x = TestNetworks.images(DataType.DOUBLE, LABELS.length, 4);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, CLASSES);
    ComputationGraph before = graph.clone();
    BatchSummary s = oneStep(graph, () -> graph.fit(new DataSet(x, y)));

    assertPerExampleValues(s, ds -> before.scoreExamples(ds, false), before.outputSingle(x), x, y);
    assertSensitivities(s, ds -> before.scoreExamples(ds, false), x, y);
    assertThat(s.getLayersList()).extracting(l -> l.getName()).containsExactly("c1", "c2", "out");
  }

  @Test
  void shouldUseTrainingModeOutputsWithBatchNormalizationAndProbeChannels() {
    ComputationGraph graph = TestNetworks.residualCnn(DataType.DOUBLE, CLASSES, true);
    INDArray x = TestNetworks.images(DataType.DOUBLE, LABELS.length, 5);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, CLASSES);
    ComputationGraph before = graph.clone();
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    RoteTelemetryListener listener = new RoteTelemetryListener(TelemetryConfig.full("bn"), sink);
    listener.setProbeSet(x, new long[] {0, 1, 2, 3, 4, 5}, LABELS);
    graph.addListeners(listener);
    graph.fit(new DataSet(x, y));

    List<Telemetry> records = sink.values(Topics.TELEMETRY, Telemetry.class);
    BatchSummary s = records.stream().filter(Telemetry::hasBatch).findFirst().orElseThrow().getBatch();
    // Batch statistics, as in the training step itself.
    INDArray trainingOutput = before.outputSingle(true, x);
    for (int i = 0; i < LABELS.length; i++) {
      assertThat((double) s.getExamples().getLoss(i))
          .isCloseTo(-Math.log(trainingOutput.getDouble(i, LABELS[i])), within(1e-6));
    }
    assertThat(s.getExamples().getSensitivityList()).hasSize(LABELS.length).allSatisfy(v -> assertThat(v).isPositive());
    assertThat(s.getLayersList()).extracting(l -> l.getName()).containsExactly("c1", "c2", "bn", "out");

    ProbeActivations probes = records.stream().filter(Telemetry::hasProbes).findFirst().orElseThrow().getProbes();
    // c1 (ReLU) and relu are probed per channel; c2 (identity), bn, add, pool and out are not.
    assertThat(probes.getLayersList()).extracting(LayerActivations::getName).containsExactly("c1", "relu");
    for (LayerActivations l : probes.getLayersList()) {
      assertThat(l.getActivations().getRows()).isEqualTo(LABELS.length);
      assertThat(l.getActivations().getCols()).isEqualTo(3);
      assertThat(l.getActivations().getDataList()).allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(0f));
    }
    // Channel means of c1 on the probe set, in inference mode, after the step.
    INDArray c1 = graph.feedForward(new INDArray[] {x}, false).get("c1").mean(2, 3);
    assertThat((double) probes.getLayers(0).getActivations().getData(1 * 3 + 2)).isCloseTo(c1.getDouble(1, 2),
        within(1e-6));
  }

  @Test
  void shouldUseTrainingModeOutputsForAMultiLayerCnnWithBatchNormAndGlobalPooling() {
    MultiLayerNetwork net = TestNetworks.cnnWithBatchNorm(DataType.DOUBLE, CLASSES);
    INDArray x = TestNetworks.images(DataType.DOUBLE, LABELS.length, 6);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, CLASSES);
    MultiLayerNetwork before = net.clone();
    BatchSummary s = oneStep(net, () -> net.fit(x, y));

    INDArray trainingOutput = before.output(x, true);
    for (int i = 0; i < LABELS.length; i++) {
      assertThat((double) s.getExamples().getLoss(i))
          .isCloseTo(-Math.log(trainingOutput.getDouble(i, LABELS[i])), within(1e-6));
      assertThat(s.getExamples().getPredicted(i)).isEqualTo(trainingOutput.getRow(i).argMax().getInt(0));
    }
    assertThat(s.getLayersList()).extracting(l -> l.getName()).containsExactly("conv", "bn", "out");
  }

  /** Runs one step with a listener at full sampling and returns its batch summary. */
  private static BatchSummary oneStep(Model model, Runnable step) {
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    RoteTelemetryListener listener = new RoteTelemetryListener(TelemetryConfig.full("per-example"), sink);
    model.addListeners(listener);
    step.run();
    List<Telemetry> batches = sink.values(Topics.TELEMETRY, Telemetry.class).stream().filter(Telemetry::hasBatch)
        .toList();
    assertThat(batches).hasSize(1);
    return batches.get(0).getBatch();
  }

  private static void assertPerExampleValues(BatchSummary s, Function<DataSet, INDArray> scores, INDArray output,
      INDArray x, INDArray y) {
    ExampleColumns e = s.getExamples();
    INDArray expectedLoss = scores.apply(new DataSet(x, y));
    assertThat(e.getLabelList()).containsExactly(0, 1, 2, 1, 0, 2);
    assertThat(e.getExampleIdList()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(e.getMarginCount()).isEqualTo(LABELS.length);
    for (int i = 0; i < LABELS.length; i++) {
      assertThat((double) e.getLoss(i)).isCloseTo(expectedLoss.getDouble(i), within(1e-6));
      assertThat(e.getPredicted(i)).isEqualTo(output.getRow(i).argMax().getInt(0));
      double other = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < CLASSES; c++) {
        if (c != LABELS[i]) {
          other = Math.max(other, Math.log(output.getDouble(i, c)));
        }
      }
      assertThat((double) e.getMargin(i)).isCloseTo(Math.log(output.getDouble(i, LABELS[i])) - other, within(1e-5));
    }
  }

  /** ||dL_i/dx_i||_1 against central differences; columns of all rows move together (rows are independent). */
  private static void assertSensitivities(BatchSummary s, Function<DataSet, INDArray> scores, INDArray x, INDArray y) {
    int n = (int) x.size(0);
    INDArray flat = x.reshape('c', n, x.length() / n);
    double[] expected = new double[n];
    double eps = 1e-6;
    for (int j = 0; j < flat.size(1); j++) {
      INDArray plus = flat.dup();
      INDArray minus = flat.dup();
      plus.getColumn(j).addi(eps);
      minus.getColumn(j).subi(eps);
      INDArray lp = scores.apply(new DataSet(plus.reshape('c', x.shape()), y));
      INDArray lm = scores.apply(new DataSet(minus.reshape('c', x.shape()), y));
      for (int i = 0; i < n; i++) {
        expected[i] += Math.abs((lp.getDouble(i) - lm.getDouble(i)) / (2 * eps));
      }
    }
    assertThat(s.getExamples().getSensitivityCount()).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat((double) s.getExamples().getSensitivity(i)).isCloseTo(expected[i], within(1e-5 * (1 + expected[i])));
    }
  }
}
