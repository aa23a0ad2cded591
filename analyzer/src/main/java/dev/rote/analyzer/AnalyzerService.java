package dev.rote.analyzer;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.service.HangingTransactions;
import dev.rote.service.InternalTopics;
import dev.rote.service.RunMetadataTopology;
import dev.rote.service.InstanceId;
import dev.rote.service.Service;
import dev.rote.service.StableProcessId;
import dev.rote.service.StreamsProperties;
import dev.rote.service.StreamsService;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the analyzer: the state topology as Kafka Streams application {@code <application.id>} and
 * the NMF topology as {@code <application.id>-nmf}, each with its own threads. {@link #start}
 * blocks until both run, {@link #close} stops them. Instances started with the same application id
 * share the work partition by partition.
 */
public final class AnalyzerService implements Service {

  private final KafkaSettings kafka;
  private final AnalyzerConfig config;
  private final StreamsService streams;
  private final InstanceId instance;

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
    AnalyzerConfig nmf = config.withApplicationId(config.applicationId() + "-nmf");
    instance = InstanceId.acquire("analyzer", stateDir);
    try {
      Properties props = streamsConfig(kafka, config, instance.stateDir(), threads, instance.id());
      streams = new StreamsService("analyzer", registry, List.of(
          new KafkaStreams(StableProcessId.addTo(AnalyzerTopology.build(config, metrics)), props),
          new KafkaStreams(StableProcessId.addTo(AnalyzerTopology.buildNmf(config, metrics)),
              streamsConfig(kafka, nmf, instance.stateDir(), 1, instance.id()))),
          new HangingTransactions("analyzer", kafka, List.of(config.applicationId(), nmf.applicationId()),
              List.of(Topics.INDICATORS.name(), Topics.SUSPECTS.name(), Topics.DEAD_LETTER.name()),
              StreamsProperties.transactionTimeout(props), registry));
    } catch (RuntimeException e) {
      instance.close();
      throw e;
    }
  }

  /**
   * Kafka Streams properties: the user's client properties, then the stream threads and the
   * instance's static membership id, then Rote's defaults.
   */
  static Properties streamsConfig(KafkaSettings kafka, AnalyzerConfig config, Path stateDir, int threads,
      String instanceId) {
    return StreamsProperties.of(kafka, config.applicationId(), stateDir,
        Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId));
  }

  /** Creates the analyzer's own topics (probes, valid run metadata), starts both applications and waits until they run. */
  @Override
  public void start(Duration timeout) throws InterruptedException {
    createProbesTopic(timeout);
    streams.start(timeout);
  }

  private void createProbesTopic(Duration timeout) throws InterruptedException {
    InternalTopics.ensure(kafka, AnalyzerTopology.probesTopic(config), Topics.TELEMETRY.name(), Map.of(
        TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(1).toMillis()),
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_MESSAGE_BYTES)), timeout);
    InternalTopics.ensure(kafka, RunMetadataTopology.topic(config.applicationId()), Topics.RUNS.name(),
        RunMetadataTopology.topicConfig(), timeout);
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close(Duration timeout) {
    streams.close(timeout);
    instance.close();
  }
}
