package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.KafkaSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class RoteTelemetryEndpointTest {

  @Test
  void shouldServeTrainerJvmAndKafkaClientMetricsOnItsOwnEndpoint() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // No broker at this address: nothing blocks, and the meters exist all the same.
    try (RoteTelemetry rote = RoteTelemetry.startWithEndpoint(TelemetryConfig.defaults("metrics-run"),
        KafkaSettings.of("127.0.0.1:1"), port)) {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(body)
          .contains("rote_trainer_telemetry_records_sent_total{run=\"metrics-run\",service=\"trainer\"}")
          .contains("rote_trainer_step{run=\"metrics-run\",service=\"trainer\"}")
          .contains("jvm_memory_used_bytes")
          .contains("kafka_producer_")
          .contains("kafka_consumer_");
    }
  }
}
