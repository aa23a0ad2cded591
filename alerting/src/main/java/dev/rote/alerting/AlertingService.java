package dev.rote.alerting;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * Runs the alerting topology ({@link AlertingTopology}) as Kafka Streams application {@code
 * rote-alerting} (exactly-once). Instances with the same application id share the runs partition by
 * partition. {@link #start} blocks until it runs.
 */
public final class AlertingService implements AutoCloseable {

  public static final String DEFAULT_APPLICATION_ID = "rote-alerting";

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final AlertingMetrics metrics;
  private final CountDownLatch running = new CountDownLatch(1);

  /**
   * @param applicationId Kafka Streams application id
   * @param registry where the service's, Kafka Streams' and client meters go
   * @param stateDir local state directory, or null for Kafka Streams' default
   */
  public AlertingService(KafkaSettings kafka, RuleSet rules, String applicationId, MeterRegistry registry,
      Path stateDir) {
    metrics = new AlertingMetrics();
    metrics.bindTo(registry);
    streams = new KafkaStreams(AlertingTopology.build(rules, metrics), streamsConfig(kafka, applicationId, stateDir));
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
  }

  /** Kafka Streams properties: the user's client properties, then Rote's defaults where unset. */
  static Properties streamsConfig(KafkaSettings kafka, String applicationId, Path stateDir) {
    Map<String, Object> defaults = new HashMap<>();
    defaults.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    defaults.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    defaults.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    defaults.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueProcessingExceptionHandler.class.getName());
    defaults.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class.getName());
    defaults.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTER.name());
    // Signals become visible to read_committed trainers at each commit: commit often, linger little.
    defaults.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
    defaults.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 2);
    defaults.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    if (stateDir != null) {
      defaults.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    }
    Properties props = new Properties();
    props.putAll(kafka.with(defaults));
    return props;
  }

  /** Starts the application and waits until it runs. */
  public void start(Duration timeout) throws InterruptedException {
    streams.start();
    if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("alerting not running after " + timeout.toSeconds() + " s (state "
          + streams.state() + ")");
    }
  }

  public AlertingMetrics metrics() {
    return metrics;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public void close(Duration timeout) {
    streams.close(timeout);
    streamsMetrics.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
