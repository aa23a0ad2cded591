package dev.rote.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KafkaOptionsTest {

  @Test
  void shouldParseRetentions() {
    assertThat(KafkaOptions.parseRetention("7d")).hasDays(7);
    assertThat(KafkaOptions.parseRetention("12h")).hasHours(12);
    assertThat(KafkaOptions.parseRetention("forever")).isNull();
    assertThatThrownBy(() -> KafkaOptions.parseRetention("7 weeks")).hasMessageContaining("--retention");
  }
}
