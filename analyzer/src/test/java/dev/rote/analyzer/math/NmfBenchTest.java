package dev.rote.analyzer.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NmfBenchTest {

  @Test
  void shouldReportTheSweepBesideTheGemmCeiling() {
    String report = NmfBench.run(16, 24, new int[] {1, 2, 4}, 2);
    assertThat(report).contains("16x24", "| sweep time |", "| sweep throughput |", "| plain-Java sgemm 512^3",
        "| sweep / sgemm |");
  }

  @Test
  void shouldMultiplySquareMatricesLikeTheTripleLoop() {
    float[][] x = NmfKernelsTest.random(512, 512, new java.util.SplittableRandom(1));
    float[][] y = NmfKernelsTest.random(512, 512, new java.util.SplittableRandom(2));
    float[][] z = new float[512][512];
    NmfBench.gemm(x, y, z);
    for (int[] ij : new int[][] {{0, 0}, {511, 511}, {3, 400}, {257, 1}}) {
      double expected = 0;
      for (int p = 0; p < 512; p++) {
        expected += (double) x[ij[0]][p] * y[p][ij[1]];
      }
      assertThat((double) z[ij[0]][ij[1]]).isCloseTo(expected, within(1e-5 * expected));
    }
  }

  @Test
  void shouldRejectNoRepeats() {
    assertThatThrownBy(() -> NmfBench.run(4, 4, new int[] {1}, 0)).hasMessage("repeats must be >= 1, was 0");
  }
}
