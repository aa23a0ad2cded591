package dev.rote.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import dev.rote.trainer.InMemoryTelemetrySink;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.StopControl;
import dev.rote.trainer.TelemetryConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The README's hand-written loop and augmentation snippets ({@link LibraryUsage}) run under Rote with
 * an in-memory sink and stop control: what they publish, and how they stop.
 */
class LibraryUsageTest {

  private static final String RUN = "usage";

  /** 60 examples of 3 classes, 8 features: 6 steps an epoch at batch 10. */
  private static DataSet data() {
    Nd4j.getRandom().setSeed(11);
    DataSet d = new DataSet(Nd4j.rand(DataType.FLOAT, 60, 8), Nd4j.zeros(DataType.FLOAT, 60, 3));
    for (int i = 0; i < 60; i++) {
      d.getLabels().putScalar(i, i % 3, 1f);
    }
    return d;
  }

  private static MultiLayerNetwork net() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(2).updater(new Adam(1e-2))
        .list()
        .layer(new DenseLayer.Builder().nIn(8).nOut(12).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(12).nOut(3).activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    return net;
  }

  private static StopSignal signal(long restoreStep) {
    return StopSignal.newBuilder().setSignalId(RUN + "/test").setRunId(RUN).setRule("test").setReason("in a test")
        .setAction(SignalAction.SIGNAL_ACTION_STOP).setRestoreStep(restoreStep).build();
  }

  private static String stderrOf(Supplier<RunStatus> body, RunStatus[] status) {
    PrintStream saved = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      status[0] = body.get();
    } finally {
      System.setErr(saved);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldStopTheHandWrittenLoopBeforeTheNextStepAndRestoreTheClosestCheckpoint() {
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    StopControl control = StopControl.inMemory(RUN);
    MultiLayerNetwork net = net();
    net.addListeners(new BaseTrainingListener() {
      @Override
      public void iterationDone(Model model, int iteration, int epoch) {
        if (iteration + 1 == 25) {
          control.deliver(RUN, signal(22));
        }
      }
    });
    RunStatus[] status = new RunStatus[1];
    String stderr;
    try (RoteTelemetry rote = new RoteTelemetry(TelemetryConfig.full(RUN), sink, control, null)) {
      stderr = stderrOf(() -> LibraryUsage.handWrittenLoop(rote, net, data(), 10, 10, 1), status);
      // Delivered by a listener that runs before Rote's counts step 25 done: step 25 was in progress.
      assertThat(rote.stopSignalAfterStep()).hasValue(24);
    }

    assertThat(status[0]).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
    assertThat(net.getIterationCount()).as("no step after the signal").isEqualTo(25);
    assertThat(stderr).doesNotContain("[rote] WARNING");
    List<Telemetry> batches = sink.values(Topics.TELEMETRY, Telemetry.class).stream().filter(Telemetry::hasBatch)
        .toList();
    assertThat(batches).hasSize(25);
    assertThat(batches.get(24).getEpoch()).as("epochs counted: step 25 is in the fifth epoch").isEqualTo(4);
    assertThat(batches.subList(0, 6).stream().flatMap(b -> b.getBatch().getExamples().getExampleIdList().stream()))
        .as("the first epoch presents each example once, by its index").containsExactlyInAnyOrder(
            java.util.stream.LongStream.range(0, 60).boxed().toArray(Long[]::new));
    List<RunMetadata> runs = sink.values(Topics.RUNS, RunMetadata.class);
    RunMetadata last = runs.get(runs.size() - 1);
    assertThat(last.getStatus()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
    assertThat(last.getStopSignalId()).isEqualTo(RUN + "/test");
    assertThat(last.getRestoredStep()).isEqualTo(20);
    assertThat(last.getExampleIds()).isEqualTo("explicit");
    assertThat(last.getDegradedList()).isEmpty();
  }

  @Test
  void shouldKeepExampleIdsThroughDataAugmentation() {
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    RunStatus[] status = new RunStatus[1];
    String stderr;
    try (RoteTelemetry rote = new RoteTelemetry(TelemetryConfig.full(RUN), sink, StopControl.inMemory(RUN), null)) {
      stderr = stderrOf(() -> LibraryUsage.augmented(rote, net(), data(), 3, 10, 1), status);
    }

    assertThat(status[0]).isEqualTo(RunStatus.RUN_STATUS_COMPLETED);
    assertThat(stderr).doesNotContain("[rote] WARNING");
    List<Telemetry> batches = sink.values(Topics.TELEMETRY, Telemetry.class).stream().filter(Telemetry::hasBatch)
        .toList();
    assertThat(batches).hasSize(18);
    for (int epoch = 0; epoch < 3; epoch++) {
      assertThat(batches.subList(6 * epoch, 6 * epoch + 6).stream()
          .flatMap(b -> b.getBatch().getExamples().getExampleIdList().stream()))
          .as("epoch %d presents every example once under its index", epoch)
          .containsExactlyInAnyOrder(java.util.stream.LongStream.range(0, 60).boxed().toArray(Long[]::new));
    }
    List<RunMetadata> runs = sink.values(Topics.RUNS, RunMetadata.class);
    RunMetadata last = runs.get(runs.size() - 1);
    assertThat(last.getExampleIds()).isEqualTo("iterator");
    assertThat(last.getDegradedList()).isEmpty();
  }
}
