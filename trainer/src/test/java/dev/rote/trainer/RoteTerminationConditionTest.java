package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.earlystopping.EarlyStoppingConfiguration;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.saver.InMemoryModelSaver;
import org.deeplearning4j.earlystopping.scorecalc.DataSetLossCalculator;
import org.deeplearning4j.earlystopping.termination.EpochTerminationCondition;
import org.deeplearning4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingTrainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

class RoteTerminationConditionTest {

  private static final int[] LABELS = {0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 1};
  private static final StopSignal SIGNAL = StopSignal.newBuilder().setSignalId("sig-7").setRunId("run")
      .setRule("nonlinearity-rise").setReason("layer 2 rose for 3 evaluations")
      .setAction(SignalAction.SIGNAL_ACTION_STOP).build();

  /** A signal source that answers empty for its first {@code quietCalls} calls, then the signal. */
  private static final class DelayedSignal implements Supplier<Optional<StopSignal>> {
    final AtomicInteger calls = new AtomicInteger();
    final int quietCalls;

    DelayedSignal(int quietCalls) {
      this.quietCalls = quietCalls;
    }

    @Override
    public Optional<StopSignal> get() {
      return calls.incrementAndGet() > quietCalls ? Optional.of(SIGNAL) : Optional.empty();
    }
  }

  /** Early-stopping training on 16 examples in batches of 4: four iterations an epoch. */
  private static EarlyStoppingResult<MultiLayerNetwork> train(MultiLayerNetwork net, RoteTerminationCondition c) {
    return train(net, c, false);
  }

  /** With {@code asEpochCondition}, {@code c} is an epoch condition too. */
  private static EarlyStoppingResult<MultiLayerNetwork> train(MultiLayerNetwork net, RoteTerminationCondition c,
      boolean asEpochCondition) {
    DataSet all = new DataSet(TestNetworks.features(DataType.FLOAT, LABELS.length, 6, 3),
        TestNetworks.oneHot(DataType.FLOAT, LABELS, 3));
    EarlyStoppingConfiguration<MultiLayerNetwork> es = new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
        .iterationTerminationConditions(c)
        .epochTerminationConditions(asEpochCondition
            ? List.<EpochTerminationCondition>of(c, new MaxEpochsTerminationCondition(100))
            : List.<EpochTerminationCondition>of(new MaxEpochsTerminationCondition(100)))
        .scoreCalculator(new DataSetLossCalculator(new ListDataSetIterator<>(all.asList(), 16), true))
        .modelSaver(new InMemoryModelSaver<>())
        .evaluateEveryNEpochs(1)
        .build();
    return new EarlyStoppingTrainer(es, net, new ListDataSetIterator<>(all.asList(), 4)).fit();
  }

  @Test
  void shouldEndEarlyStoppingTrainingAtTheIterationAfterTheSignal() {
    DelayedSignal source = new DelayedSignal(6);
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    RoteTerminationCondition condition = new RoteTerminationCondition(source, net::getEpochCount);

    EarlyStoppingResult<MultiLayerNetwork> result = train(net, condition);

    assertThat(result.getTerminationReason())
        .isEqualTo(EarlyStoppingResult.TerminationReason.IterationTerminationCondition);
    assertThat(result.getTerminationDetails()).contains("RoteTerminationCondition")
        .contains("nonlinearity-rise").contains("layer 2 rose for 3 evaluations").contains("sig-7");
    // Asked once per iteration: quiet for 6, fired on the 7th, the third iteration of epoch 1.
    assertThat(source.calls).hasValue(7);
    assertThat(net.getIterationCount()).isEqualTo(7);
    assertThat(result.getTotalEpochs()).isEqualTo(1);
    assertThat(result.getBestModelEpoch()).isZero();
    assertThat(condition.signal()).hasValue(SIGNAL);
  }

  @Test
  void shouldNotTerminateBeforeTheSignal() {
    DelayedSignal source = new DelayedSignal(3);
    RoteTerminationCondition condition = new RoteTerminationCondition(source, () -> 1);
    condition.initialize();
    for (int i = 0; i < 3; i++) {
      assertThat(condition.terminate(0.5)).isFalse();
    }
    assertThat(condition.signal()).isEmpty();
    assertThat(condition.toString()).isEqualTo("RoteTerminationCondition(no stop signal)");

    assertThat(condition.terminate(Double.NaN)).isTrue();
    assertThat(condition.terminate(0.5)).isTrue();
    assertThat(source.calls).as("a received signal is kept, not asked for again").hasValue(4);
    assertThat(condition.toString()).isEqualTo("RoteTerminationCondition(stop signal from rule "
        + "nonlinearity-rise: layer 2 rose for 3 evaluations (signal sig-7))");
  }

  @Test
  void shouldStayQuietWhileRoteTelemetryHasNoSignal() {
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    RoteTelemetry rote = new RoteTelemetry(TelemetryConfig.defaults("run"), sink, null, null);
    RoteTerminationCondition condition = RoteTerminationCondition.of(rote);
    assertThat(rote.shouldStop()).isFalse();
    assertThat(condition.terminate(0.1)).isFalse();
  }

  @Test
  void shouldSurviveSerializationWithoutItsSource() throws Exception {
    RoteTerminationCondition condition = new RoteTerminationCondition(new DelayedSignal(0), () -> 1);
    assertThat(condition.terminate(0.1)).isTrue();

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(condition);
    }
    RoteTerminationCondition copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (RoteTerminationCondition) in.readObject();
    }

    assertThat(copy.terminate(0.1)).isFalse();
    assertThat(copy.signal()).isEmpty();
    assertThat(copy.toString()).isEqualTo(condition.toString()).contains("sig-7");
  }

  @Test
  void shouldDeferASignalOfEpochZeroToTheEpochsEndInsteadOfFailingInsideDl4j() {
    // DL4J 1.0.0-M2.1 would read the (still missing) best model's score if an iteration condition fired here.
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    RoteTerminationCondition condition = new RoteTerminationCondition(new DelayedSignal(2), net::getEpochCount);

    EarlyStoppingResult<MultiLayerNetwork> result = train(net, condition, true);

    assertThat(result.getTerminationReason()).isEqualTo(EarlyStoppingResult.TerminationReason.EpochTerminationCondition);
    assertThat(result.getTerminationDetails()).contains("sig-7");
    assertThat(net.getIterationCount()).as("the whole of epoch 0").isEqualTo(4);
    assertThat(result.getBestModel()).isNotNull();
    assertThat(result.getBestModelEpoch()).isZero();
  }

  @Test
  void shouldDeferWithoutAnEpochSourceUntilItsEpochRoleSawAScoredEpoch() {
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    RoteTerminationCondition condition = new RoteTerminationCondition(new DelayedSignal(2));

    EarlyStoppingResult<MultiLayerNetwork> result = train(net, condition, true);

    assertThat(result.getTerminationReason()).isEqualTo(EarlyStoppingResult.TerminationReason.EpochTerminationCondition);
    assertThat(result.getBestModel()).isNotNull();
    assertThat(net.getIterationCount()).isEqualTo(4);
  }

  @Test
  void shouldRejectANullSource() {
    assertThatThrownBy(() -> new RoteTerminationCondition(null))
        .isInstanceOf(NullPointerException.class).hasMessage("signals");
  }
}
