package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.v1.Telemetry;
import dev.rote.replay.Recording;
import dev.rote.report.SuspectsReport;
import dev.rote.report.SuspectsResults;
import dev.rote.report.SuspectsResults.Measure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./rote suspects-experiment --recording FILE} on a real recorded reference run (3,000
 * Fashion-MNIST examples, MLP, 40% symmetric label noise, trained 30 epochs; see the replay
 * module's {@code recordings/README.md}): the suspicion score meets the targets at Rote's
 * stop step and at the end of the recording, where the small-loss ranking has decayed.
 */
class SuspectsExperimentCommandTest {

  static final Path NOISY = Path.of("..", "replay", "src", "test", "resources", "recordings", "mlp-3k-noise40.rec.gz");

  static double auroc(SuspectsResults.Run run, String moment, String statistic) {
    return measure(run, moment, statistic).auroc();
  }

  static Measure measure(SuspectsResults.Run run, String moment, String statistic) {
    return run.measures().stream().filter(m -> m.moment().equals(moment) && m.statistic().equals(statistic))
        .findFirst().orElseThrow(() -> new AssertionError("no " + statistic + " at " + moment));
  }

  @Test
  void shouldFindTheFlippedLabelsOfARecordedRunAtTheStopAndAtTheEnd(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("suspects.json");
    Path page = dir.resolve("SUSPECTS.md");
    RoteCliTest.Run r = RoteCliTest.run("suspects-experiment", "--recording", NOISY.toString(), "--out",
        json.toString(), "--results", page.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("the rules stop it at step");
    SuspectsResults.Run run = SuspectsReport.readJson(json).runs().get(0);
    assertThat(r.out()).contains("run fixture-mlp-3k-noise40 (fashion-mnist)");
    assertThat(run.setting()).isEqualTo("mlp, 3000 examples, symmetric 40%, recorded");
    assertThat(run.flipped()).isEqualTo(1200);
    assertThat(run.stopStep()).isNotNull().isBetween(24L * 5, 24L * 29); // the built-in rules stop it on the way
    assertThat(run.steps()).isEqualTo(720);
    assertThat(measure(run, "stop", "score").step()).isEqualTo(run.stopStep());
    assertThat(measure(run, "end", "score").step()).isEqualTo(720);
    // the target for 40% symmetric noise with the reference MLP, at the stop and still at the end
    assertThat(auroc(run, "stop", "score")).isGreaterThanOrEqualTo(0.95);
    assertThat(auroc(run, "end", "score")).isGreaterThanOrEqualTo(0.95);
    assertThat(measure(run, "stop", "score").precision()).isGreaterThan(0.85);
    // why not the small loss: as the network memorizes the flipped labels their loss falls, their wrong events stay
    assertThat(auroc(run, "end", "last_loss")).isLessThan(auroc(run, "end", "score") - 0.1);
    assertThat(run.measures()).filteredOn(m -> m.moment().equals("epoch") && m.statistic().equals("score"))
        .hasSize(30);
    assertThat(Files.readString(page)).contains("| **score** |").contains("auroc-mlp-3000-examples-symmetric-40-recorded.png");
    assertThat(Files.list(dir.resolve("suspects-plots"))).hasSize(1);
  }

  @Test
  void shouldSayWhenARecordingCarriesNoGroundTruth(@TempDir Path dir) throws Exception {
    Recording full = Recording.read(NOISY);
    List<Telemetry> blind = full.telemetry().stream().limit(60).map(t -> t.hasBatch() ? t.toBuilder()
        .setBatch(t.getBatch().toBuilder().setExamples(t.getBatch().getExamples().toBuilder().clearNoisy())).build()
        : t).toList();
    Path file = dir.resolve("blind.rec.gz");
    new Recording(full.metadata(), blind).write(file, t -> true);

    RoteCliTest.Run r = RoteCliTest.run("suspects-experiment", "--recording", file.toString(), "--out",
        dir.resolve("out.json").toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(file.toString()).contains("carries no ground truth (ExampleColumns.noisy");
  }

  @Test
  void shouldNameAFileThatIsNotARecording(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "not a recording");

    RoteCliTest.Run r = RoteCliTest.run("suspects-experiment", "--recording", file.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(file.toString()).contains("is not a Rote recording");
  }
}
