package dev.rote.service;

import dev.rote.metrics.MetricsEndpoint;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where and how a command serves its Prometheus metrics, beside its own {@code --metrics-port}: the
 * interface ({@code --metrics-host}, loopback by default) and HTTP basic auth
 * ({@code --metrics-password-file}, with {@code --metrics-user}). A picocli mixin of every command
 * that serves metrics.
 */
public final class MetricsOptions {

  /** The user name a scrape presents when basic auth is on, unless {@code --metrics-user} says otherwise. */
  public static final String DEFAULT_USER = "prometheus";

  @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = MetricsEndpoint.DEFAULT_HOST,
      description = "Interface the metrics endpoint listens on; 0.0.0.0 for all (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--metrics-password-file", paramLabel = "FILE",
      description = "Require HTTP basic auth on /metrics with the password on this file's first line (the file "
          + "Prometheus reads as basic_auth.password_file; ./rote security init writes one as metrics.password).")
  Path passwordFile;

  @Option(names = "--metrics-user", paramLabel = "USER", defaultValue = DEFAULT_USER,
      description = "User name of the basic auth (default: ${DEFAULT-VALUE}).")
  String user;

  /**
   * The endpoint's address on {@code port}.
   *
   * @throws IllegalArgumentException naming the password file when it cannot be read or is empty
   */
  public MetricsEndpoint.Address address(int port) {
    return new MetricsEndpoint.Address(host, port,
        passwordFile == null ? null : MetricsEndpoint.Credentials.fromFile(user, passwordFile));
  }
}
