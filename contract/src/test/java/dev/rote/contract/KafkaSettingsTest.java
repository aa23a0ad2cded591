package dev.rote.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {

  @Test
  void shouldPassFilePropertiesThroughAndAddDefaultsOnlyWhereUnset(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nacks=1\n"
        + "bootstrap.servers=file:9092\n");
    KafkaSettings s = KafkaSettings.load(null, file);
    assertThat(s.bootstrapServers()).isEqualTo("file:9092");
    Map<String, Object> merged = s.with(Map.of("acks", "all", "linger.ms", "5"));
    assertThat(merged).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("acks", "1").containsEntry("linger.ms", "5");
    assertThat(KafkaSettings.load("cli:9092", file).bootstrapServers()).isEqualTo("cli:9092");
    assertThat(KafkaSettings.load(null, null).bootstrapServers()).isEqualTo(KafkaSettings.DEFAULT_BOOTSTRAP);
  }

  @Test
  void shouldNameAnUnreadablePropertiesFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> KafkaSettings.load(null, missing)).hasMessageContaining(missing.toString());
  }

  @Test
  void shouldRetainRunDataAndCompactRunMetadata() {
    TopicProvisioner p = new TopicProvisioner(3, Duration.ofDays(2));
    assertThat(p.configsOf(Topics.TELEMETRY)).containsEntry("retention.ms", "172800000")
        .containsEntry("cleanup.policy", "delete").containsEntry("max.message.bytes", "33554432");
    assertThat(p.configsOf(Topics.RUNS)).containsEntry("cleanup.policy", "compact").doesNotContainKey("retention.ms");
    assertThat(new TopicProvisioner(3, null).configsOf(Topics.CONTROL)).containsEntry("retention.ms", "-1");
    assertThatThrownBy(() -> new TopicProvisioner(0, null)).hasMessage("partitions must be >= 1, was 0");
  }
}
