package dev.rote.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.data.LabelNoise;
import dev.rote.reference.data.NoisyLabels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baseline early-stopping trainer end to end on synthetic data (see {@link SyntheticIdx}): 400
 * training examples of 4 classes with 40% symmetric label noise, 80 of them held out for
 * validation, batches of 16: 20 steps an epoch. With these seeds the validation loss bottoms out
 * at epoch 4 (0-based 3) while clean test accuracy falls from ~0.99 as the noise is memorized.
 */
@Tag("integration")
class BaselineTrainerIntegrationTest {

  @TempDir
  static Path dir;
  static IdxDataset data;
  static NoisyLabels labels;

  @BeforeAll
  static void writeData() throws Exception {
    data = IdxDataset.load(SyntheticIdx.write(dir, 400, 400, 4, 11), 4);
    labels = LabelNoise.symmetric(data.trainLabels(), 4, 0.4, 3);
  }

  @Test
  void shouldStopWhenValidationLossStopsImprovingAndKeepTheBestEpochsModel() {
    List<String> lines = new ArrayList<>();
    BaselineTrainer trainer = new BaselineTrainer(SyntheticIdx.options(dir, 0.4, 60), data, labels, 0.2, 2);
    assertThat(trainer.stepsPerEpoch()).isEqualTo(20);

    BaselineTrainer.Result r = trainer.run(lines::add);

    assertThat(r.terminationReason()).isEqualTo("EpochTerminationCondition");
    assertThat(r.terminationDetails()).startsWith("ScoreImprovementEpochTerminationCondition");
    assertThat(r.stoppedEarly()).isTrue();
    assertThat(r.epochsTrained()).isLessThan(60).isEqualTo(r.bestEpoch() + 2 + 1);
    assertStructure(r, 20);
    assertThat(lines).hasSize(r.epochsTrained());
    assertThat(lines.get(0)).startsWith("baseline epoch 1/60 step 20: validation loss ");
    // The kept model is not the last one here, so matching the best epoch's accuracy tells them apart.
    assertThat(r.testAccuracyByEpoch().get(r.bestEpoch())[2]).isNotEqualTo(r.testAccAtStop());
  }

  @Test
  void shouldRunToMaxEpochsWhenPatienceOutlastsThem() {
    BaselineTrainer.Result r = new BaselineTrainer(SyntheticIdx.options(dir, 0.4, 3), data, labels, 0.2, 5).run();

    assertThat(r.terminationReason()).isEqualTo("EpochTerminationCondition");
    assertThat(r.terminationDetails()).isEqualTo("MaxEpochsTerminationCondition(3)");
    assertThat(r.stoppedEarly()).isFalse();
    assertThat(r.epochsTrained()).isEqualTo(3);
    assertStructure(r, 20);
  }

  @Test
  void shouldTrainTheSameWayTwice() {
    BaselineTrainer.Result a = new BaselineTrainer(SyntheticIdx.options(dir, 0.4, 2), data, labels, 0.2, 5).run();
    BaselineTrainer.Result b = new BaselineTrainer(SyntheticIdx.options(dir, 0.4, 2), data, labels, 0.2, 5).run();
    assertThat(b.testAccuracyByEpoch()).usingRecursiveComparison().isEqualTo(a.testAccuracyByEpoch());
    assertThat(b.bestModelTestAcc()).isEqualTo(a.bestModelTestAcc());
  }

  private static void assertStructure(BaselineTrainer.Result r, int stepsPerEpoch) {
    assertThat(r.bestEpoch()).isBetween(0, r.epochsTrained() - 1);
    assertThat(r.stopStep()).isEqualTo((long) r.epochsTrained() * stepsPerEpoch);
    assertThat(r.bestStep()).isEqualTo((r.bestEpoch() + 1L) * stepsPerEpoch);
    List<double[]> curve = r.testAccuracyByEpoch();
    assertThat(curve).hasSize(r.epochsTrained());
    for (int e = 0; e < curve.size(); e++) {
      assertThat(curve.get(e)[0]).isEqualTo(e + 1);
      assertThat(curve.get(e)[1]).isEqualTo((e + 1.0) * stepsPerEpoch);
      assertThat(curve.get(e)[2]).isBetween(0.0, 1.0);
    }
    assertThat(r.testAccAtStop()).isEqualTo(curve.get(curve.size() - 1)[2]);
    assertThat(r.bestTestAccSeen()).isEqualTo(curve.stream().mapToDouble(p -> p[2]).max().orElseThrow());
    assertThat(r.bestModelTestAcc()).isBetween(0.0, 1.0)
        .isCloseTo(curve.get(r.bestEpoch())[2], within(1e-9));
  }
}
