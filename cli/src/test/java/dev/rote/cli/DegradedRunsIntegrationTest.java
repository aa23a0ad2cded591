package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.KafkaSettings;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.TelemetryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.Consumer;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Never silently degraded, end to end: a user program that lacks what the built-in rules need
 * trains against a real broker and analyzer; the warning is on standard error, names what is missing,
 * what it costs and the fix, and {@code ./rote runs} shows the degradation from the run's metadata.
 */
@Tag("integration")
class DegradedRunsIntegrationTest {

  static LocalPipeline pipeline;
  static SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeAll
  static void start() throws InterruptedException {
    pipeline = LocalPipeline.start(0, AnalyzerConfig.defaults(), RuleSet.defaults(), registry);
  }

  @AfterAll
  static void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  static DataSet data() {
    Nd4j.getRandom().setSeed(7);
    int[] labels = new int[96];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 3;
    }
    DataSet d = new DataSet(Nd4j.rand(DataType.FLOAT, labels.length, 20), Nd4j.zeros(DataType.FLOAT, labels.length, 3));
    for (int i = 0; i < labels.length; i++) {
      d.getLabels().putScalar(i, labels[i], 1f);
    }
    return d;
  }

  static MultiLayerNetwork mlp(Layer output) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
        .layer(new DenseLayer.Builder().nIn(20).nOut(16).activation(Activation.RELU).build())
        .layer(output)
        .build());
    net.init();
    return net;
  }

  static MultiLayerNetwork mlp() {
    return mlp(new OutputLayer.Builder(LossFunction.MCXENT).nIn(16).nOut(3).activation(Activation.SOFTMAX).build());
  }

  static DataSetIterator iterator(DataSet d) {
    return new ListDataSetIterator<>(d.asList(), 16);
  }

  /** Runs {@code program} under Rote against the pipeline; returns what it printed on standard error. */
  static String trainCapturingStderr(String run, Consumer<RoteTelemetry> program) {
    return RoteCliTest.capture(() -> {
      try (RoteTelemetry rote = RoteTelemetry.start(TelemetryConfig.defaults(run), pipeline.kafka(), null)) {
        program.accept(rote);
      }
      return 0;
    }).err();
  }

  static String runs() {
    KafkaSettings kafka = pipeline.kafka();
    RoteCliTest.Run r = RoteCliTest.run("runs", "--bootstrap-servers", kafka.bootstrapServers());
    assertThat(r.code()).as(r.err()).isZero();
    return r.out();
  }

  @Test
  void shouldSayThatARunWithoutAProbeSetHasNoNonLinearityIndicators() {
    MultiLayerNetwork net = mlp();
    String stderr = trainCapturingStderr("degraded-no-probes", rote -> {
      rote.attach(net);
      rote.train(() -> net.fit(rote.wrap(iterator(data())), 2));
    });

    assertThat(stderr).contains("[rote] WARNING run degraded-no-probes: telemetry degraded (probe_set)")
        .contains("setProbeSet(trainIterator, 32)").contains("nmf_nonlinearity").contains("rule:nonlinearity_rising");
    assertThat(runs()).contains("DEGRADED degraded-no-probes: probe_set: no probe set")
        .containsPattern("degraded-no-probes +completed .* content ");
  }

  @Test
  void shouldSayThatAHandWrittenLoopThatNeverMovesTheEpochCountHasNoEpochWindow() {
    MultiLayerNetwork net = mlp();
    DataSet all = data();
    String stderr = trainCapturingStderr("degraded-epochs", rote -> {
      rote.attach(net);
      rote.listener().setProbeSet(iterator(all), 4);
      for (int pass = 0; pass < 3; pass++) {
        for (DataSet batch : all.batchBy(16)) {
          net.fit(batch);
        }
      }
      rote.finish();
    });

    // The rolling indicators' epoch window never forms; the epoch-level ones, and the built-in rule on
    // them, still work: the analyzer closes a pass every n distinct ids once ids repeat.
    assertThat(stderr).contains("telemetry degraded (epoch_count)").contains("net.incrementEpochCount()")
        .contains("prediction_flip_rate").doesNotContain("rule:memorization_onset");
    assertThat(runs()).contains("DEGRADED degraded-epochs: epoch_count:").contains("net.incrementEpochCount()");
  }

  @Test
  void shouldSayThatIdsThatNeverRepeatLeaveNoPerExampleHistories() {
    MultiLayerNetwork net = mlp();
    DataSet all = data();
    DataSetIterator augmented = iterator(all);
    // Data augmentation: new noise on every batch, so no input row is ever seen twice.
    augmented.setPreProcessor(ds -> ds.getFeatures().addi(Nd4j.rand(DataType.FLOAT, ds.getFeatures().shape())));
    String stderr = trainCapturingStderr("degraded-ids", rote -> {
      rote.attach(net);
      rote.listener().setProbeSet(iterator(all), 4);
      rote.train(() -> net.fit(rote.wrap(augmented), 4));
    });

    assertThat(stderr).contains("telemetry degraded (ids_never_repeat)").contains("RoteIterators.wrap")
        .contains("prediction_flip_rate").contains("forgetting_rate");
    assertThat(runs()).contains("DEGRADED degraded-ids: ids_never_repeat:");
  }

  @Test
  void shouldSayWhatAnUnsupportedOutputLayerCostsAndKeepItsSummariesOutOfTheDeadLetters() throws Exception {
    MultiLayerNetwork net = mlp(new CenterLossOutputLayer.Builder(LossFunction.MCXENT).nIn(16).nOut(3)
        .activation(Activation.SOFTMAX).build());
    DataSet all = data();
    String stderr = trainCapturingStderr("degraded-head", rote -> {
      rote.attach(net);
      rote.listener().setProbeSet(iterator(all), 4);
      rote.train(() -> net.fit(rote.wrap(iterator(all)), 3));
    });

    assertThat(stderr).contains("telemetry degraded (output_layer)").contains("CenterLossOutputLayer")
        .contains("prediction_flip_rate").contains("loss_sensitivity_gini");
    assertThat(runs()).contains("DEGRADED degraded-head: output_layer:");
    // The analyzer takes the summaries without per-example rows (NaN accuracy) and keeps their layer statistics.
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (registry.find(AnalyzerMetrics.LAYER_GRADIENT_NORM).tag("run", "degraded-head").gauges().isEmpty()
        && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(registry.find(AnalyzerMetrics.LAYER_GRADIENT_NORM).tag("run", "degraded-head").gauges()).isNotEmpty();
    assertThat(ExamplesIntegrationTest.deadLetterKeys(pipeline.kafka())).doesNotContain("degraded-head");
  }
}
