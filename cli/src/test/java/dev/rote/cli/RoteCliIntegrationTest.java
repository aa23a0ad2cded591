package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class RoteCliIntegrationTest {

  @Test
  void shouldTrainListTheRunAndAcceptAManualStop() {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String bs = broker.bootstrapServers();
      RoteCliTest.Run train = RoteCliTest.run("train", "--bootstrap-servers", bs, "--train-size", "512",
          "--epochs", "2", "--hidden", "32", "--run-id", "cli-it", "--label-noise", "0.2");
      assertThat(train.code()).as(train.err()).isZero();
      assertThat(train.out()).contains("epoch   2/2").contains("run cli-it completed after 8 steps")
          .contains("telemetry sent");

      RoteCliTest.Run stop = RoteCliTest.run("stop", "cli-other", "--bootstrap-servers", bs, "--reason", "by hand");
      assertThat(stop.code()).as(stop.err()).isZero();
      assertThat(stop.out()).contains("stop signal").contains("cli-other");

      RoteCliTest.Run runs = RoteCliTest.run("runs", "--bootstrap-servers", bs);
      assertThat(runs.code()).as(runs.err()).isZero();
      assertThat(runs.out()).contains("cli-it").contains("completed").contains("symmetric 0.2");
    }
  }
}
