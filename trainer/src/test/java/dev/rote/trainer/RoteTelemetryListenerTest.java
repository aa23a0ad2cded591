package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.Telemetry;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class RoteTelemetryListenerTest {

  private static final int[] LABELS = {0, 1, 2, 1, 0, 2, 2, 1, 0, 1};
  private static final long[] IDS = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};

  @Test
  void shouldPublishSampledSummariesProbesAndSensitivitiesWithPlainFit() {
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    RoteTelemetryListener listener =
        new RoteTelemetryListener(TelemetryConfig.defaults("r1").withSampling(2, 4, 4, 3), sink);
    net.addListeners(listener);
    INDArray x = TestNetworks.features(DataType.FLOAT, LABELS.length, 6, 3);
    INDArray y = TestNetworks.oneHot(DataType.FLOAT, LABELS, 3);
    listener.setProbeSet(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4),
        org.nd4j.linalg.indexing.NDArrayIndex.all()), new long[] {10, 11, 12, 13}, new int[] {0, 1, 2, 1});

    for (int i = 0; i < 8; i++) {
      listener.beginBatch(IDS, null);
      net.fit(x, y);
    }

    List<Telemetry> records = sink.values(Topics.TELEMETRY, Telemetry.class);
    List<Telemetry> batches = records.stream().filter(Telemetry::hasBatch).toList();
    List<Telemetry> probes = records.stream().filter(Telemetry::hasProbes).toList();
    assertThat(batches).extracting(Telemetry::getStep).containsExactly(2L, 4L, 6L, 8L);
    assertThat(probes).extracting(Telemetry::getStep).containsExactly(3L, 6L);
    assertThat(records).allSatisfy(t -> assertThat(t.getRunId()).isEqualTo("r1"));

    BatchSummary s4 = batches.get(1).getBatch();
    assertThat(s4.getBatchSize()).isEqualTo(LABELS.length);
    assertThat(s4.getExamples().getExampleIdList()).containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
    assertThat(s4.getExamples().getLabelList()).containsExactly(0, 1, 2, 1, 0, 2, 2, 1, 0, 1);
    assertThat(s4.getExamples().getPredictedCount()).isEqualTo(LABELS.length);
    assertThat(s4.getExamples().getLossList()).allSatisfy(l -> assertThat(l).isPositive().isFinite());
    assertThat(s4.getExamples().getSensitivityCount()).isEqualTo(LABELS.length);
    assertThat(s4.getExamples().getSensitivityList()).allSatisfy(v -> assertThat(v).isPositive());
    assertThat(s4.getLayersCount()).isEqualTo(3);
    assertThat(s4.getLayers(0).getParameterNorm()).isPositive();
    assertThat(s4.getLayers(0).getGradientNorm()).isPositive();
    assertThat(s4.getLayers(0).getUpdateRatio()).isPositive().isLessThan(1);
    // Accuracy and loss agree with the per-example columns.
    long correct = 0;
    double loss = 0;
    for (int i = 0; i < LABELS.length; i++) {
      correct += s4.getExamples().getLabel(i) == s4.getExamples().getPredicted(i) ? 1 : 0;
      loss += s4.getExamples().getLoss(i);
    }
    assertThat(s4.getAccuracy()).isEqualTo((double) correct / LABELS.length);
    assertThat(s4.getLoss()).isCloseTo(loss / LABELS.length, org.assertj.core.api.Assertions.within(1e-6));

    BatchSummary s2 = batches.get(0).getBatch();
    assertThat(s2.getLayersCount()).isZero();
    assertThat(s2.getExamples().getSensitivityCount()).isZero();

    var layers = probes.get(0).getProbes().getLayersList();
    assertThat(layers).hasSize(2);
    assertThat(layers.get(0).getActivations().getRows()).isEqualTo(4);
    assertThat(layers.get(0).getActivations().getCols()).isEqualTo(5);
    assertThat(layers.get(0).getActivations().getDataCount()).isEqualTo(20);
    assertThat(layers.get(0).getActivations().getDataList()).allSatisfy(v -> assertThat(v).isGreaterThanOrEqualTo(0f));
  }

  @Test
  void shouldTakeSensitivitiesFromTheSingleBackwardPass() {
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    RoteTelemetryListener listener = new RoteTelemetryListener(TelemetryConfig.full("r2"), sink);
    net.addListeners(listener);
    INDArray x = TestNetworks.features(DataType.FLOAT, LABELS.length, 6, 4);
    INDArray y = TestNetworks.oneHot(DataType.FLOAT, LABELS, 3);

    listener.beginBatch(IDS, null);
    assertThat(SingleBackwardPass.wanted(net, listener)).isTrue();
    INDArray dLdx = SingleBackwardPass.fit(net, x, y, listener);

    BatchSummary s = sink.values(Topics.TELEMETRY, Telemetry.class).get(0).getBatch();
    float[] expected = dLdx.norm1(1).toFloatVector();
    assertThat(s.getExamples().getSensitivityList()).containsExactly(toBoxed(expected));
    assertThat(net.score()).isCloseTo(s.getLoss(), org.assertj.core.api.Assertions.within(1e-5));
  }

  @Test
  void shouldReportPerExampleLossesAndPredictionsOfTheWeightsBeforeTheUpdate() {
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    net.addListeners(new RoteTelemetryListener(TelemetryConfig.defaults("r3"), sink));
    INDArray x = TestNetworks.features(DataType.FLOAT, LABELS.length, 6, 5);
    INDArray y = TestNetworks.oneHot(DataType.FLOAT, LABELS, 3);
    net.fit(x, y);
    MultiLayerNetwork before = net.clone();
    net.fit(x, y);

    BatchSummary s = sink.values(Topics.TELEMETRY, Telemetry.class).get(1).getBatch();
    INDArray expectedLoss = before.scoreExamples(new org.nd4j.linalg.dataset.DataSet(x, y), false);
    INDArray expectedPred = before.output(x, false).argMax(1);
    for (int i = 0; i < LABELS.length; i++) {
      assertThat((double) s.getExamples().getLoss(i))
          .isCloseTo(expectedLoss.getDouble(i), org.assertj.core.api.Assertions.within(1e-5));
      assertThat(s.getExamples().getPredicted(i)).isEqualTo(expectedPred.getInt(i));
    }
  }

  private static Float[] toBoxed(float[] a) {
    Float[] b = new Float[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i];
    }
    return b;
  }

  @Test
  void shouldTakeTheProbeSetFromTheFirstExamplesOfEachClassOfAnIterator() {
    int[] labels = {0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2};
    INDArray x = TestNetworks.features(DataType.FLOAT, labels.length, 6, 8);
    var iterator = new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(
        new org.nd4j.linalg.dataset.DataSet(x, TestNetworks.oneHot(DataType.FLOAT, labels, 3)).asList(), 5);
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    RoteTelemetryListener listener = new RoteTelemetryListener(TelemetryConfig.full("probe-iterator"), sink);

    assertThat(listener.setProbeSet(iterator, 2)).isEqualTo(6);
    assertThat(iterator.hasNext()).as("reset after").isTrue();
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    net.addListeners(listener);
    net.fit(iterator);

    var probes = sink.values(Topics.TELEMETRY, Telemetry.class).stream().filter(Telemetry::hasProbes).findFirst()
        .orElseThrow().getProbes();
    assertThat(probes.getExampleIdsList()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(probes.getLabelsList()).containsExactly(0, 1, 2, 1, 0, 2);
    assertThat(probes.getLayers(0).getActivations().getRows()).isEqualTo(6);
  }

  @Test
  void shouldPublishTheUntrainedNetworksProbesAtStepZeroWithTheTrueLabels() {
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    RoteTelemetryListener listener =
        new RoteTelemetryListener(TelemetryConfig.defaults("untrained").withSampling(1, 4, 4, 2), sink);
    net.addListeners(listener);
    INDArray x = TestNetworks.features(DataType.FLOAT, LABELS.length, 6, 3);
    INDArray probeX = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4),
        org.nd4j.linalg.indexing.NDArrayIndex.all());
    listener.setProbeSet(probeX, new long[] {10, 11, 12, 13}, new int[] {0, 1, 2, 1}, new int[] {0, 0, 2, 1});
    INDArray untrained = net.feedForward(probeX, false).get(1).dup();

    assertThat(listener.publishUntrainedProbes(net)).isTrue();
    listener.beginBatch(IDS, null);
    net.fit(x, TestNetworks.oneHot(DataType.FLOAT, LABELS, 3));
    assertThat(listener.publishUntrainedProbes(net)).as("trained already").isFalse();

    List<Telemetry> probes = sink.values(Topics.TELEMETRY, Telemetry.class).stream().filter(Telemetry::hasProbes)
        .toList();
    assertThat(probes).extracting(Telemetry::getStep).containsExactly(0L);
    var p = probes.get(0).getProbes();
    assertThat(p.getLabelsList()).containsExactly(0, 1, 2, 1);
    assertThat(p.getTrueLabelsList()).containsExactly(0, 0, 2, 1);
    var first = p.getLayers(0).getActivations();
    assertThat(first.getRows()).isEqualTo(4);
    for (int i = 0; i < first.getDataCount(); i++) {
      assertThat(first.getData(i)).isEqualTo(untrained.getFloat(i / first.getCols(), i % first.getCols()));
    }
  }
}
