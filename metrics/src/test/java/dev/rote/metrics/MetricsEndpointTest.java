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
          .hasMessageContaining("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + " (--metrics-host, --metrics-port)");
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (authorization != null) {
      b.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
          authorization.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldListenOnTheLoopbackInterfaceOnlyByDefault() throws Exception {
    int port = freePort();
    try (MetricsEndpoint endpoint = new MetricsEndpoint("local", port)) {
      assertThat(get("http://127.0.0.1:" + port + "/metrics", null).statusCode()).isEqualTo(200);
      java.net.InetAddress other = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
          .stream().flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
          .filter(a -> !a.isLoopbackAddress() && a instanceof java.net.Inet4Address).findFirst().orElse(null);
      org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "no non-loopback IPv4 interface here");
      assertThatThrownBy(() -> get("http://" + other.getHostAddress() + ":" + port + "/metrics", null))
          .isInstanceOf(java.net.ConnectException.class);
    }
  }

  @Test
  void shouldAskForBasicAuthWhenGivenCredentials(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path passwordFile = dir.resolve("metrics.password");
    java.nio.file.Files.writeString(passwordFile, "s3cret\n");
    int port = freePort();
    MetricsEndpoint.Address address = new MetricsEndpoint.Address("127.0.0.1", port,
        MetricsEndpoint.Credentials.fromFile("prometheus", passwordFile));
    try (MetricsEndpoint endpoint = new MetricsEndpoint("guarded", address)) {
      String url = address.url();
      assertThat(get(url, null).statusCode()).isEqualTo(401);
      assertThat(get(url, null).headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h).startsWith("Basic realm=\"rote metrics\""));
      assertThat(get(url, "prometheus:wrong").statusCode()).isEqualTo(401);
      assertThat(get(url, "someone:s3cret").statusCode()).isEqualTo(401);
      HttpResponse<String> ok = get(url, "prometheus:s3cret");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void shouldRefuseAnEmptyPasswordFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path empty = java.nio.file.Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(() -> MetricsEndpoint.Credentials.fromFile("prometheus", empty))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the metrics password file " + empty + " is empty");
  }
}
