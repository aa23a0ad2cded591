package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class CheckpointsTest {

  private static final int[] LABELS = {0, 1, 2, 1, 0, 2, 2, 1};
  private static final INDArray X = TestNetworks.features(DataType.FLOAT, LABELS.length, 6, 1);
  private static final INDArray Y = TestNetworks.oneHot(DataType.FLOAT, LABELS, 3);

  private static MultiLayerNetwork net() {
    return TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
  }

  /** Steps {@code from}..{@code to} of {@code net} into {@code checkpoints}, an epoch ending where {@code epochEnd} says. */
  private static void steps(Checkpoints checkpoints, MultiLayerNetwork net, long from, long to,
      java.util.function.LongPredicate epochEnd) {
    for (long step = from; step <= to; step++) {
      checkpoints.onStep(step, net);
      if (epochEnd.test(step)) {
        checkpoints.onEpochEnd(step, net);
      }
    }
  }

  private static float[] floats(INDArray a) {
    return a.dup('c').data().asFloat();
  }

  @Test
  void shouldAverageTheParametersOfTheCheckpointsInARange() {
    MultiLayerNetwork n = net();
    Checkpoints checkpoints = new Checkpoints(1, 10);
    float[][] params = new float[4][];
    for (int step = 1; step <= 3; step++) {
      n.fit(X, Y);
      checkpoints.onStep(step, n);
      params[step] = floats(n.params());
    }
    float[] before = floats(n.params());
    MultiLayerNetwork avg = checkpoints.average(2, 3, n).orElseThrow();
    float[] got = floats(avg.params());
    for (int i = 0; i < got.length; i++) {
      assertThat(got[i]).isCloseTo((params[2][i] + params[3][i]) / 2, org.assertj.core.data.Offset.offset(1e-6f));
    }
    assertThat(floats(n.params())).as("the original is untouched").containsExactly(before);
    assertThat(checkpoints.average(5, 9, n)).isEmpty();
  }

  @Test
  void shouldRestoreTheMeanOfEveryCheckpointInARestoreWindow() {
    MultiLayerNetwork n = net();
    Checkpoints checkpoints = new Checkpoints(1, 20, true);
    float[][] params = new float[8][];
    for (int step = 1; step <= 7; step++) {
      n.fit(X, Y);
      params[step] = floats(n.params());
      if (step % 2 == 0) {
        checkpoints.onEpochEnd(step, n); // epoch ends at 2, 4, 6
      } else {
        checkpoints.onStep(step, n);
      }
    }
    // Window 2..5 around step 4: the epoch ends 2 and 4 and the step checkpoints 3 and 5 alike.
    List<Long> used = checkpoints.restoreAverage(n, 2, 5, 4);
    assertThat(used).containsExactly(2L, 3L, 4L, 5L);
    float[] got = floats(n.params());
    for (int i = 0; i < got.length; i++) {
      float mean = (params[2][i] + params[3][i] + params[4][i] + params[5][i]) / 4;
      assertThat(got[i]).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-6f));
    }
    // A window of one step checkpoint restores it.
    assertThat(checkpoints.restoreAverage(n, 3, 3, 3)).containsExactly(3L);
    assertThat(floats(n.params())).containsExactly(params[3]);
    // Nothing held in the window: nothing changes.
    assertThat(checkpoints.restoreAverage(n, 100, 200, 150)).isEmpty();
    assertThat(floats(n.params())).containsExactly(params[3]);
  }

  /**
   * What a restore window of one epoch either side holds with the defaults, in the shapes of runs the
   * experiment records (steps per epoch, the epoch of the stop, the epoch of the restore step): the
   * numbers the class documentation states.
   */
  @Test
  void shouldHoldSeveralCheckpointsInAOneEpochRestoreWindowWithTheDefaults() {
    MultiLayerNetwork n = net();
    long[][] runs = {{24, 23, 9}, {79, 19, 11}, {79, 30, 12}, {313, 13, 3}, {469, 13, 7}};
    for (long[] run : runs) {
      long perEpoch = run[0];
      Checkpoints checkpoints = Checkpoints.defaults();
      steps(checkpoints, n, 1, perEpoch * run[1], step -> step % perEpoch == 0);
      long restore = perEpoch * run[2];
      long inWindow = checkpoints.steps().stream().filter(s -> s >= restore - perEpoch && s <= restore + perEpoch)
          .count();
      assertThat(inWindow).as("%d steps per epoch, stop at epoch %d, restore epoch %d", run[0], run[1], run[2])
          .isBetween(3L, 6L);
    }
  }

  @Test
  void shouldRestoreExactlyTheParametersUpdaterStateAndOutputsOfAnEarlierStep() {
    MultiLayerNetwork net = net();
    Checkpoints checkpoints = new Checkpoints(3, 10);
    float[] params6 = null;
    float[] state6 = null;
    float[] output6 = null;
    for (long step = 1; step <= 12; step++) {
      net.fit(X, Y);
      checkpoints.onStep(step, net);
      if (step == 6) {
        params6 = net.params().toFloatVector();
        state6 = net.getUpdater().getStateViewArray().toFloatVector();
        output6 = floats(net.output(X, false));
      }
    }
    assertThat(checkpoints.steps()).containsExactly(3L, 6L, 9L, 12L);
    assertThat(net.params().toFloatVector()).isNotEqualTo(params6);

    long restored = checkpoints.restore(net, 7);

    assertThat(restored).isEqualTo(6);
    assertThat(net.params().toFloatVector()).containsExactly(params6);
    assertThat(net.getUpdater().getStateViewArray().toFloatVector()).containsExactly(state6);
    assertThat(floats(net.output(X, false))).containsExactly(output6);
  }

  @Test
  void shouldCopyAtAStepWithoutTouchingTheOriginal() {
    MultiLayerNetwork net = net();
    Checkpoints checkpoints = new Checkpoints(2, 10);
    float[] params2 = null;
    for (long step = 1; step <= 6; step++) {
      net.fit(X, Y);
      checkpoints.onStep(step, net);
      if (step == 2) {
        params2 = net.params().toFloatVector();
      }
    }
    float[] before = net.params().toFloatVector();
    float[] stateBefore = net.getUpdater().getStateViewArray().toFloatVector();

    MultiLayerNetwork copy = checkpoints.copyAt(2, net);

    assertThat(copy).isNotSameAs(net);
    assertThat(copy.params().toFloatVector()).containsExactly(params2);
    assertThat(net.params().toFloatVector()).containsExactly(before);
    assertThat(net.getUpdater().getStateViewArray().toFloatVector()).containsExactly(stateBefore);
    copy.fit(X, Y);
    assertThat(net.params().toFloatVector()).containsExactly(before);
  }

  @Test
  void shouldTakeCheckpointsOnlyAtMultiplesOfEverySteps() {
    MultiLayerNetwork net = net();
    Checkpoints checkpoints = new Checkpoints(5, 10);
    for (long step = 1; step <= 12; step++) {
      checkpoints.onStep(step, net);
    }
    assertThat(checkpoints.steps()).containsExactly(5L, 10L);
  }

  @Test
  void shouldThinToCapacityKeepingTheOldestAndNewest() {
    MultiLayerNetwork net = net();
    Checkpoints checkpoints = new Checkpoints(1, 4);
    List<List<Long>> history = new ArrayList<>();
    for (long step = 1; step <= 40; step++) {
      checkpoints.onStep(step, net);
      List<Long> steps = checkpoints.steps();
      history.add(steps);
      assertThat(steps).hasSizeLessThanOrEqualTo(4).isSorted().startsWith(1L).endsWith(step);
    }
    // Worked by hand: at 5 the interior gaps tie at 2 and the earliest (2) goes; at 6 step 4
    // leaves the smallest gap (5 - 3); at 9 steps 3 and 8 tie at 4 and 3 goes.
    assertThat(history.get(4)).containsExactly(1L, 3L, 4L, 5L);
    assertThat(history.get(5)).containsExactly(1L, 3L, 5L, 6L);
    assertThat(history.get(8)).containsExactly(1L, 5L, 8L, 9L);
    // Old steps stay covered: no gap is more than twice an even spread of 4 over steps 1..40.
    List<Long> last = history.get(39);
    for (int i = 1; i < last.size(); i++) {
      assertThat(last.get(i) - last.get(i - 1)).isLessThanOrEqualTo(2 * (40 - 1) / 3);
    }
  }

  @Test
  void shouldKeepOnlyTheNewestWithCapacityOne() {
    Checkpoints checkpoints = new Checkpoints(1, 1);
    MultiLayerNetwork net = net();
    checkpoints.onStep(1, net);
    checkpoints.onStep(2, net);
    assertThat(checkpoints.steps()).containsExactly(2L);
  }

  @Test
  void shouldResolveTiesToTheEarlierStep() {
    Checkpoints checkpoints = new Checkpoints(2, 10);
    MultiLayerNetwork net = net();
    assertThat(checkpoints.closest(3)).isEmpty();
    checkpoints.onStep(2, net);
    checkpoints.onStep(4, net);
    assertThat(checkpoints.closest(3)).hasValue(2);
    assertThat(checkpoints.closest(4)).hasValue(4);
    assertThat(checkpoints.closest(0)).hasValue(2);
    assertThat(checkpoints.closest(100)).hasValue(4);
  }

  @Test
  void shouldCountHeldParameterAndUpdaterBytes() {
    MultiLayerNetwork net = net();
    net.fit(X, Y);
    Checkpoints checkpoints = new Checkpoints(1, 10);
    assertThat(checkpoints.heldBytes()).isZero();
    checkpoints.onStep(1, net);
    checkpoints.onStep(2, net);
    // Adam keeps two moments per parameter; float is 4 bytes.
    assertThat(checkpoints.heldBytes()).isEqualTo(2 * (net.numParams() + 2 * net.numParams()) * 4);
  }

  @Test
  void shouldRefuseToRestoreWhenNothingIsHeld() {
    Checkpoints checkpoints = new Checkpoints(1, 1);
    assertThatThrownBy(() -> checkpoints.restore(net(), 5))
        .isInstanceOf(IllegalStateException.class).hasMessage("no checkpoint held");
    assertThatThrownBy(() -> checkpoints.copyAt(5, net()))
        .isInstanceOf(IllegalStateException.class).hasMessage("no checkpoint held");
  }

  @Test
  void shouldValidateItsSettings() {
    assertThatThrownBy(() -> new Checkpoints(0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("everySteps must be >= 1 (or 0 with epoch-end checkpoints), was 0");
    assertThat(new Checkpoints(0, 1, true).steps()).isEmpty();
    assertThatThrownBy(() -> new Checkpoints(1, -2))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("capacity must be >= 1, was -2");
  }

  @Test
  void shouldRestoreAGraphsParametersAndUpdaterStateExactly() {
    ComputationGraph graph = TestNetworks.residualCnn(DataType.DOUBLE, 3, true);
    INDArray x = TestNetworks.images(DataType.DOUBLE, LABELS.length, 2);
    INDArray y = TestNetworks.oneHot(DataType.DOUBLE, LABELS, 3);
    Checkpoints checkpoints = new Checkpoints(2, 10);
    INDArray params4 = null;
    INDArray state4 = null;
    INDArray output4 = null;
    for (long step = 1; step <= 8; step++) {
      graph.fit(new DataSet(x, y));
      checkpoints.onStep(step, graph);
      if (step == 4) {
        params4 = graph.params().dup();
        state4 = graph.getUpdater().getStateViewArray().dup();
        output4 = graph.outputSingle(x);
      }
    }
    ComputationGraph copy = checkpoints.copyAt(4, graph);
    assertThat(copy).isNotSameAs(graph);
    assertThat(copy.params().equalsWithEps(params4, 0)).isTrue();
    assertThat(graph.params().equalsWithEps(params4, 1e-9)).as("the original is untouched").isFalse();

    assertThat(checkpoints.restore(graph, 5)).isEqualTo(4);
    assertThat(graph.params().equalsWithEps(params4, 0)).isTrue();
    assertThat(graph.getUpdater().getStateViewArray().equalsWithEps(state4, 0)).isTrue();
    assertThat(graph.outputSingle(x).equalsWithEps(output4, 1e-12)).isTrue();
    assertThat(checkpoints.average(4, 4, graph).orElseThrow().params().equalsWithEps(params4, 0)).isTrue();
  }

  @Test
  void shouldCheckpointEveryEpochEndThroughItsListener() {
    MultiLayerNetwork net = net();
    Checkpoints checkpoints = new Checkpoints(4, 10, true);
    net.addListeners(checkpoints.listener());
    // Three batches an epoch: epoch ends at steps 3, 6, 9; step checkpoints at 4 and 8.
    var iterator = new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(
        new DataSet(X, Y).asList(), 3);
    net.fit(iterator, 3);
    assertThat(checkpoints.steps()).containsExactly(3L, 4L, 6L, 8L, 9L);
    assertThat(checkpoints.epochEndSteps()).containsExactly(3L, 6L, 9L);
    assertThat(checkpoints.toString()).contains("every 4 steps and epoch end");
  }

  @Test
  void shouldSpacePerEpochCheckpointsEvenlyOnceTheEpochLengthIsKnown() {
    MultiLayerNetwork net = net();
    Checkpoints checkpoints = Checkpoints.perEpoch(8, 100);
    // 79 steps an epoch: the first epoch holds only its end; then every round(79 / 8) = 10 steps after
    // the last epoch end, and the epoch end itself: 8 an epoch.
    steps(checkpoints, net, 1, 158, step -> step % 79 == 0);
    assertThat(checkpoints.steps()).containsExactly(79L, 89L, 99L, 109L, 119L, 129L, 139L, 149L, 158L);
    assertThat(checkpoints.epochEndSteps()).containsExactly(79L, 158L);
    // A shorter last epoch (a partial batch left out) sets the period for the next one: 40 steps, every 5.
    steps(checkpoints, net, 159, 208, step -> step == 198);
    assertThat(checkpoints.steps().subList(9, checkpoints.steps().size()))
        .containsExactly(168L, 178L, 188L, 198L, 203L, 208L);
    assertThat(checkpoints.toString()).contains("every 1/8 epoch and epoch end");
  }

  @Test
  void shouldLearnTheEpochLengthOfANetThatHadTrainedBefore() {
    MultiLayerNetwork net = net();
    Checkpoints checkpoints = Checkpoints.perEpoch(4, 100);
    // Attached at step 1,001 of a net that had trained 1,000 steps: epochs of 20 steps end at 1,020, 1,040.
    steps(checkpoints, net, 1001, 1040, step -> step % 20 == 0);
    assertThat(checkpoints.steps()).containsExactly(1020L, 1025L, 1030L, 1035L, 1040L);
  }

  @Test
  void shouldCheckpointEvery100StepsUntilAnEpochEnds() {
    MultiLayerNetwork net = net();
    Checkpoints checkpoints = Checkpoints.perEpoch(8, 100);
    // A loop without epoch-end events (or a first epoch longer than 100 steps): every 100 steps.
    steps(checkpoints, net, 1, 250, step -> false);
    assertThat(checkpoints.steps()).containsExactly(100L, 200L);
    assertThat(checkpoints.toString()).contains("every 100 steps and epoch end");
    checkpoints.onEpochEnd(250, net);
    steps(checkpoints, net, 251, 300, step -> false);
    // 250 steps an epoch: every round(250 / 8) = 31 steps after the epoch end.
    assertThat(checkpoints.steps()).containsExactly(100L, 200L, 250L, 281L);
  }

  @Test
  void shouldCheckpointPerEpochThroughItsListener() {
    MultiLayerNetwork net = net();
    Checkpoints checkpoints = Checkpoints.perEpoch(2, 10);
    net.addListeners(checkpoints.listener());
    // Four batches of two an epoch: the first epoch's end at 4; then every 2 steps.
    var iterator = new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(
        new DataSet(X, Y).asList(), 2);
    net.fit(iterator, 3);
    assertThat(checkpoints.steps()).containsExactly(4L, 6L, 8L, 10L, 12L);
    assertThat(checkpoints.epochEndSteps()).containsExactly(4L, 8L, 12L);
    assertThatThrownBy(() -> Checkpoints.perEpoch(0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("perEpoch must be >= 1, was 0");
  }

  @Test
  void shouldThinStepCheckpointsBeforeEpochEnds() {
    MultiLayerNetwork net = net();
    Checkpoints checkpoints = new Checkpoints(1, 4, true);
    checkpoints.onStep(1, net);
    checkpoints.onEpochEnd(2, net);
    checkpoints.onStep(3, net);
    checkpoints.onStep(4, net);
    checkpoints.onStep(5, net);
    // Step 3 leaves the smallest gap among the step checkpoints; the epoch end at 2 stays.
    assertThat(checkpoints.steps()).containsExactly(1L, 2L, 4L, 5L);
    checkpoints.onEpochEnd(6, net);
    assertThat(checkpoints.steps()).containsExactly(1L, 2L, 4L, 6L);
    checkpoints.onEpochEnd(7, net);
    assertThat(checkpoints.steps()).containsExactly(1L, 2L, 6L, 7L);
    checkpoints.onEpochEnd(8, net);
    // Only epoch ends are interior now: they thin among themselves.
    assertThat(checkpoints.steps()).containsExactly(1L, 2L, 6L, 8L);
  }

  @Test
  void shouldSayWhatOneCheckpointCosts() {
    MultiLayerNetwork net = net();
    net.fit(X, Y);
    assertThat(Checkpoints.bytesPerCheckpoint(net)).isEqualTo(3 * net.numParams() * 4);
    Checkpoints checkpoints = Checkpoints.defaults();
    checkpoints.onEpochEnd(1, net);
    assertThat(checkpoints.heldBytes()).isEqualTo(Checkpoints.bytesPerCheckpoint(net));
  }
}
