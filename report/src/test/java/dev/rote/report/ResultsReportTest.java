package dev.rote.report;

import static dev.rote.report.TestRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsReportTest {

  // best = 0.9 throughout: 0.98 * best = 0.882, 0.99 * best = 0.891

  @Test
  void shouldMeetNoisyTargetOnlyNearBestAndNoWorseThanBaseline() {
    assertThat(ResultsReport.targetMet(run(0.4, 1, 812L, 0.8821, 0.9, 1500L, 0.85))).contains(true);
    assertThat(ResultsReport.targetMet(run(0.4, 1, 812L, 0.8819, 0.9, 1500L, 0.85))).contains(false);
    assertThat(ResultsReport.targetMet(run(0.4, 1, 812L, 0.89, 0.9, 1500L, 0.89))).contains(true);
    assertThat(ResultsReport.targetMet(run(0.4, 1, 812L, 0.89, 0.9, 1500L, 0.8901))).contains(false);
    assertThat(ResultsReport.targetMet(run(0.6, 1, 812L, 0.8821, 0.9, 1500L, 0.85))).isEmpty();
    assertThat(ResultsReport.targetMet(run(0.3, 1, 812L, 0.8819, 0.9, 1500L, 0.85))).isEmpty();
  }

  @Test
  void shouldFailNoisyTargetWithoutStopAndCompareWithBaselineFinalWhenBaselineNeverStopped() {
    assertThat(ResultsReport.targetMet(run(0.4, 1, null, null, 0.9, 1500L, 0.85))).contains(false);
    // baseline never stopped and shares the run: it delivers final_test_acc (0.5 in TestRuns)
    assertThat(ResultsReport.targetMet(run(0.4, 1, 812L, 0.8821, 0.9, null, null))).contains(true);
    ExperimentRun ownBaselineCurve = new ExperimentRun(0.4, 1, 812L, 0.8821, null, null, 0.9, 700, 0.5, 2000,
        "r", null, null, 0.9, TestRuns.curve(0.9), List.of(new Point(0, 0.1), new Point(2000, 0.8822)), null, null);
    assertThat(ResultsReport.targetMet(ownBaselineCurve)).contains(false);
  }

  @Test
  void shouldMeetCleanTargetWhenNotStoppingOrStoppingNearBest() {
    assertThat(ResultsReport.targetMet(run(0.0, 1, null, null, 0.9, null, null))).contains(true);
    assertThat(ResultsReport.targetMet(run(0.0, 1, 812L, 0.8911, 0.9, null, null))).contains(true);
    assertThat(ResultsReport.targetMet(run(0.0, 1, 812L, 0.8909, 0.9, null, null))).contains(false);
  }

  @Test
  void shouldHaveNoTargetBetweenCleanAndNoisyLevels() {
    assertThat(ResultsReport.targetMet(run(0.2, 1, 812L, 0.5, 0.9, null, null))).isEmpty();
    assertThat(ResultsReport.targetMet(run(0.29, 1, null, null, 0.9, null, null))).isEmpty();
    assertThat(ResultsReport.targetMet(run(0.01, 1, null, null, 0.9, null, null))).isEqualTo(Optional.empty());
  }

  @Test
  void shouldFormatPerRunAndPerNoiseRows() {
    ExperimentRun met = run(0.4, 1, 812L, 0.8821, 0.9, 1500L, 0.85);
    ExperimentRun missed = run(0.4, 2, 900L, 0.8819, 0.9, 1500L, 0.85);
    assertThat(ResultsReport.runRow(met))
        .isEqualTo("| 40% | 1 | 812 | 0.8821 | 0.8821 | 700 | - | 0.9000 (700) | 0.5000 | 98.0% | 1500 | 0.8500 | 94.4% | yes |");
    assertThat(ResultsReport.runRow(run(0.0, 3, null, null, 0.98, null, null)))
        .isEqualTo("| 0% | 3 | - | - | - | - | - | 0.9800 (700) | 0.5000 | - | - | - | - | yes |");
    assertThat(ResultsReport.summaryRow(0.4, List.of(met, missed)))
        .isEqualTo("| 40% | 2 | 2/2 | 98.0% | - | 2/2 | 94.4% | no (1/2) |");
    assertThat(ResultsReport.summaryRow(0.125, List.of(run(0.125, 1, null, null, 0.9, null, null))))
        .isEqualTo("| 12.5% | 1 | 0/1 | - | - | 0/1 | - | - |");
  }

  @Test
  void shouldWriteMarkdownWithTablesAndLinkedPngPlots(@TempDir Path dir) throws Exception {
    ExperimentResults results = new ExperimentResults("rote reproduce --noise 0,0.4", "MLP,\n20 epochs",
        "16 cores", "2025-06-01", List.of(run(0.4, 2, 900L, 0.8819, 0.9, 1500L, 0.85),
            run(0.0, 1, null, null, 0.98, null, null), run(0.4, 1, 812L, 0.8821, 0.9, 1500L, 0.85)));
    Path md = dir.resolve("docs/RESULTS.md");
    ResultsReport.write(results, md, dir.resolve("docs/plots"));
    String page = Files.readString(md);

    assertThat(page).contains("~~~\nrote reproduce --noise 0,0.4\n~~~").contains("- **Settings:** MLP, 20 epochs")
        .contains("| 0% | 1 | 0/1 | - | - | 0/1 | - | yes (1/1) |")
        .contains("| 40% | 2 | 2/2 | 98.0% | - | 2/2 | 94.4% | no (1/2) |")
        .contains("![Clean test accuracy at 0% label noise](plots/test-accuracy-noise-0.png)")
        .contains("![Clean test accuracy at 40% label noise](plots/test-accuracy-noise-40.png)");
    // rows grouped by noise level, seeds ascending
    assertThat(page.indexOf("| 0% | 1 | - |")).isLessThan(page.indexOf("| 40% | 1 | 812 |"));
    assertThat(page.indexOf("| 40% | 1 | 812 |")).isLessThan(page.indexOf("| 40% | 2 | 900 |"));
    for (String name : List.of("test-accuracy-noise-0.png", "test-accuracy-noise-40.png")) {
      BufferedImage image = ImageIO.read(dir.resolve("docs/plots").resolve(name).toFile());
      assertThat(image).as(name).isNotNull();
      assertThat(image.getWidth()).isEqualTo(900);
    }
  }

  @Test
  void shouldLinkPlotsOutsideTheMarkdownFolderRelatively(@TempDir Path dir) throws Exception {
    ExperimentResults results = new ExperimentResults("c", "s", "m", "d",
        List.of(run(0.125, 1, null, null, 0.9, null, null)));
    ResultsReport.write(results, dir.resolve("docs/RESULTS.md"), dir.resolve("out/plots"));
    assertThat(Files.readString(dir.resolve("docs/RESULTS.md")))
        .contains("](../out/plots/test-accuracy-noise-12.5.png)");
    assertThat(dir.resolve("out/plots/test-accuracy-noise-12.5.png")).isNotEmptyFile();
  }
}
