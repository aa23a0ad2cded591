package dev.rote.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One or more Kafka Streams applications run as one service: their meters (Micrometer's Kafka
 * Streams binder: {@code kafka_stream_*} and the clients' {@code kafka_consumer_*},
 * {@code kafka_producer_*}) bound to a registry, started together, awaited until every one runs,
 * and closed together. A stream thread that fails is replaced, never the service shut down, and
 * hanging transactions on the partitions the service writes are aborted ({@link HangingTransactions}).
 */
public final class StreamsService implements Service {

  private static final Logger log = LoggerFactory.getLogger(StreamsService.class);

  private final String name;
  private final List<KafkaStreams> applications;
  private final List<KafkaStreamsMetrics> metrics;
  private final CountDownLatch running;
  private final HangingTransactions hanging;

  /** How often a running service scans for hanging transactions. */
  public static final Duration HANGING_SCAN_PERIOD = Duration.ofSeconds(5);

  /**
   * @param name what error messages call the service, e.g. {@code analyzer}
   * @param applications the service's applications, not started yet
   * @param hanging what scans the partitions they write for hanging transactions from their start, or
   *     null for nothing; closed with the service
   */
  public StreamsService(String name, MeterRegistry registry, List<KafkaStreams> applications,
      HangingTransactions hanging) {
    this.name = name;
    this.hanging = hanging;
    this.applications = List.copyOf(applications);
    this.running = new CountDownLatch(this.applications.size());
    for (KafkaStreams s : this.applications) {
      // A stream thread that dies (e.g. its transaction timed out while the brokers were down) is
      // replaced: the service never shuts itself down over a fault that passes.
      s.setUncaughtExceptionHandler(e -> {
        log.error("{}: a stream thread failed; replacing it", name, e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      CountDownLatch once = new CountDownLatch(1);
      s.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING && once.getCount() > 0) {
          once.countDown();
          running.countDown();
        }
      });
    }
    this.metrics = this.applications.stream().map(KafkaStreamsMetrics::new).toList();
    metrics.forEach(m -> m.bindTo(registry));
  }

  /** Starts every application and waits until each has reached RUNNING once. */
  @Override
  public void start(Duration timeout) throws InterruptedException {
    applications.forEach(KafkaStreams::start);
    if (hanging != null) {
      // From the start: a hanging transaction on a changelog keeps an application from ever running.
      hanging.start(HANGING_SCAN_PERIOD);
    }
    if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " not running after " + timeout.toSeconds() + " s (state "
          + applications.stream().map(s -> s.state().toString()).collect(Collectors.joining(", ")) + ")");
    }
  }

  /** The state of the first application. */
  public KafkaStreams.State state() {
    return applications.get(0).state();
  }

  @Override
  public void close(Duration timeout) {
    if (hanging != null) {
      hanging.close();
    }
    applications.forEach(s -> s.close(timeout));
    metrics.forEach(KafkaStreamsMetrics::close);
  }
}
