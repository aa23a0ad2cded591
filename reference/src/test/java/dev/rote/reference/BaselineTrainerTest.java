package dev.rote.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.data.LabelNoise;
import dev.rote.reference.data.NoisyLabels;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineTrainerTest {

  @TempDir
  static Path dir;
  static IdxDataset data;
  static NoisyLabels labels;

  @BeforeAll
  static void writeData() throws Exception {
    data = IdxDataset.load(SyntheticIdx.write(dir, 50, 10, 2, 1), 2);
    labels = LabelNoise.symmetric(data.trainLabels(), 2, 0.2, 3);
  }

  private static BaselineTrainer trainer(long seed, double fraction) {
    TrainOptions o = SyntheticIdx.options(dir, 0.2, 5);
    o = new TrainOptions(o.data(), o.labelNoise(), o.noiseSeed(), false, 0, o.epochs(), 16, o.hidden(),
        o.learningRate(), seed, 1, o.telemetry());
    return new BaselineTrainer(o, data, labels, fraction, 2);
  }

  @Test
  void shouldHoldOutTheLastShareOfASeededShuffle() {
    BaselineTrainer t = trainer(5, 0.2);
    int[] train = t.trainExamples();
    int[] validation = t.validationExamples();

    assertThat(validation).hasSize(10);
    assertThat(train).hasSize(40);
    assertThat(IntStream.concat(IntStream.of(train), IntStream.of(validation)).sorted().toArray())
        .isEqualTo(IntStream.range(0, 50).toArray());
    assertThat(validation).isNotEqualTo(IntStream.range(40, 50).toArray());
    assertThat(trainer(5, 0.2).validationExamples()).isEqualTo(validation);
    assertThat(trainer(6, 0.2).validationExamples()).isNotEqualTo(validation);
    assertThat(t.stepsPerEpoch()).isEqualTo(3);
  }

  @Test
  void shouldRejectBadSettings() {
    assertThatThrownBy(() -> trainer(5, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("validationFraction must be in (0, 1), was 0.0");
    assertThatThrownBy(() -> trainer(5, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("validationFraction must be in (0, 1), was NaN");
    assertThatThrownBy(() -> trainer(5, 0.005)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("validationFraction 0.005 of 50 training examples leaves a split empty");
    TrainOptions o = SyntheticIdx.options(dir, 0.2, 5);
    assertThatThrownBy(() -> new BaselineTrainer(o, data, labels, 0.2, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("patienceEpochs must be >= 1, was 0");
    NoisyLabels short3 = LabelNoise.none(new int[] {0, 1, 0});
    assertThatThrownBy(() -> new BaselineTrainer(o, data, short3, 0.2, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("labels cover 3 examples, the dataset has 50 training examples");
  }
}
