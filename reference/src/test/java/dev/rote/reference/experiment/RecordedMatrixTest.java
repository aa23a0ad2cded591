package dev.rote.reference.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rote.reference.Architecture;
import dev.rote.reference.Optimization;
import dev.rote.reference.data.NoisyLabels;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The matrix recorded in {@code docs/matrix.yaml}: what issue 11 asks it to cover, and honest estimates. */
class RecordedMatrixTest {

  static final Matrix MATRIX = Matrix.load(Path.of("..", "docs", "matrix.yaml"));

  @Test
  void shouldVaryEveryFactorIssue11NamesAroundTheCentralCell() {
    List<MatrixCell> cells = MATRIX.cells();
    MatrixCell central = cells.get(0);
    assertThat(central.name()).isEqualTo("central");
    assertThat(central.trainSize()).isEqualTo(10_000);
    assertThat(central.batchSize()).isEqualTo(128);
    assertThat(central.model()).isEqualTo(Architecture.MLP);
    assertThat(central.optimization().optimizer()).isEqualTo(Optimization.Optimizer.ADAM);
    assertThat(central.seeds()).hasSize(3);
    assertThat(central.noise()).containsExactly(NoiseCondition.CLEAN,
        new NoiseCondition(NoisyLabels.Mode.SYMMETRIC, 0.2), new NoiseCondition(NoisyLabels.Mode.SYMMETRIC, 0.4),
        new NoiseCondition(NoisyLabels.Mode.SYMMETRIC, 0.6), new NoiseCondition(NoisyLabels.Mode.ASYMMETRIC, 0.4));
    assertThat(values(cells, MatrixCell::trainSize)).contains(3_000, 10_000, 60_000);
    assertThat(values(cells, MatrixCell::batchSize)).contains(32, 128, 512);
    assertThat(values(cells, MatrixCell::model)).containsExactlyInAnyOrder(Architecture.values());
    assertThat(values(cells, c -> c.optimization().optimizer()))
        .containsExactlyInAnyOrder(Optimization.Optimizer.values());
    // the combination users meet most: all of Fashion-MNIST, a CNN, SGD
    assertThat(cells).anySatisfy(c -> {
      assertThat(c.trainSize()).isEqualTo(60_000);
      assertThat(c.model()).isEqualTo(Architecture.CNN);
      assertThat(c.optimization().optimizer()).isEqualTo(Optimization.Optimizer.SGD);
    });
    // one factor at a time: every other cell differs from the central one in few settings
    for (MatrixCell c : cells.subList(1, cells.size())) {
      assertThat(differences(central, c)).as(c.name()).isBetween(1, 3);
    }
  }

  @Test
  void shouldListEachCellsEstimateAsTheMeasuredStepTimesGiveIt() {
    assertThat(MATRIX.timing()).isNotNull();
    for (MatrixCell c : MATRIX.cells()) {
      double computed = MATRIX.timing().cellMinutes(c, 0.1);
      assertThat(c.estimateMinutes()).as(c.name()).isNotNull();
      assertThat(c.estimateMinutes()).as(c.name()).isCloseTo(computed, within(Math.max(1, 0.02 * computed)));
    }
  }

  @Test
  void shouldRunTheQuickVariantOnSmallCells() {
    assertThat(MATRIX.quick().runs()).hasSize(MATRIX.cells().size());
    assertThat(MATRIX.quick().cells()).allSatisfy(c -> assertThat(c.trainSize()).isLessThanOrEqualTo(500));
  }

  private static <T> Set<T> values(List<MatrixCell> cells, java.util.function.Function<MatrixCell, T> f) {
    return cells.stream().map(f).collect(Collectors.toSet());
  }

  /** Settings in which {@code c} differs from {@code central} (epochs count with the size they go with). */
  private static int differences(MatrixCell central, MatrixCell c) {
    int d = 0;
    d += central.trainSize() != c.trainSize() ? 1 : 0;
    d += central.batchSize() != c.batchSize() ? 1 : 0;
    d += central.model() != c.model() ? 1 : 0;
    d += central.optimization().optimizer() != c.optimization().optimizer() ? 1 : 0;
    return d;
  }
}
