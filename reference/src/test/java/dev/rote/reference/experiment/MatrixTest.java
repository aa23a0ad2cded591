package dev.rote.reference.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rote.reference.Architecture;
import dev.rote.reference.Optimization;
import dev.rote.reference.data.NoisyLabels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatrixTest {

  static final String TIMING = """
      timing:
        ms_per_step:
          mlp: {32: 10, 128: 20, 512: 60}
          cnn: {128: 100}
          resnet: {128: 300}
        eval_ms_per_1000: {mlp: 50, cnn: 400, resnet: 900}
      """;

  static final String MATRIX = """
      rules_designed_on: 10,000 examples, MLP, batch 128
      defaults:
        data: /data/fashion
        train_size: 10000
        epochs: 30
        noise:
          symmetric: [0, 0.2, 0.4]
          asymmetric: [0.4]
        seeds: 2
      cells:
        - name: central
          seeds: [1, 2, 3]
        - name: cnn-sgd
          model: cnn
          optimizer: sgd
          batch_size: 512
          noise: [0.4]
          noise_pairs: "0:6,6:0"
          estimate_minutes: 12
      """ + TIMING;

  @Test
  void shouldFillEveryCellFromTheDefaultsAndItsOwnFields() {
    Matrix m = Matrix.parse(MATRIX, "m.yaml");
    assertThat(m.rulesDesignedOn()).isEqualTo("10,000 examples, MLP, batch 128");
    MatrixCell central = m.cells().get(0);
    assertThat(central.name()).isEqualTo("central");
    assertThat(central.data()).isEqualTo(Path.of("/data/fashion"));
    assertThat(central.trainSize()).isEqualTo(10000);
    assertThat(central.testSize()).isZero();
    assertThat(central.batchSize()).isEqualTo(128);
    assertThat(central.model()).isEqualTo(Architecture.MLP);
    assertThat(central.hidden()).containsExactly(512, 512);
    assertThat(central.optimization()).isEqualTo(Optimization.adam());
    assertThat(central.learningRate()).isEqualTo(3e-4);
    assertThat(central.noise()).containsExactly(NoiseCondition.CLEAN,
        new NoiseCondition(NoisyLabels.Mode.SYMMETRIC, 0.2), new NoiseCondition(NoisyLabels.Mode.SYMMETRIC, 0.4),
        new NoiseCondition(NoisyLabels.Mode.ASYMMETRIC, 0.4));
    assertThat(central.seeds()).containsExactly(1L, 2L, 3L);
    assertThat(central.estimateMinutes()).isNull();
    MatrixCell cnn = m.cells().get(1);
    assertThat(cnn.model()).isEqualTo(Architecture.CNN);
    assertThat(cnn.optimization()).isEqualTo(Optimization.defaults(Optimization.Optimizer.SGD));
    assertThat(cnn.learningRate()).isEqualTo(0.05);
    assertThat(cnn.noise()).containsExactly(new NoiseCondition(NoisyLabels.Mode.SYMMETRIC, 0.4));
    assertThat(cnn.noisePairs()).containsExactly(0, 6, 6, 0);
    assertThat(cnn.seeds()).containsExactly(1L, 2L);
    assertThat(cnn.estimateMinutes()).isEqualTo(12.0);
  }

  @Test
  void shouldListEveryRunWithAStableKey() {
    Matrix m = Matrix.parse(MATRIX, "m.yaml");
    assertThat(m.runs()).hasSize(4 * 3 + 2);
    assertThat(m.runs().stream().map(MatrixRun::key).limit(4)).containsExactly("central/clean/seed-1",
        "central/clean/seed-2", "central/clean/seed-3", "central/sym20/seed-1");
    assertThat(m.runs().get(m.runs().size() - 1).key()).isEqualTo("cnn-sgd/sym40/seed-2");
    assertThat(new NoiseCondition(NoisyLabels.Mode.ASYMMETRIC, 0.125).key()).isEqualTo("asym12.5");
  }

  @Test
  void shouldShrinkEveryCellForTheQuickVariantKeepingAnAsymmetricConditionWhereThereIsOne() {
    Matrix q = Matrix.parse(MATRIX, "m.yaml").quick();
    assertThat(q.cells()).allSatisfy(c -> {
      assertThat(c.trainSize()).isEqualTo(Matrix.QUICK_TRAIN_SIZE);
      assertThat(c.testSize()).isEqualTo(Matrix.QUICK_TEST_SIZE);
      assertThat(c.epochs()).isEqualTo(Matrix.QUICK_EPOCHS);
      assertThat(c.runs()).hasSize(1);
    });
    assertThat(q.cells().get(0).noise()).containsExactly(new NoiseCondition(NoisyLabels.Mode.ASYMMETRIC, 0.4));
    assertThat(q.cells().get(1).noise()).containsExactly(new NoiseCondition(NoisyLabels.Mode.SYMMETRIC, 0.4));
  }

  @Test
  void shouldSelectCellsByNameAndNameAnUnknownOne() {
    Matrix m = Matrix.parse(MATRIX, "m.yaml");
    assertThat(m.select(List.of("cnn-sgd")).cells()).extracting(MatrixCell::name).containsExactly("cnn-sgd");
    assertThatThrownBy(() -> m.select(List.of("resnet")))
        .hasMessage("no cell named resnet; the cells are [central, cnn-sgd]");
  }

  @Test
  void shouldEstimateRunsFromTheMeasuredStepTimes() {
    Matrix m = Matrix.parse(MATRIX, "m.yaml");
    StepTimes t = m.timing();
    assertThat(t.msPerStep(Architecture.MLP, 128)).isEqualTo(20.0);
    assertThat(t.msPerStep(Architecture.MLP, 320)).isCloseTo(40.0, within(1e-9));
    assertThat(t.msPerStep(Architecture.MLP, 1024)).isCloseTo(120.0, within(1e-9));
    assertThat(t.msPerStep(Architecture.CNN, 32)).isCloseTo(25.0, within(1e-9));
    // central: 30 epochs x (79 steps x 20 ms + 10,000 x 0.05 ms); baseline: 30 x (71 x 20 + 11,000 x 0.05)
    double rote = 30 * (79 * 20 + 10_000 * 0.05);
    double baseline = 30 * (71 * 20 + 11_000 * 0.05);
    assertThat(t.runMinutes(m.cells().get(0), 0.1)).isCloseTo((rote + baseline) / 60_000, within(1e-9));
    assertThat(t.cellMinutes(m.cells().get(0), 0.1)).isCloseTo(12 * (rote + baseline) / 60_000, within(1e-9));
  }

  @Test
  void shouldNameTheLineAndFieldOfWhatIsWrong() {
    assertThatThrownBy(() -> Matrix.parse("cells:\n  - name: a\n    modle: cnn\n", "m.yaml"))
        .isInstanceOf(MatrixException.class).hasMessageStartingWith("m.yaml line 3: modle: unknown field in a cell");
    assertThatThrownBy(() -> Matrix.parse("cells:\n  - name: a\n    model: vgg\n", "m.yaml"))
        .hasMessage("m.yaml line 3: model: model must be one of mlp|cnn|resnet, was vgg");
    assertThatThrownBy(() -> Matrix.parse("cells:\n  - name: a\n    batch_size: 0\n", "m.yaml"))
        .hasMessage("m.yaml line 3: batch_size: must be an integer >= 1, was 0");
    assertThatThrownBy(() -> Matrix.parse("cells:\n  - name: a\n    epochs: many\n", "m.yaml"))
        .hasMessage("m.yaml line 3: epochs: must be a number, was 'many'");
    assertThatThrownBy(() -> Matrix.parse("cells:\n  - name: a\n  - name: a\n", "m.yaml"))
        .hasMessage("m.yaml line 3: name: duplicate cell name 'a'");
    assertThatThrownBy(() -> Matrix.parse("cells:\n  - name: a\n    noise: {symmetric: [0], asymmetric: [0]}\n",
        "m.yaml")).hasMessage("m.yaml line 3: noise: lists a condition twice (level 0 is clean in either mode)");
    assertThatThrownBy(() -> Matrix.parse("cells:\n  - name: a\n    noise: [1.2]\n", "m.yaml"))
        .hasMessage("m.yaml line 2: cell a: label noise levels must be in [0, 1), was 1.2");
    assertThatThrownBy(() -> Matrix.parse("cells:\n  - train_size: 3\n", "m.yaml"))
        .hasMessage("m.yaml line 2: name: missing: every cell has a name");
    assertThatThrownBy(() -> Matrix.parse("defaults: {}\n", "m.yaml"))
        .hasMessage("m.yaml line 1: cells: must be a list of one or more cells");
    assertThatThrownBy(() -> Matrix.parse("cells: [\n", "m.yaml")).isInstanceOf(MatrixException.class)
        .hasMessageStartingWith("m.yaml line 2: not valid YAML");
    assertThatThrownBy(() -> Matrix.parse("cells:\n  - name: a\ntiming:\n  ms_per_step: {mlp: {128: 2}}\n"
        + "  eval_ms_per_1000: {mlp: 1}\n", "m.yaml"))
        .hasMessage("m.yaml line 4: timing: timing must give ms_per_step and eval_ms_per_1000 for every model "
            + "(mlp|cnn|resnet), lacks cnn");
  }
}
