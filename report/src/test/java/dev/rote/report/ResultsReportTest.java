package dev.rote.report;

import static dev.rote.report.TestRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsReportTest {

  // best = 0.9 throughout: 0.98 * best = 0.882, 0.99 * best = 0.891

  static final List<ExperimentRun.RestoreResult> POLICIES = List.of(
      new ExperimentRun.RestoreResult("closest", 0.8821, List.of(700L)),
      new ExperimentRun.RestoreResult("average_epochs_3", 0.9, List.of(600L, 700L, 800L)));

  // A run without a baseline of its own (TestRuns' baseline shares the run) delivers its final accuracy, 0.5.

  @Test
  void shouldFormatPerRunRowsAgainstTheFullRunsBest() {
    ExperimentRun met = run(0.4, 1, 812L, 0.8821, 0.9, 1500L, 0.85);
    assertThat(ResultsReport.runRow(met)).isEqualTo("| symmetric 40% | 1 | 812 | 700 | 0.8821 | 0.8821 | 0.9000 (700) "
        + "| 0.5000 | 98.0% | 1500 | 0.8500 | 94.4% | yes |");
    // a clean run Rote never stopped is on target, whatever its last epoch scored (the row still shows 51%)
    assertThat(ResultsReport.runRow(run(0.0, 3, null, null, 0.98, null, null)))
        .isEqualTo("| clean | 3 | - | - | 0.5000 | - | 0.9800 (700) | 0.5000 | 51.0% | - | 0.5000 | 51.0% | yes |");
    assertThat(ResultsReport.runRow(run(0.0, 4, 812L, 0.96, 0.98, null, null))).endsWith("| no |");
  }

  @Test
  void shouldSummarizeANoiseConditionWithItsVerdict() {
    ExperimentRun met = run(0.4, 1, 812L, 0.8821, 0.9, 1500L, 0.85);
    ExperimentRun missed = run(0.4, 2, 900L, 0.8819, 0.9, 1500L, 0.85);
    assertThat(ResultsReport.summaryRow(List.of(met, missed)))
        .isEqualTo("| symmetric 40% | 2 | 2/2 | 98.0% | 98.0% | 2/2 | 94.4% | 1/2 | no |");
    assertThat(ResultsReport.summaryRow(List.of(run(0.125, 1, null, null, 0.9, null, null))))
        .isEqualTo("| symmetric 12.5% | 1 | 0/1 | 55.6% | - | 0/1 | 55.6% | - | - |");
  }

  @Test
  void shouldWriteVerdictsRestorePoliciesAndACellSectionWithPlotsPerNoiseCondition(@TempDir Path dir)
      throws Exception {
    ExperimentRun sym = TestRuns.inCell(run(0.4, 1, 812L, 0.8821, 0.9, 1500L, 0.85), "central", "symmetric", POLICIES);
    ExperimentRun asym = TestRuns.inCell(run(0.4, 1, 812L, 0.89, 0.9, 1500L, 0.85), "central", "asymmetric",
        POLICIES);
    ExperimentRun clean = TestRuns.inCell(run(0.0, 1, null, null, 0.5, null, null), "cnn", "none", List.of());
    ExperimentResults results = new ExperimentResults("./rote experiment --matrix m.yaml", "matrix m.yaml",
        "2 cores", "2026-12-01", List.of(sym, asym, clean), "10,000 Fashion-MNIST examples, MLP, batch 128");
    Path md = dir.resolve("docs/RESULTS.md");
    ResultsReport.write(results, md, dir.resolve("docs/results-plots"));
    String page = Files.readString(md);

    assertThat(page).contains("- **Rules designed on:** 10,000 Fashion-MNIST examples, MLP, batch 128")
        .contains("| `central` | setting of central | 2 | - | 2/2 | 98.4% | 94.4% | yes |")
        .contains("| `cnn` | setting of cnn | 1 | 1/1 | - | - | - | yes |")
        .contains("| cell | noise | Rote stopped | at stop step | `closest` | `average_epochs_3` | baseline |")
        .contains("| `central` | asymmetric 40% | 1/1 | 98.9% (1/1) | 98.0% (1/1) | 100.0% (1/1) | 94.4% (0/1) |")
        .contains("## Cell `central`\n\nsetting of central")
        .contains("![Share of the best accuracy kept, per cell](results-plots/overview.png)")
        .contains("![Clean test accuracy, central, asymmetric 40%](results-plots/central-asym40.png)")
        .contains("![Clean test accuracy, central, symmetric 40%](results-plots/central-sym40.png)")
        .contains("![Clean test accuracy, cnn, clean](results-plots/cnn-clean.png)");
    // cells in the order they ran; symmetric before asymmetric within a cell
    assertThat(page.indexOf("## Cell `central`")).isLessThan(page.indexOf("## Cell `cnn`"));
    assertThat(page.indexOf("| symmetric 40% | 1 | 812")).isLessThan(page.indexOf("| asymmetric 40% | 1 | 812"));
    for (String name : List.of("overview.png", "central-asym40.png", "central-sym40.png", "cnn-clean.png")) {
      BufferedImage image = ImageIO.read(dir.resolve("docs/results-plots").resolve(name).toFile());
      assertThat(image).as(name).isNotNull();
      assertThat(image.getWidth()).isEqualTo(900);
    }
  }

  @Test
  void shouldSayWhenTheResultsDoNotStateWhatTheRulesWereDesignedOn(@TempDir Path dir) throws Exception {
    ExperimentResults results = new ExperimentResults("c", "s", "m", "d",
        List.of(run(0.125, 1, null, null, 0.9, null, null)));
    ResultsReport.write(results, dir.resolve("docs/RESULTS.md"), dir.resolve("out/plots"));
    String page = Files.readString(dir.resolve("docs/RESULTS.md"));
    assertThat(page).contains("- **Rules designed on:** _not stated (set `rules_designed_on` in the matrix file)_")
        .contains("## Cell `default`").contains("No run was stopped.")
        .contains("](../out/plots/default-sym12.5.png)");
    assertThat(dir.resolve("out/plots/default-sym12.5.png")).isNotEmptyFile();
  }
}
