package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.contract.v1.Degradation;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Attaching, degradations, the run's lifecycle and stop-signal validation. */
class RoteTelemetryTest {

  private static final int[] LABELS = {0, 1, 2, 1, 0, 2, 2, 1};
  private static final INDArray X = TestNetworks.features(DataType.FLOAT, LABELS.length, 6, 31);
  private static final INDArray Y = TestNetworks.oneHot(DataType.FLOAT, LABELS, 3);

  private static ComputationGraph twoInputs() {
    var conf = new NeuralNetConfiguration.Builder().seed(3).graphBuilder()
        .addInputs("image", "metadata")
        .addLayer("a", new DenseLayer.Builder().nIn(6).nOut(4).activation(Activation.RELU).build(), "image")
        .addLayer("b", new DenseLayer.Builder().nIn(2).nOut(4).activation(Activation.RELU).build(), "metadata")
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
            .activation(Activation.SOFTMAX).build(), "a", "b")
        .setOutputs("out").build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return graph;
  }

  @Test
  void shouldRefuseAGraphWithTwoInputsAtAttachNamingThem() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("two-inputs"));
    assertThatThrownBy(() -> run.rote.attach(twoInputs()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 input(s) [image, metadata]").hasMessageContaining("exactly one input");
  }

  @Test
  void shouldFailTheFirstStepOfAnUnsupportedModelAddedWithAddListeners() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("two-inputs-plain"));
    ComputationGraph graph = twoInputs();
    graph.addListeners(run.rote.listener());
    INDArray meta = TestNetworks.features(DataType.FLOAT, LABELS.length, 2, 1);
    assertThatThrownBy(() -> graph.fit(new INDArray[] {X, meta}, new INDArray[] {Y}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[image, metadata]");
  }

  @Test
  void shouldWarnOnStderrAndRecordWhatAnUnsupportedOutputLayerCosts() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).list()
        .layer(new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.RELU).build())
        .layer(new CenterLossOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
            .activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    TestRuns run = new TestRuns(TelemetryConfig.defaults("center-loss"));

    String stderr = TestRuns.stderrOf(() -> {
      run.rote.attach(net);
      net.fit(X, Y);
    });

    assertThat(stderr).contains("[rote] WARNING run center-loss").contains("output_layer")
        .contains("CenterLossOutputLayer").contains("prediction_flip_rate").contains("loss_sensitivity_gini")
        .contains("rule:memorization_onset").contains("probe_set").contains("nmf_nonlinearity");
    RunMetadata last = run.lastRun();
    assertThat(last.getStatus()).isEqualTo(RunStatus.RUN_STATUS_RUNNING);
    assertThat(last.getDegradedList()).extracting(Degradation::getWhat).containsExactly("output_layer", "probe_set");
    assertThat(last.getDegraded(0).getIndicatorsList()).contains("prediction_flip_rate", "forgetting_rate",
        "loss_sensitivity_gini", "rule:memorization_onset");
    assertThat(last.getModel().getFramework()).isEqualTo("dl4j-MultiLayerNetwork");
    // Batch loss still published (the network's score); no per-example columns.
    var summary = run.batches().get(0).getBatch();
    assertThat(summary.getLoss()).isFinite().isPositive();
    assertThat(summary.getExamples().getLabelCount()).isZero();
  }

  @Test
  void shouldPublishTheRunOnAttachWithTheModelAndTheIdSourceAfterTheFirstStep() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("published"));
    ComputationGraph graph = TestNetworks.residualCnn(DataType.FLOAT, 3, true);
    run.rote.attach(graph);
    assertThat(run.runs()).hasSize(1);
    RunMetadata first = run.runs().get(0);
    assertThat(first.getStatus()).isEqualTo(RunStatus.RUN_STATUS_RUNNING);
    assertThat(first.getModel().getFramework()).isEqualTo("dl4j-ComputationGraph");
    assertThat(first.getModel().getLayersList()).extracting(l -> l.getName())
        .containsExactly("c1", "c2", "bn", "relu", "pool", "out");
    assertThat(first.getModel().getLayersList()).filteredOn(l -> l.getHidden()).extracting(l -> l.getName())
        .containsExactly("c1", "relu");

    graph.fit(new DataSet(TestNetworks.images(DataType.FLOAT, LABELS.length, 2), Y));
    assertThat(run.lastRun().getExampleIds()).isEqualTo("content");
    assertThat(run.lastRun().getStartTimeMs()).isEqualTo(first.getStartTimeMs());
  }

  @Test
  void shouldPublishFailedWhenClosedWithoutFinish() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("unfinished"));
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    run.rote.attach(net);
    net.fit(X, Y);
    run.rote.close();
    assertThat(run.lastRun().getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    assertThat(run.lastRun().getStatusReason()).startsWith("closed before finish(): ").contains("after step 1");
    assertThat(run.lastRun().getStopSignalId()).isEmpty();
  }

  @Test
  void shouldPublishStoppedWhenClosedAfterAStopTheTrainingActedOn() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("stopped-close"));
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    run.rote.attach(net);
    run.control.deliver("stopped-close", TestRuns.signal("stopped-close", 0));
    for (int i = 0; i < 5 && !run.rote.shouldStop(); i++) {
      net.fit(X, Y);
    }
    run.rote.close();
    assertThat(run.lastRun().getStatus()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
    assertThat(run.lastRun().getStopSignalId()).isEqualTo("stopped-close/memorization_onset");
  }

  @Test
  void shouldPublishFailedWithTheExceptionAndRethrowIt() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("throws"));
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    run.rote.attach(net);
    INDArray wrongLabels = TestNetworks.oneHot(DataType.FLOAT, new int[] {0, 1}, 3);
    assertThatThrownBy(() -> run.rote.train(() -> net.fit(X, wrongLabels))).isInstanceOf(RuntimeException.class);
    assertThat(run.lastRun().getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    assertThat(run.lastRun().getStatusReason()).isNotBlank();
    run.rote.close();
    assertThat(run.lastRun().getStatus()).as("close keeps the published failure").isEqualTo(RunStatus.RUN_STATUS_FAILED);
  }

  @Test
  void shouldCompleteATrainingWithoutSignal() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("completes"));
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    run.rote.attach(net);
    assertThat(run.rote.train(() -> net.fit(X, Y))).isEqualTo(RunStatus.RUN_STATUS_COMPLETED);
    run.rote.close();
    assertThat(run.lastRun().getStatus()).isEqualTo(RunStatus.RUN_STATUS_COMPLETED);
    assertThat(run.lastRun().getLastStep()).isEqualTo(1);
  }

  @Test
  void shouldPublishFailedFromTheShutdownHookForARunStillRunning() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("jvm-exit"));
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    run.rote.attach(net);
    run.rote.onShutdown();
    assertThat(run.lastRun().getStatus()).isEqualTo(RunStatus.RUN_STATUS_FAILED);
    assertThat(run.lastRun().getStatusReason()).isEqualTo("JVM shutting down");

    TestRuns finished = new TestRuns(TelemetryConfig.defaults("jvm-exit-finished"));
    finished.rote.attach(TestNetworks.mlp(DataType.FLOAT, 6, 5, 3));
    finished.rote.finish();
    finished.rote.onShutdown();
    assertThat(finished.lastRun().getStatus()).isEqualTo(RunStatus.RUN_STATUS_COMPLETED);
  }

  @Test
  void shouldIgnoreAndCountInvalidStopSignals() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("run-a"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new TelemetryMetrics("run-a", run.sink, run.rote.listener(), run.control).bindTo(registry);
    // What a hand-made six-byte record decodes to: a run id and an action, nothing else.
    StopSignal bare = StopSignal.newBuilder().setRunId("run-a").setAction(SignalAction.SIGNAL_ACTION_STOP).build();
    StopSignal valid = TestRuns.signal("run-a", 0);

    assertThat(run.control.deliver("run-a", bare)).isFalse();
    assertThat(run.control.deliver("run-a", valid.toBuilder().setRule("").build())).isFalse();
    assertThat(run.control.deliver("run-a", valid.toBuilder().setSignalId(" ").build())).isFalse();
    assertThat(run.control.deliver("run-a", valid.toBuilder().setRunId("").build())).isFalse();
    assertThat(run.control.deliver("other", valid)).as("wrong key").isFalse();
    assertThat(run.control.deliver("run-a", null)).isFalse();
    assertThat(run.control.deliver("run-a", valid.toBuilder().setAction(SignalAction.SIGNAL_ACTION_WARN).build()))
        .isFalse();
    assertThat(run.control.deliver("run-b", TestRuns.signal("run-b", 0))).as("another run's").isFalse();
    assertThat(run.rote.shouldStop()).isFalse();
    assertThat(run.control.invalidSignals()).isEqualTo(7);
    assertThat(registry.get(TelemetryMetrics.INVALID_STOPS).functionCounter().count()).isEqualTo(7);

    assertThat(run.control.deliver("run-a", valid)).isTrue();
    assertThat(run.rote.stopSignal()).hasValue(valid);
  }
}
