package dev.rote.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.KafkaSettings;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class AlertingServiceTest {

  @Test
  void shouldCommitOftenLingerLittleAndLeaveSignalsUncompressedOnTopOfTheSharedDefaults() {
    var p = AlertingService.streamsConfig(KafkaSettings.of("k:9092"), "rote-alerting", null, "rote-alerting-h-1-0");
    assertThat(p).containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50)
        .containsEntry(StreamsConfig.producerPrefix("linger.ms"), 2)
        .containsEntry(StreamsConfig.producerPrefix("compression.type"), "none")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "rote-alerting")
        .containsEntry("group.instance.id", "rote-alerting-h-1-0");
  }
}
