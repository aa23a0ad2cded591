package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop through the command line on real parts: embedded broker, analyzer, alerting and the
 * reference trainer on Fashion-MNIST. Rules with a short patience make the small runs stop.
 */
@Tag("integration")
class FullLoopIntegrationTest {

  static final String FAST_RULES = """
      rules:
        - name: memorization_onset
          monitor: prediction_flip_rate
          patience: 3
        - name: gap_watch
          monitor: train_loss
          patience: 2
          action: warn
      """;

  @Test
  void shouldStopTheDemoRunRestoreTheCheckpointAndWriteTheReport(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, FAST_RULES);
    RoteCliTest.Run demo = RoteCliTest.run("demo", "--rules", rules.toString(), "--train-size", "2000",
        "--epochs", "16", "--hidden", "128,128", "--learning-rate", "0.001", "--run-id", "demo-it",
        "--out", dir.resolve("out").toString());
    assertThat(demo.code()).as(demo.err()).isZero();
    assertThat(demo.out())
        .contains(">> stop signal demo-it/memorization_onset from rule memorization_onset received")
        .contains("stopped by Rote after step")
        .contains("<- the model you keep")
        .contains("training to the end would have reached")
        .contains("(full run) epoch  16/16");
    Path report = dir.resolve("out/report.html");
    String html = Files.readString(report);
    assertThat(html).contains("stop signal (step").contains("restored checkpoint (step").contains("memorization_onset")
        .contains("data:image/png;base64,");
    // the top suspect labels as thumbnails, from the analyzer's last ranking on rote.suspects
    assertThat(html).contains("<h2>Suspect labels</h2>").contains("(label flipped)")
        .containsPattern("<figcaption>#\\d+: \\d [A-Za-z/ -]+ → \\d [A-Za-z/ -]+, score 0\\.\\d{3}");
    assertThat(dir.resolve("out/model.zip")).isNotEmptyFile();
  }

  @Test
  void shouldRunTheQuickExperimentAndWriteJsonAndResults(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, FAST_RULES);
    Path json = dir.resolve("exp.json");
    RoteCliTest.Run exp = RoteCliTest.run("experiment", "--quick", "--rules", rules.toString(), "--epochs", "16",
        "--learning-rate", "0.001", "--label-noise", "0,0.4", "--out", json.toString(), "--results",
        dir.resolve("RESULTS.md").toString());
    assertThat(exp.code()).as(exp.err()).isZero();
    JsonNode runs = new ObjectMapper().readTree(json.toFile()).get("runs");
    assertThat(runs).hasSize(2);
    for (JsonNode run : runs) {
      assertThat(run.get("best_test_acc").asDouble()).isBetween(0.3, 1.0);
      assertThat(run.get("test_accuracy")).hasSize(16);
      assertThat(run.get("final_step").asLong()).isEqualTo(256);
      assertThat(run.get("baseline_stop_step").isNull() || run.get("baseline_stop_step").asLong() > 0)
          .as("the baseline's stop, or null when it ran to the epoch limit").isTrue();
      assertThat(run.get("baseline_test_accuracy")).isNotEmpty();
      if (!run.get("stop_step").isNull()) {
        // observe-only: the run went on to the end; the stop was recorded with its accuracies
        assertThat(run.get("stop_step").asLong()).isLessThan(256);
        assertThat(run.get("test_acc_at_stop_step").asDouble()).isBetween(0.3, 1.0);
        assertThat(run.get("stop_rule").asText()).isEqualTo("memorization_onset");
      }
    }
    assertThat(runs.get(1).get("label_noise").asDouble()).isEqualTo(0.4);
    assertThat(runs.get(1).get("stop_step").isNull()).as("the 40%% run stops").isFalse();
    assertThat(Files.readString(dir.resolve("RESULTS.md"))).contains("| symmetric 40% | 1 |");
    assertThat(dir.resolve("results-plots/default-sym40.png")).isNotEmptyFile();
  }
}
