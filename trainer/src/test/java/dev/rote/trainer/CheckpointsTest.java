package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class CheckpointsTest {

  private static final int[] LABELS = {0, 1, 2, 1, 0, 2, 2, 1};
  private static final INDArray X = TestNetworks.features(DataType.FLOAT, LABELS.length, 6, 1);
  private static final INDArray Y = TestNetworks.oneHot(DataType.FLOAT, LABELS, 3);

  private static MultiLayerNetwork net() {
    return TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
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
        .isInstanceOf(IllegalArgumentException.class).hasMessage("everySteps must be >= 1, was 0");
    assertThatThrownBy(() -> new Checkpoints(1, -2))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("capacity must be >= 1, was -2");
  }
}
