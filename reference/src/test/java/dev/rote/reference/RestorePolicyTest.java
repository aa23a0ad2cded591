package dev.rote.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.contract.v1.StopSignal;
import dev.rote.trainer.Checkpoints;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestorePolicyTest {

  ComputationGraph net;
  Checkpoints steps;
  Checkpoints epochEnds;

  /** Step checkpoints every 5 steps and epoch ends every 10; at step s every parameter equals s. */
  @BeforeEach
  void train() {
    net = (ComputationGraph) Networks.build(NetworksTest.options(Architecture.RESNET, Optimization.Optimizer.SGD),
        NetworksTest.SHAPE, 100);
    steps = new Checkpoints(5, 64);
    epochEnds = new Checkpoints(0, 64, true);
    for (long s = 1; s <= 50; s++) {
      net.params().assign(s);
      steps.onStep(s, net);
      if (s % 10 == 0) {
        epochEnds.onEpochEnd(s, net);
      }
    }
    net.params().assign(-1);
  }

  @Test
  void shouldRestoreTheClosestStepCheckpoint() {
    var r = new RestorePolicy.Closest().restore(steps, epochEnds, 23, net).orElseThrow();
    assertThat(r.steps()).containsExactly(25L);
    assertThat(r.model().params().meanNumber().doubleValue()).isEqualTo(25.0);
    assertThat(net.params().meanNumber().doubleValue()).as("the network itself is left as it is").isEqualTo(-1.0);
  }

  @Test
  void shouldAverageTheStepCheckpointsWithinTheRadius() {
    var r = new RestorePolicy.StepAverage(10).restore(steps, epochEnds, 23, net).orElseThrow();
    assertThat(r.steps()).containsExactly(15L, 20L, 25L, 30L);
    assertThat(r.model().params().meanNumber().doubleValue()).isEqualTo(22.5);
  }

  @Test
  void shouldAverageTheEpochEndsCenteredOnTheRestoreStepAndFewerAtTheEnd() {
    var three = new RestorePolicy.EpochAverage(3).restore(steps, epochEnds, 24, net).orElseThrow();
    assertThat(three.steps()).containsExactly(10L, 20L, 30L);
    assertThat(three.model().params().meanNumber().doubleValue()).isEqualTo(20.0);
    var five = new RestorePolicy.EpochAverage(5).restore(steps, epochEnds, 47, net).orElseThrow();
    assertThat(five.steps()).containsExactly(30L, 40L, 50L);
    var one = new RestorePolicy.EpochAverage(1).restore(steps, epochEnds, 36, net).orElseThrow();
    assertThat(one.steps()).containsExactly(40L);
  }

  @Test
  void shouldAverageBatchNormRunningStatisticsWithTheWeights() {
    var r = new RestorePolicy.EpochAverage(3).restore(steps, epochEnds, 24, net).orElseThrow();
    ComputationGraph averaged = (ComputationGraph) r.model();
    assertThat(averaged.paramTable().keySet()).contains("stem_bn_mean");
    assertThat(averaged.getParam("stem_bn_mean").meanNumber().doubleValue()).isEqualTo(20.0);
    assertThat(averaged.getParam("block2_bn1_mean").meanNumber().doubleValue()).isEqualTo(20.0);
  }

  @Test
  void shouldRestoreTheMeanOfTheEpochEndsInTheSignalsWindow() {
    StopSignal signal = StopSignal.newBuilder().setRestoreStep(23).setRestoreFromStep(13).setRestoreToStep(41).build();
    var r = new RestorePolicy.SignalWindow().restore(steps, epochEnds, signal, net).orElseThrow();
    // epoch ends 20, 30 and 40 lie in 13..41: (20 + 30 + 40) / 3
    assertThat(r.steps()).containsExactly(20L, 30L, 40L);
    assertThat(r.model().params().minNumber().doubleValue()).isEqualTo(30.0);
    assertThat(r.model().params().maxNumber().doubleValue()).isEqualTo(30.0);
    assertThat(new RestorePolicy.SignalWindow().averages(epochEnds, signal)).isTrue();
  }

  @Test
  void shouldRestoreTheClosestCheckpointWhenTheSignalHasNoWindowOrNoEpochEndInIt() {
    StopSignal bare = StopSignal.newBuilder().setRestoreStep(23).build();
    StopSignal between = StopSignal.newBuilder().setRestoreStep(23).setRestoreFromStep(21).setRestoreToStep(29).build();
    for (StopSignal s : List.of(bare, between)) {
      var r = new RestorePolicy.SignalWindow().restore(steps, epochEnds, s, net).orElseThrow();
      assertThat(r.steps()).containsExactly(25L);
      assertThat(r.model().params().maxNumber().doubleValue()).isEqualTo(25.0);
      assertThat(new RestorePolicy.SignalWindow().averages(epochEnds, s)).isFalse();
    }
  }

  @Test
  void shouldRestoreTheMeanOfTheStepCheckpointsInTheSignalsWindow() {
    StopSignal signal = StopSignal.newBuilder().setRestoreStep(23).setRestoreFromStep(13).setRestoreToStep(41).build();
    var r = new RestorePolicy.SignalWindowSteps().restore(steps, epochEnds, signal, net).orElseThrow();
    // step checkpoints 15, 20, ..., 40 lie in 13..41: their mean is 27.5 (the epoch ends are not counted twice)
    assertThat(r.steps()).containsExactly(15L, 20L, 25L, 30L, 35L, 40L);
    assertThat(r.model().params().minNumber().doubleValue()).isEqualTo(27.5);
    assertThat(r.model().params().maxNumber().doubleValue()).isEqualTo(27.5);
    assertThat(net.params().meanNumber().doubleValue()).as("the network itself is left as it is").isEqualTo(-1.0);
  }

  @Test
  void shouldRestoreTheClosestStepCheckpointWhenTheSignalHasNoWindowOrNoStepCheckpointInIt() {
    StopSignal bare = StopSignal.newBuilder().setRestoreStep(23).build();
    StopSignal between = StopSignal.newBuilder().setRestoreStep(23).setRestoreFromStep(21).setRestoreToStep(24).build();
    for (StopSignal s : List.of(bare, between)) {
      var r = new RestorePolicy.SignalWindowSteps().restore(steps, epochEnds, s, net).orElseThrow();
      assertThat(r.steps()).containsExactly(25L);
      assertThat(r.model().params().maxNumber().doubleValue()).isEqualTo(25.0);
    }
  }

  @Test
  void shouldRestoreTheWindowOfATrainerLibrarysStore() {
    var policy = new RestorePolicy.LibraryCheckpoints(0, 4, 100);
    Checkpoints store = policy.newStore();
    for (long s = 1; s <= 50; s++) {
      net.params().assign(s);
      store.onStep(s, net);
      if (s % 10 == 0) {
        store.onEpochEnd(s, net);
      }
    }
    net.params().assign(-1);
    // 4 an epoch of 10 steps: the first epoch's end, then every round(10 / 4) = 3 steps after each epoch end.
    assertThat(store.steps()).startsWith(10L, 13L, 16L, 19L, 20L, 23L).endsWith(40L, 43L, 46L, 49L, 50L);
    StopSignal signal = StopSignal.newBuilder().setRestoreStep(45).setRestoreFromStep(40).setRestoreToStep(50).build();
    var r = policy.restore(store, epochEnds, signal, net).orElseThrow();
    assertThat(r.steps()).containsExactly(40L, 43L, 46L, 49L, 50L);
    assertThat(r.model().params().maxNumber().doubleValue()).isCloseTo(45.6, org.assertj.core.data.Offset.offset(1e-5));
    // Nothing of the store in the window: its closest checkpoint.
    StopSignal early = StopSignal.newBuilder().setRestoreStep(3).setRestoreFromStep(1).setRestoreToStep(5).build();
    assertThat(policy.restore(store, epochEnds, early, net).orElseThrow().steps()).containsExactly(10L);
    assertThat(policy.name()).isEqualTo("library_e4_100");
  }

  @Test
  void shouldRestoreNothingWithoutCheckpoints() {
    Checkpoints none = new Checkpoints(0, 1, true);
    assertThat(new RestorePolicy.EpochAverage(3).restore(steps, none, 24, net)).isEmpty();
    assertThat(new RestorePolicy.Closest().restore(new Checkpoints(5, 1), none, 24, net)).isEmpty();
  }

  @Test
  void shouldParseTheNamesItWrites() {
    for (RestorePolicy p : RestorePolicy.experimentDefaults()) {
      assertThat(RestorePolicy.parse(p.name())).isEqualTo(p);
    }
    assertThat(RestorePolicy.experimentDefaults().stream().map(RestorePolicy::name)).containsExactly("closest",
        "signal_window", "signal_window_steps", "library_100_32", "library_e8_32", "average_steps_80", "average_epochs_1", "average_epochs_3", "average_epochs_5");
    assertThatThrownBy(() -> RestorePolicy.parse("average_epochs_4"))
        .hasMessage("an epoch average takes an odd number >= 1 of checkpoints, was 4");
    assertThatThrownBy(() -> RestorePolicy.parse("best"))
        .hasMessage("restore policy must be signal_window, signal_window_steps, closest, average_steps_R "
            + "(R >= 1 steps), average_epochs_K (K odd), library_S_C or library_eK_C (a trainer library's store: "
            + "every S steps or K per epoch, at most C), was best");
    assertThat(RestorePolicy.parse("library_e4_64")).isEqualTo(new RestorePolicy.LibraryCheckpoints(0, 4, 64));
    assertThatThrownBy(() -> RestorePolicy.parse("library_0_32")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a library store takes steps >= 1 or checkpoints per epoch >= 1");
    assertThat(List.of(new RestorePolicy.StepAverage(3))).doesNotContain(new RestorePolicy.StepAverage(4));
  }
}
