package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.report.ExperimentJson;
import dev.rote.report.ExperimentResults;
import dev.rote.report.ExperimentRun;
import dev.rote.report.Point;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment command's matrix handling that runs no training: plans, refusals, resume checks, estimates. */
class ExperimentCommandTest {

  static final String MATRIX = ExperimentMatrixIntegrationTest.MATRIX;

  @Test
  void shouldPlanTheRecordedMatrixWithEstimatesWithoutTraining() {
    RoteCliTest.Run r = RoteCliTest.run("experiment", "--matrix", MATRIX, "--plan");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("central\\s+15 runs\\s+~56 min \\(listed: 56 min\\)")
        .contains("full-cnn-sgd").containsPattern("11 cells, 65 runs, about \\d+ h \\d\\d min in all");
  }

  @Test
  void shouldRefuseSingleSettingOptionsWithAMatrix() {
    RoteCliTest.Run r = RoteCliTest.run("experiment", "--matrix", MATRIX, "--epochs", "5", "--model", "cnn");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--epochs, --model: with --matrix every cell's setting comes from the matrix file");
    RoteCliTest.Run cells = RoteCliTest.run("experiment", "--cells", "central");
    assertThat(cells.code()).isEqualTo(2);
    assertThat(cells.err()).contains("--cells needs --matrix");
  }

  @Test
  void shouldNameTheLineOfABadMatrixFileAndAnUnknownCell(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "cells:\n  - name: a\n    optimizer: rmsprop\n");
    RoteCliTest.Run r = RoteCliTest.run("experiment", "--matrix", bad.toString(), "--plan");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(bad + " line 3: optimizer: optimizer must be one of adam|sgd, was rmsprop");
    RoteCliTest.Run unknown = RoteCliTest.run("experiment", "--matrix", MATRIX, "--cells", "vgg", "--plan");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("no cell named vgg; the cells are [central, train-3k,");
  }

  @Test
  void shouldRefuseToResumeACellRecordedWithOtherSettings(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("m.json");
    ExperimentRun recorded = new ExperimentRun(0.4, 1, null, null, null, null, 0.8, 100, 0.7, 200, null, null,
        null, null, List.of(new Point(100, 0.8)), List.of(), null, null, "central",
        "3000 training examples, something else", "symmetric", List.of(), 1.0, List.of());
    ExperimentJson.write(new ExperimentResults("c", "s", "m", "d", List.of(recorded)), json);
    RoteCliTest.Run r = RoteCliTest.run("experiment", "--matrix", MATRIX, "--cells", "central", "--resume",
        "--out", json.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("cell central in " + json + " was recorded with other settings")
        .contains("recorded: 3000 training examples, something else")
        .contains("now:      10000 training examples (all test examples), batch 128, 30 epochs, MLP [512, 512]");
  }

  @Test
  void shouldEstimateTheTimeLeftFromTheRunsFinishedAgainstTheirEstimates() {
    assertThat(MatrixExperiment.eta(0, 0, 90, 0, 3)).isEqualTo(" (0 min elapsed, about 1 h 30 min left)");
    // the finished runs took twice their estimate: so will the rest
    assertThat(MatrixExperiment.eta(20, 10, 90, 1, 9)).isEqualTo(" (20 min elapsed, about 3 h 00 min left)");
    assertThat(MatrixExperiment.eta(20, Double.NaN, Double.NaN, 2, 3)).isEqualTo(" (20 min elapsed, about 30 min left)");
    assertThat(MatrixExperiment.eta(0, Double.NaN, Double.NaN, 0, 3)).isEmpty();
  }
}
