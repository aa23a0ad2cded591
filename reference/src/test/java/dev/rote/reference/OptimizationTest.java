package dev.rote.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;

class OptimizationTest {

  @Test
  void shouldAnnealAlongHalfACosineToZeroAtTheLastPlannedStep() {
    CosineSchedule s = new CosineSchedule(0.1, 1000);
    assertThat(s.valueAt(0, 0)).isEqualTo(0.1);
    assertThat(s.valueAt(500, 3)).isCloseTo(0.05, within(1e-12));
    assertThat(s.valueAt(250, 1)).isCloseTo(0.05 * (1 + Math.sqrt(0.5)), within(1e-12));
    assertThat(s.valueAt(1000, 9)).isCloseTo(0.0, within(1e-15));
    assertThat(s.valueAt(5000, 9)).isCloseTo(0.0, within(1e-15));
    assertThat(s.clone()).isEqualTo(s).isNotSameAs(s);
  }

  @Test
  void shouldDropTheStepScheduleTenfoldAtHalfAndThreeQuarters() {
    ISchedule s = new Optimization(Optimization.Optimizer.SGD, Optimization.LrSchedule.STEP, 0).schedule(0.1, 800);
    assertThat(s.valueAt(0, 0)).isEqualTo(0.1);
    assertThat(s.valueAt(399, 0)).isEqualTo(0.1);
    assertThat(s.valueAt(400, 0)).isCloseTo(0.01, within(1e-12));
    assertThat(s.valueAt(599, 0)).isCloseTo(0.01, within(1e-12));
    assertThat(s.valueAt(600, 0)).isCloseTo(0.001, within(1e-12));
  }

  @Test
  void shouldBuildSgdWithNesterovMomentumAndAdamWithTheirSchedules() {
    var sgd = Optimization.defaults(Optimization.Optimizer.SGD).updater(0.05, 100);
    assertThat(sgd).isInstanceOf(Nesterovs.class);
    assertThat(((Nesterovs) sgd).getMomentum()).isEqualTo(0.9);
    assertThat(sgd.getLearningRate(50, 0)).isCloseTo(0.025, within(1e-12));
    var adam = Optimization.adam().updater(3e-4, 100);
    assertThat(adam).isInstanceOf(Adam.class);
    assertThat(adam.getLearningRate(99, 0)).isEqualTo(3e-4);
  }

  @Test
  void shouldDefaultPerOptimizerAndModel() {
    assertThat(Optimization.defaults(Optimization.Optimizer.SGD))
        .isEqualTo(new Optimization(Optimization.Optimizer.SGD, Optimization.LrSchedule.COSINE, 5e-4));
    assertThat(Optimization.adam())
        .isEqualTo(new Optimization(Optimization.Optimizer.ADAM, Optimization.LrSchedule.NONE, 0));
    assertThat(Optimization.defaultLearningRate(Architecture.MLP, Optimization.Optimizer.ADAM)).isEqualTo(3e-4);
    assertThat(Optimization.defaultLearningRate(Architecture.RESNET, Optimization.Optimizer.ADAM)).isEqualTo(1e-3);
    assertThat(Optimization.defaultLearningRate(Architecture.CNN, Optimization.Optimizer.SGD)).isEqualTo(0.05);
  }

  @Test
  void shouldNameTheChoicesOfABadName() {
    assertThat(Architecture.parse(" ResNet")).isEqualTo(Architecture.RESNET);
    assertThatThrownBy(() -> Architecture.parse("vgg")).hasMessage("model must be one of mlp|cnn|resnet, was vgg");
    assertThatThrownBy(() -> Optimization.Optimizer.parse("rmsprop"))
        .hasMessage("optimizer must be one of adam|sgd, was rmsprop");
    assertThatThrownBy(() -> Optimization.LrSchedule.parse("linear"))
        .hasMessage("lr-schedule must be one of cosine|step|none, was linear");
    assertThatThrownBy(() -> new Optimization(Optimization.Optimizer.SGD, Optimization.LrSchedule.NONE, -1))
        .hasMessage("weight decay must be >= 0, was -1.0");
  }
}
