package dev.rote.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentJsonTest {

  static ExperimentResults results() {
    ExperimentRun stopped = new ExperimentRun(0.4, 7, 812L, 0.8123, 0.8301, 700L, 0.8412, 690, 0.7011, 2340,
        "nmf_depth_rising", 1500L, 0.7799, 0.8412, TestRuns.curve(0.8412),
        List.of(new Point(0, 0.1), new Point(1500, 0.7799)), 0.8123, 0.8355);
    ExperimentRun neverStopped = TestRuns.run(0.0, 8, null, null, 0.98, null, null);
    return new ExperimentResults("rote reproduce --seeds 7,8", "MLP, 10k MNIST, 20 epochs", "16 cores, no GPU",
        "2025-06-01", List.of(stopped, neverStopped));
  }

  @Test
  void shouldRoundTripIncludingNulls(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("out/results.json");
    ExperimentJson.write(results(), file);
    assertThat(ExperimentJson.read(file)).isEqualTo(results());
  }

  @Test
  void shouldWriteSnakeCaseNamesAndExplicitNulls(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("results.json");
    ExperimentJson.write(results(), file);
    JsonNode root = new ObjectMapper().readTree(file.toFile());

    assertThat(names(root)).containsExactlyInAnyOrder("command", "settings", "machine", "date", "runs",
        "rules_designed_on");
    assertThat(root.get("command").asText()).isEqualTo("rote reproduce --seeds 7,8");
    JsonNode run = root.get("runs").get(0);
    assertThat(names(run)).containsExactlyInAnyOrder("label_noise", "seed", "stop_step", "test_acc_at_stop",
        "test_acc_at_restore", "test_acc_at_stop_step", "test_acc_at_restore_average", "restore_step", "best_test_acc", "best_step", "final_test_acc", "final_step",
        "stop_rule", "baseline_stop_step", "baseline_test_acc_at_stop", "baseline_best_test_acc",
        "test_accuracy", "baseline_test_accuracy", "cell", "cell_settings", "noise_mode", "restores", "minutes", "epoch_indicators");
    assertThat(run.get("label_noise").asDouble()).isEqualTo(0.4);
    assertThat(run.get("stop_step").asLong()).isEqualTo(812);
    assertThat(run.get("test_accuracy").get(0).get("step").asLong()).isZero();
    assertThat(names(run.get("test_accuracy").get(0))).containsExactlyInAnyOrder("step", "value");

    JsonNode clean = root.get("runs").get(1);
    for (String nullable : List.of("stop_step", "test_acc_at_stop", "test_acc_at_restore", "restore_step",
        "stop_rule", "baseline_stop_step", "baseline_test_acc_at_stop")) {
      assertThat(clean.has(nullable)).as(nullable).isTrue();
      assertThat(clean.get(nullable).isNull()).as(nullable).isTrue();
    }
    assertThat(clean.get("baseline_test_accuracy").isArray()).isTrue();
  }

  @Test
  void shouldRoundTripMatrixRunsWithTheirRestorePolicies(@TempDir Path dir) throws Exception {
    ExperimentRun run = TestRuns.inCell(TestRuns.run(0.4, 1, 812L, 0.8821, 0.9, 1500L, 0.85), "central",
        "asymmetric", List.of(new ExperimentRun.RestoreResult("average_epochs_3", 0.9, List.of(600L, 700L, 800L))));
    ExperimentResults results = new ExperimentResults("c", "s", "m", "d", List.of(run), "10k MLP");
    Path file = dir.resolve("results.json");
    ExperimentJson.write(results, file);
    assertThat(ExperimentJson.read(file)).isEqualTo(results);
    JsonNode restore = new ObjectMapper().readTree(file.toFile()).get("runs").get(0).get("restores").get(0);
    assertThat(names(restore)).containsExactlyInAnyOrder("policy", "test_acc", "steps");
    JsonNode flipRate = new ObjectMapper().readTree(file.toFile()).get("runs").get(0).get("epoch_indicators").get(0);
    assertThat(names(flipRate)).containsExactlyInAnyOrder("name", "step", "epoch", "value", "standard_error");
    assertThat(ExperimentJson.read(file).runs().get(0).epochIndicators()).hasSize(2)
        .extracting(ExperimentRun.EpochValue::standardError).containsExactly(0.0043, null);
    assertThat(ExperimentJson.read(file).runs().get(0).noiseKey()).isEqualTo("asym40");
  }

  @Test
  void shouldReadResultsWrittenBeforeCellsAndRestorePolicies(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("old.json");
    ExperimentJson.write(results(), file);
    String old = Files.readString(file).replaceAll(",\\s*\"(cell|cell_settings|noise_mode|minutes|rules_designed_on)\" : null", "")
        .replaceAll(",\\s*\"(restores|epoch_indicators)\" : \\[ \\]", "");
    assertThat(old).doesNotContain("\"cell\"").doesNotContain("restores");
    Files.writeString(file, old);
    ExperimentRun read = ExperimentJson.read(file).runs().get(0);
    assertThat(read.cellName()).isEqualTo("default");
    assertThat(read.restores()).isEmpty();
    assertThat(read.epochIndicators()).isEmpty();
    assertThat(read.noiseLabel()).isEqualTo("symmetric 40%");
  }

  @Test
  void shouldRejectInvalidFiles(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("results.json");
    ExperimentJson.write(results(), file);
    String json = Files.readString(file);
    Files.writeString(file, json.replace("\"label_noise\" : 0.4", "\"label_noise\" : 1.4"));
    assertThatThrownBy(() -> ExperimentJson.read(file)).isInstanceOf(IOException.class)
        .hasMessageContaining("labelNoise must be in [0, 1], was 1.4");
    Files.writeString(file, json.replace("\"label_noise\" : 0.4", "\"label_noise\" : null"));
    assertThatThrownBy(() -> ExperimentJson.read(file)).isInstanceOf(IOException.class);
    Files.writeString(file, json.replace("\"label_noise\" : 0.4", "\"labelNoise\" : 0.4"));
    assertThatThrownBy(() -> ExperimentJson.read(file)).isInstanceOf(IOException.class);
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
