package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorded matrix's quick variant through the command line on real parts (embedded broker, analyzer,
 * alerting, the reference trainer on Fashion-MNIST, the baseline): one cell per model, with asymmetric
 * noise where the cell has it; then resumed, which runs nothing again.
 */
@Tag("integration")
class ExperimentMatrixIntegrationTest {

  static final String MATRIX = Path.of("..", "docs", "matrix.yaml").toString();

  @Test
  void shouldRunTheQuickMatrixPerCellAndResumeWithoutRunningAgain(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("matrix.json");
    Path page = dir.resolve("RESULTS.md");
    RoteCliTest.Run first = RoteCliTest.run("experiment", "--matrix", MATRIX, "--quick", "--cells",
        "central,cnn-sgd,resnet-sgd", "--out", json.toString(), "--results", page.toString());
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("[1/3] central, asymmetric 40%, seed 1").contains("[3/3] resnet-sgd")
        .containsPattern("\\[2/3\\] cnn-sgd, asymmetric 40%, seed 1 \\(\\d+ min elapsed, about \\d+ min left\\)")
        .contains("cell central: ");

    JsonNode root = new ObjectMapper().readTree(json.toFile());
    JsonNode runs = root.get("runs");
    assertThat(runs).hasSize(3);
    List<String> cells = new ArrayList<>();
    for (JsonNode run : runs) {
      cells.add(run.get("cell").asText());
      assertThat(run.get("noise_mode").asText()).isEqualTo("asymmetric");
      assertThat(run.get("label_noise").asDouble()).isEqualTo(0.4);
      assertThat(run.get("test_accuracy")).hasSize(2);
      assertThat(run.get("best_test_acc").asDouble()).isBetween(0.1, 1.0);
      assertThat(run.get("baseline_test_acc_at_stop").asDouble()).isBetween(0.0, 1.0);
      assertThat(run.get("cell_settings").asText()).contains("500 training examples (500 test examples)");
      assertThat(run.get("minutes").asDouble()).isPositive();
      // the epoch-level series the built-in rule read, as committed: one train accuracy per pass, a flip
      // rate with its binomial standard error from the second pass on, at the pass's last step
      List<JsonNode> accuracy = new ArrayList<>();
      List<JsonNode> flipRate = new ArrayList<>();
      run.get("epoch_indicators").forEach(v -> (switch (v.get("name").asText()) {
        case "epoch_train_accuracy" -> accuracy;
        case "epoch_prediction_flip_rate" -> flipRate;
        default -> new ArrayList<JsonNode>();
      }).add(v));
      assertThat(accuracy).hasSize(2);
      assertThat(flipRate).hasSize(1);
      double p = flipRate.get(0).get("value").asDouble();
      assertThat(p).isBetween(0.0, 1.0);
      assertThat(flipRate.get(0).get("standard_error").asDouble()).isCloseTo(Math.sqrt(p * (1 - p) / 500),
          org.assertj.core.data.Offset.offset(1e-9));
      assertThat(flipRate.get(0).get("step").asLong()).isEqualTo(run.get("final_step").asLong());
    }
    assertThat(cells).containsExactly("central", "cnn-sgd", "resnet-sgd");
    assertThat(runs.get(1).get("cell_settings").asText()).contains("CNN, sgd (Nesterov 0.9) 0.05, cosine schedule");
    assertThat(runs.get(2).get("cell_settings").asText()).contains("RESNET");
    assertThat(root.get("rules_designed_on").isNull()).isFalse();

    String results = Files.readString(page);
    assertThat(results).contains("## Verdicts per cell").contains("## Cell `resnet-sgd`")
        .contains("| asymmetric 40% | 1 |");
    assertThat(dir.resolve("results-plots/overview.png")).isNotEmptyFile();
    assertThat(dir.resolve("results-plots/cnn-sgd-asym40.png")).isNotEmptyFile();

    RoteCliTest.Run again = RoteCliTest.run("experiment", "--matrix", MATRIX, "--quick", "--cells",
        "central,cnn-sgd,resnet-sgd", "--out", json.toString(), "--resume");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("resuming: 3 of 3 runs already recorded").doesNotContain("[1/3]");
    assertThat(new ObjectMapper().readTree(json.toFile()).get("runs")).hasSize(3);
  }
}
