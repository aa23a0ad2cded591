package dev.rote.analyzer;

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
 * Runs the analyzer topology: {@link #start} blocks until the application is running, {@link #close}
 * stops it. Instances started with the same application id share the work partition by partition.
 */
public final class AnalyzerService implements AutoCloseable {

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final CountDownLatch running = new CountDownLatch(1);

  /**
   * @param registry where the analyzer's, Kafka Streams' and client meters go
   * @param stateDir local state directory, or null for Kafka Streams' default
   * @param threads stream threads in this instance
   */
  public AnalyzerService(KafkaSettings kafka, AnalyzerConfig config, MeterRegistry registry, Path stateDir,
      int threads) {
    AnalyzerMetrics metrics = new AnalyzerMetrics();
    metrics.bindTo(registry);
    streams = new KafkaStreams(AnalyzerTopology.build(config, metrics), streamsConfig(kafka, config, stateDir, threads));
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
  }

  /** Kafka Streams properties: the user's client properties, then Rote's defaults where unset. */
  public static Properties streamsConfig(KafkaSettings kafka, AnalyzerConfig config, Path stateDir, int threads) {
    Map<String, Object> defaults = new HashMap<>();
    defaults.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    defaults.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    defaults.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    defaults.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    defaults.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTER.name());
    defaults.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueProcessingExceptionHandler.class.getName());
    defaults.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class.getName());
    defaults.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Topics.MAX_MESSAGE_BYTES);
    defaults.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "zstd");
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
      throw new IllegalStateException("analyzer not running after " + timeout.toSeconds() + " s (state "
          + streams.state() + ")");
    }
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
