package dev.rote.analyzer;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
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
 * Runs the analyzer: the state topology as Kafka Streams application {@code <application.id>} and
 * the NMF topology as {@code <application.id>-nmf}, each with its own threads. {@link #start}
 * blocks until both run, {@link #close} stops them. Instances started with the same application id
 * share the work partition by partition.
 */
public final class AnalyzerService implements AutoCloseable {

  private final KafkaSettings kafka;
  private final AnalyzerConfig config;
  private final KafkaStreams streams;
  private final KafkaStreams nmfStreams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final KafkaStreamsMetrics nmfStreamsMetrics;
  private final CountDownLatch running = new CountDownLatch(2);

  /**
   * @param registry where the analyzer's, Kafka Streams' and client meters go
   * @param stateDir local state directory, or null for Kafka Streams' default
   * @param threads stream threads in this instance
   */
  public AnalyzerService(KafkaSettings kafka, AnalyzerConfig config, MeterRegistry registry, Path stateDir,
      int threads) {
    this.kafka = kafka;
    this.config = config;
    AnalyzerMetrics metrics = new AnalyzerMetrics();
    metrics.bindTo(registry);
    streams = new KafkaStreams(AnalyzerTopology.build(config, metrics), streamsConfig(kafka, config, stateDir, threads));
    AnalyzerConfig nmf = config.withApplicationId(config.applicationId() + "-nmf");
    nmfStreams = new KafkaStreams(AnalyzerTopology.buildNmf(config, metrics), streamsConfig(kafka, nmf, stateDir, 1));
    for (KafkaStreams s : new KafkaStreams[] {streams, nmfStreams}) {
      CountDownLatch once = new CountDownLatch(1);
      s.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING && once.getCount() > 0) {
          once.countDown();
          running.countDown();
        }
      });
    }
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    nmfStreamsMetrics = new KafkaStreamsMetrics(nmfStreams);
    nmfStreamsMetrics.bindTo(registry);
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
    // Streams' exactly-once default of linger.ms=100 stalls every commit; 5 ms triples throughput here.
    defaults.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    defaults.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    if (stateDir != null) {
      defaults.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    }
    Properties props = new Properties();
    props.putAll(kafka.with(defaults));
    return props;
  }

  /** Creates the analyzer's probes topic, starts the application and waits until it runs. */
  public void start(Duration timeout) throws InterruptedException {
    createProbesTopic(timeout);
    streams.start();
    nmfStreams.start();
    if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("analyzer not running after " + timeout.toSeconds() + " s (state "
          + streams.state() + ", NMF " + nmfStreams.state() + ")");
    }
  }

  private void createProbesTopic(Duration timeout) throws InterruptedException {
    String name = AnalyzerTopology.probesTopic(config);
    try (Admin admin = Admin.create(kafka.with(Map.of()))) {
      if (admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(name)) {
        return;
      }
      int partitions = admin.describeTopics(List.of(Topics.TELEMETRY.name())).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(Topics.TELEMETRY.name()).partitions().size();
      NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(Map.of(
          TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(1).toMillis()),
          TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_MESSAGE_BYTES)));
      admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name + " within " + timeout.toSeconds() + " s", e);
    }
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public void close(Duration timeout) {
    streams.close(timeout);
    nmfStreams.close(timeout);
    streamsMetrics.close();
    nmfStreamsMetrics.close();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
