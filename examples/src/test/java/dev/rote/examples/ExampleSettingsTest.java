package dev.rote.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExampleSettingsTest {

  @Test
  void shouldReadEveryOptionAndKeepTheDefaultsOfTheOthers() {
    ExampleSettings s = ExampleSettings.parse("cnn", "--bootstrap-servers", "k:9093", "--run-id", "r1",
        "--label-noise", "0.4", "--epochs", "3", "--data", "/d");

    assertThat(s.bootstrapServers()).isEqualTo("k:9093");
    assertThat(s.runId()).isEqualTo("r1");
    assertThat(s.labelNoise()).isEqualTo(0.4);
    assertThat(s.epochs()).isEqualTo(3);
    assertThat(s.data()).isEqualTo(Path.of("/d"));
    assertThat(s.trainSize()).isEqualTo(ExampleSettings.DEFAULT_TRAIN_SIZE);
    assertThat(s.batchSize()).isEqualTo(ExampleSettings.DEFAULT_BATCH_SIZE);
    assertThat(s.kafkaConfig()).isNull();
    assertThat(ExampleSettings.parse("cnn").runId()).startsWith("cnn-");
  }

  @Test
  void shouldNameTheOptionThatIsWrong() {
    assertThatThrownBy(() -> ExampleSettings.parse("x", "--epochs", "many")).hasMessage(
        "--epochs must be an integer, was 'many'");
    assertThatThrownBy(() -> ExampleSettings.parse("x", "--label-noise", "1.5")).hasMessage(
        "--label-noise must be in [0, 1], was 1.5");
    assertThatThrownBy(() -> ExampleSettings.parse("x", "--speed", "3")).hasMessage("unknown option --speed");
    assertThatThrownBy(() -> ExampleSettings.parse("x", "--run-id")).hasMessage("--run-id needs a value");
    assertThatThrownBy(() -> ExampleSettings.parse("x", "extra")).hasMessage("unexpected argument 'extra'");
  }
}
