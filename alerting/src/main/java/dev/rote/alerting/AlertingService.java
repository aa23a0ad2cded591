package dev.rote.alerting;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.service.HangingTransactions;
import dev.rote.service.InternalTopics;
import dev.rote.service.RunEviction;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the alerting topology ({@link AlertingTopology}) as Kafka Streams application {@code
 * rote-alerting} (exactly-once). Instances with the same application id share the runs partition by
 * partition. {@link #start} blocks until it runs.
 */
public final class AlertingService implements Service {

  public static final String DEFAULT_APPLICATION_ID = "rote-alerting";

  private final StreamsService streams;
  private final AlertingMetrics metrics;
  private final KafkaSettings kafka;
  private final String applicationId;
  private final InstanceId instance;

  /**
   * @param applicationId Kafka Streams application id
   * @param registry where the service's, Kafka Streams' and client meters go
   * @param stateDir local state directory, or null for Kafka Streams' default
   */
  public AlertingService(KafkaSettings kafka, RuleSet rules, String applicationId, MeterRegistry registry,
      Path stateDir) {
    this(kafka, rules, applicationId, registry, stateDir, RunEviction.DEFAULT_GRACE);
  }

  /**
   * As {@link #AlertingService(KafkaSettings, RuleSet, String, MeterRegistry, Path)}, evicting a
   * finished run's state and series {@code evictAfter} after its end ({@link RunEviction}).
   */
  public AlertingService(KafkaSettings kafka, RuleSet rules, String applicationId, MeterRegistry registry,
      Path stateDir, Duration evictAfter) {
    this.kafka = kafka;
    this.applicationId = applicationId;
    metrics = new AlertingMetrics();
    metrics.bindTo(registry);
    instance = InstanceId.acquire("alerting", stateDir);
    try {
      Properties props = streamsConfig(kafka, applicationId, instance.stateDir(), instance.id());
      streams = new StreamsService("alerting", registry, List.of(new KafkaStreams(
          StableProcessId.addTo(AlertingTopology.build(rules, metrics, applicationId, evictAfter)), props)),
          new HangingTransactions("alerting", kafka, List.of(applicationId),
              List.of(Topics.ALERTS.name(), Topics.CONTROL.name(), Topics.DEAD_LETTER.name()),
              StreamsProperties.transactionTimeout(props), registry));
    } catch (RuntimeException e) {
      instance.close();
      throw e;
    }
  }

  /**
   * Kafka Streams properties: the user's client properties, then the alerting service's cadence and
   * the instance's static membership id, then Rote's defaults.
   */
  static Properties streamsConfig(KafkaSettings kafka, String applicationId, Path stateDir, String instanceId) {
    // Signals become visible to read_committed trainers at each commit: commit often, linger little,
    // and leave the small records uncompressed (zstd added ~8 ms to the median stop latency here).
    return StreamsProperties.of(kafka, applicationId, stateDir, Map.of(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50,
        StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 2,
        StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none",
        ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId));
  }

  /** Creates its topic of valid run metadata, starts the application and waits until it runs. */
  @Override
  public void start(Duration timeout) throws InterruptedException {
    InternalTopics.ensure(kafka, RunMetadataTopology.topic(applicationId), Topics.RUNS.name(),
        RunMetadataTopology.topicConfig(), timeout);
    streams.start(timeout);
  }

  public AlertingMetrics metrics() {
    return metrics;
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
