package dev.rote.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.Telemetry;
import dev.rote.reference.data.NoisyLabels;
import dev.rote.trainer.InMemoryTelemetrySink;
import dev.rote.trainer.RoteTelemetryListener;
import dev.rote.trainer.TelemetryConfig;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NetworksTest {

  static final Networks.Shape SHAPE = new Networks.Shape(28, 28, 10);

  static TrainOptions options(Architecture model, Optimization.Optimizer optimizer) {
    return new TrainOptions(Path.of("data"), 0, 1, false, 0, 3, 8, new int[] {16},
        Optimization.defaultLearningRate(model, optimizer), 7, 2, TelemetryConfig.defaults("nets"), model,
        Optimization.defaults(optimizer), NoisyLabels.Mode.SYMMETRIC, new int[0]);
  }

  static INDArray features(int n) {
    return Nd4j.rand(DataType.FLOAT, n, 784);
  }

  static INDArray oneHot(int n) {
    int[] labels = new int[n];
    Arrays.setAll(labels, i -> i % 10);
    return Batches.oneHot(labels, 10);
  }

  @Test
  void shouldBuildTheMlpAndCnnAsMultiLayerNetworksAndTheResnetAsAGraphWithResidualAdds() {
    Model mlp = Networks.build(options(Architecture.MLP, Optimization.Optimizer.ADAM), SHAPE, 10);
    Model cnn = Networks.build(options(Architecture.CNN, Optimization.Optimizer.ADAM), SHAPE, 10);
    Model resnet = Networks.build(options(Architecture.RESNET, Optimization.Optimizer.SGD), SHAPE, 10);
    assertThat(mlp).isInstanceOf(MultiLayerNetwork.class);
    assertThat(((MultiLayerNetwork) mlp).getLayers()).hasSize(2);
    assertThat(cnn).isInstanceOf(MultiLayerNetwork.class);
    assertThat(((MultiLayerNetwork) cnn).getLayerWiseConfigurations().getConf(0).getLayer())
        .isInstanceOf(ConvolutionLayer.class);
    assertThat(resnet).isInstanceOf(ComputationGraph.class);
    var conf = ((ComputationGraph) resnet).getConfiguration();
    assertThat(conf.getVertices().values()).filteredOn(v -> v instanceof ElementWiseVertex).hasSize(3);
    assertThat(conf.getVertices().values().stream().filter(v -> v instanceof
        org.deeplearning4j.nn.conf.graph.LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormalization))
        .hasSize(9);
    for (Model m : List.of(mlp, cnn, resnet)) {
      INDArray p = Nets.output(m, features(4));
      assertThat(p.shape()).containsExactly(4, 10);
      for (double rowSum : p.sum(1).toDoubleVector()) {
        assertThat(rowSum).isCloseTo(1.0, within(1e-5));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void shouldPublishPerExampleValuesSensitivitiesAndProbesForEveryModel(Architecture model) {
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    RoteTelemetryListener listener = new RoteTelemetryListener(
        TelemetryConfig.defaults("nets-" + model.cliName()).withSampling(1, 1, 1, 1), sink);
    Model net = Networks.build(options(model, Optimization.Optimizer.SGD), SHAPE, 10);
    net.addListeners(listener);
    listener.setProbeSet(features(20), new long[20], new int[20]);
    for (int step = 0; step < 2; step++) {
      long[] ids = new long[8];
      Arrays.setAll(ids, i -> i);
      listener.beginBatch(ids, null);
      Nets.fit(net, features(8), oneHot(8));
    }
    List<Telemetry> records = sink.values(Topics.TELEMETRY, Telemetry.class);
    List<Telemetry> batches = records.stream().filter(Telemetry::hasBatch).toList();
    assertThat(batches).hasSize(2);
    for (Telemetry t : batches) {
      assertThat(t.getBatch().getExamples().getPredictedCount()).isEqualTo(8);
      assertThat(t.getBatch().getExamples().getSensitivityList()).hasSize(8).allSatisfy(s -> assertThat(s).isPositive());
      assertThat(t.getBatch().getLayersList()).isNotEmpty();
    }
    List<Telemetry> probes = records.stream().filter(Telemetry::hasProbes).toList();
    assertThat(probes).isNotEmpty();
    assertThat(probes.get(0).getProbes().getLayersList()).isNotEmpty()
        .allSatisfy(l -> assertThat(l.getActivations().getRows()).isEqualTo(20));
  }

  @Test
  void shouldSaveAndLoadANetworkWithItsCosineSchedule(@TempDir Path dir) throws Exception {
    MultiLayerNetwork net = (MultiLayerNetwork) Networks.build(options(Architecture.CNN,
        Optimization.Optimizer.SGD), SHAPE, 100);
    File file = dir.resolve("cnn.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(file, true);
    var updater = back.getLayerWiseConfigurations().getConf(0).getLayer().getUpdaterByParam("W");
    assertThat(updater.getLearningRate(50, 0)).isCloseTo(0.025, within(1e-12));
    assertThat(back.params()).isEqualTo(net.params());
  }
}
