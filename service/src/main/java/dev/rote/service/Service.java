package dev.rote.service;

import java.time.Duration;

/** A Rote service that runs until it is closed: what {@link ServiceShell} starts and stops. */
public interface Service extends AutoCloseable {

  /** How long {@link #close()} waits for a clean stop. */
  Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Starts the service and returns once it runs.
   *
   * @throws IllegalStateException when it does not run within {@code timeout}
   */
  void start(Duration timeout) throws InterruptedException;

  /** Stops the service, waiting at most {@code timeout}. */
  void close(Duration timeout);

  @Override
  default void close() {
    close(CLOSE_TIMEOUT);
  }
}
