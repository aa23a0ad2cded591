package dev.rote.metrics;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A Prometheus registry with Micrometer's JVM binders, served at {@code http://HOST:PORT/metrics}
 * when a port is given: the default registry of a trainer that brings none
 * (the trainer library's {@code RoteTelemetry.startWithEndpoint}), and the registry of every Rote service.
 *
 * <p>The endpoint listens on 127.0.0.1 unless an {@link Address} names another host, and asks for
 * HTTP basic auth when the address carries {@link Credentials} (what Prometheus sends with a scrape
 * config's {@code basic_auth}).
 */
public final class MetricsEndpoint implements AutoCloseable {

  /** Where the endpoint listens by default: the loopback interface only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /**
   * The user and password a scrape must present (HTTP basic auth).
   *
   * @param user the user name
   * @param password the password
   */
  public record Credentials(String user, String password) {

    public Credentials {
      if (user == null || user.isEmpty() || user.contains(":")) {
        throw new IllegalArgumentException("metrics user must be non-empty without ':', was '" + user + "'");
      }
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException("metrics password must be non-empty");
      }
    }

    /**
     * Credentials with the password on the first line of {@code passwordFile}, the file Prometheus
     * reads as {@code basic_auth.password_file}.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or is empty
     */
    public static Credentials fromFile(String user, Path passwordFile) {
      String password;
      try {
        password = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the metrics password file " + passwordFile + ": "
            + e.getMessage(), e);
      }
      if (password.isEmpty()) {
        throw new IllegalArgumentException("the metrics password file " + passwordFile + " is empty");
      }
      return new Credentials(user, password);
    }

    boolean matches(String u, String p) {
      return MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), u.getBytes(StandardCharsets.UTF_8))
          & MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), p.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Credentials[user=" + user + ", password=***]";
    }
  }

  /**
   * Where and how the endpoint serves.
   *
   * @param host the interface to listen on ({@code 0.0.0.0} for all)
   * @param port 0 or negative for no HTTP endpoint (meters are still kept)
   * @param credentials what a scrape must present, or {@code null} for no authentication
   */
  public record Address(String host, int port, Credentials credentials) {

    /** On 127.0.0.1 without authentication. */
    public static Address local(int port) {
      return new Address(DEFAULT_HOST, port, null);
    }

    /** {@code http://host:port/metrics}, with 127.0.0.1 for a wildcard host. */
    public String url() {
      String h = host.equals("0.0.0.0") || host.equals("::") ? DEFAULT_HOST : host;
      return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port + "/metrics";
    }
  }

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final HttpServer server;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /**
   * Serves on 127.0.0.1 without authentication.
   *
   * @param port 0 or negative for no HTTP endpoint (meters are still kept)
   */
  public MetricsEndpoint(String service, int port) {
    this(service, Address.local(port));
  }

  public MetricsEndpoint(String service, Address address) {
    registry.config().commonTags("service", service);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    if (address.port() > 0) {
      try {
        server = HttpServer.create(new InetSocketAddress(address.host(), address.port()), 0);
      } catch (IOException e) {
        gc.close();
        throw new UncheckedIOException("cannot serve metrics on " + address.host() + ":" + address.port()
            + " (--metrics-host, --metrics-port): " + e.getMessage(), e);
      }
      HttpContext context = server.createContext("/metrics", exchange -> {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(body);
        }
      });
      Credentials credentials = address.credentials();
      if (credentials != null) {
        context.setAuthenticator(new BasicAuthenticator("rote metrics") {
          @Override
          public boolean checkCredentials(String user, String password) {
            return credentials.matches(user, password);
          }
        });
      }
      server.setExecutor(null);
      server.start();
    } else {
      server = null;
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
    }
    gc.close();
    registry.close();
  }
}
