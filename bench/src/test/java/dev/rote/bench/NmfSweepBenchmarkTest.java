package dev.rote.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NmfSweepBenchmarkTest {

  @Test
  void shouldReportTheSweepBesideTheGemmCeiling() {
    String report = NmfSweepBenchmark.report(16, 24, new int[] {1, 2, 4}, 2, 0);
    assertThat(report).startsWith("NMF sweep k=[1, 2, 4] on a 16x24 ReLU-like probe (")
        .contains("| measure | median |\n|---|---|\n", "| sweep time | ", " ms |", "| sweep throughput | ",
            "| GEMM ceiling (ND4J/OpenBLAS sgemm 512^3, same run) | ", "| sweep / ceiling | ")
        .doesNotContain("NaN", "Infinity");
  }

  @Test
  void shouldRejectNoRepeats() {
    assertThatThrownBy(() -> NmfSweepBenchmark.report(4, 4, new int[] {1}, 0, 0))
        .hasMessage("repeats must be >= 1, was 0");
  }

  @Test
  void shouldShapeProbesLikeReluActivations() {
    float[] a = SyntheticData.reluLike(64, 64, 1);
    long zeros = 0;
    for (float v : a) {
      assertThat(v).isBetween(0f, 1f);
      zeros += v == 0 ? 1 : 0;
    }
    assertThat(zeros).isBetween(1900L, 2200L);
    assertThat(SyntheticData.reluLike(64, 64, 1)).isEqualTo(a);
  }
}
