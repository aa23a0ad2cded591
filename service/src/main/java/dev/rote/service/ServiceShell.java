package dev.rote.service;

import dev.rote.metrics.MetricsEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * How a Rote service process runs: metrics served on a port, the service started, and then nothing
 * until the JVM is asked to stop (Ctrl-C, SIGTERM), when the service and the endpoint are closed.
 */
public final class ServiceShell {

  /** How long a service may take to reach RUNNING. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private ServiceShell() {}

  /**
   * Serves Prometheus metrics at {@code metrics} (port 0 for none), builds the service on that
   * registry, starts it, calls {@code onRunning}, and blocks until the JVM shuts down.
   *
   * @param name the service's name: the {@code service} tag of its meters
   */
  public static void run(String name, MetricsEndpoint.Address metrics, Function<MeterRegistry, Service> create,
      Runnable onRunning) throws InterruptedException {
    MetricsEndpoint endpoint = new MetricsEndpoint(name, metrics);
    Service service;
    try {
      service = create.apply(endpoint.registry());
    } catch (RuntimeException e) {
      endpoint.close();
      throw e;
    }
    CountDownLatch stopped = onShutdown("rote-" + name + "-shutdown", () -> {
      service.close(Service.CLOSE_TIMEOUT);
      endpoint.close();
    });
    service.start(START_TIMEOUT);
    onRunning.run();
    stopped.await();
  }

  /**
   * Runs {@code action} when the JVM shuts down.
   *
   * @return a latch that opens once the action is done: await it to run until Ctrl-C
   */
  public static CountDownLatch onShutdown(String threadName, Runnable action) {
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        action.run();
      } finally {
        done.countDown();
      }
    }, threadName));
    return done;
  }

  /** {@code ", metrics at http://HOST:PORT/metrics"} (and whether basic auth guards them), or nothing without an endpoint. */
  public static String metricsNote(MetricsEndpoint.Address metrics) {
    return metrics.port() > 0 ? ", metrics at " + metrics.url()
        + (metrics.credentials() == null ? "" : " (basic auth, user " + metrics.credentials().user() + ")") : "";
  }
}
