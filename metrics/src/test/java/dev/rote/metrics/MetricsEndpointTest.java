package dev.rote.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

  @Test
  void shouldServeTheRegistryWithJvmMetersAndTheServiceTag() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (MetricsEndpoint endpoint = new MetricsEndpoint("test-service", port)) {
      Counter.builder("rote.test.records").register(endpoint.registry()).increment();
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body())
          .contains("rote_test_records_total{service=\"test-service\"} 1.0")
          .contains("jvm_memory_used_bytes")
          .contains("process_uptime_seconds");
    }
  }

  @Test
  void shouldKeepMetersWithoutServingThemWhenThePortIsZero() {
    try (MetricsEndpoint endpoint = new MetricsEndpoint("quiet", 0)) {
      assertThat(endpoint.registry().scrape()).contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void shouldNameTheOptionWhenThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      assertThatThrownBy(() -> new MetricsEndpoint("clash", taken.getLocalPort()))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("cannot serve metrics on port " + taken.getLocalPort() + " (--metrics-port)");
    }
  }
}
