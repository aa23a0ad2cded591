package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.reference.data.ExampleSelection;
import dev.rote.report.SuspectsReport;
import dev.rote.report.SuspectsResults;
import dev.rote.report.SuspectsResults.Payoff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./rote suspects-experiment --retrain}, small: a noisy run on 600 Fashion-MNIST examples, its
 * export, and the two runs retrained on it, with broker, analyzer and alerting in process. Asserts
 * what the export and the retrained runs are, not that accuracy improves (the experiment's job).
 */
@Tag("integration")
class SuspectsPayoffIntegrationTest {

  @Test
  void shouldRetrainWithoutTheSuspectsAndWithThemRelabeled(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("payoff.json");
    Path page = dir.resolve("PAYOFF.md");

    RoteCliTest.Run r = RoteCliTest.run("suspects-experiment", "--retrain", "--train-size", "600", "--epochs", "3",
        "--hidden", "64,64", "--label-noise", "0.4", "--seeds", "1", "--out", json.toString(), "--results",
        page.toString());

    assertThat(r.code()).as(r.err()).isZero();
    SuspectsResults.Run run = SuspectsReport.readJson(json).runs().get(0);
    Payoff p = run.payoff();
    assertThat(p).isNotNull();
    assertThat(p.rankedAt()).isEqualTo(run.stopStep() == null ? "end" : "stop");
    assertThat(run.flipped()).isEqualTo(240);
    String noisyId = p.noisy().runId();

    // the keep file: every id but the suspects; the relabel file: suspects only, each with its noisy label
    Path exports = dir.resolve("suspects-exports");
    int[] keep = ExampleSelection.readKeepIds(exports.resolve(noisyId + "-keep.txt"), 600);
    Map<Integer, ExampleSelection.Relabel> relabels =
        ExampleSelection.readRelabels(exports.resolve(noisyId + "-relabel.csv"), 600, 10);
    assertThat(keep).hasSize(600 - p.suspects()).isSorted();
    Set<Integer> kept = Arrays.stream(keep).boxed().collect(Collectors.toSet());
    assertThat(relabels.keySet()).hasSize(p.relabeled()).doesNotContainAnyElementsOf(kept);
    assertThat(p.suspects()).isBetween(1, 599);
    assertThat(p.suspectsFlipped()).isBetween(0, p.suspects());

    // what the retrained runs' metadata on rote.runs says they trained on
    assertThat(p.noisy().trainedOn()).isEqualTo("all");
    assertThat(p.noisy().trainSize()).isEqualTo(600);
    assertThat(p.cleaned().trainedOn()).isEqualTo("keep_ids " + exports.resolve(noisyId + "-keep.txt").toAbsolutePath());
    assertThat(p.cleaned().trainSize()).isEqualTo(keep.length);
    assertThat(p.cleaned().idSpace()).isEqualTo(600);
    assertThat(p.relabeledRun().trainedOn()).isEqualTo("relabel "
        + exports.resolve(noisyId + "-relabel.csv").toAbsolutePath() + " (" + p.relabeled() + " relabeled)");
    assertThat(p.relabeledRun().trainSize()).isEqualTo(600);
    // the flipped labels each run trained: the suspects' flips are gone; relabeling fixes some and breaks clean ones
    assertThat(p.noisy().flipped()).isEqualTo(240);
    assertThat(p.cleaned().flipped()).isEqualTo(240 - p.suspectsFlipped());
    assertThat(p.relabeledRun().flipped())
        .isEqualTo(240 - p.relabeledCorrect() + (p.relabeled() - p.relabeledFlipped()));
    // the analyzer's validation accepts the kept examples under their ids in the whole training set
    assertThat(r.out()).contains(noisyId + "-cleaned: the analysis ranks " + keep.length
        + " examples, rejected 0 telemetry records");
    for (SuspectsResults.Accuracy a : new SuspectsResults.Accuracy[] {p.noisy(), p.cleaned(), p.relabeledRun()}) {
      assertThat(a.curve()).hasSize(3);
      assertThat(a.best()).isEqualTo(a.curve().stream().mapToDouble(Double::doubleValue).max().orElseThrow());
      assertThat(a.finalAcc()).isEqualTo(a.curve().get(2));
    }
    assertThat(Files.readString(page)).contains("## Payoff: retraining on the cleaned data")
        .contains("payoff-mlp-600-examples-symmetric-40-seed-1.png");
    assertThat(dir.resolve("suspects-plots").resolve("payoff-mlp-600-examples-symmetric-40-seed-1.png"))
        .isNotEmptyFile();
  }
}
