package dev.rote.replay;

import dev.rote.alerting.AlertingMetrics;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topic;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.StopSignal;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The output side of a published replay, under the replay's run id: its {@code RunMetadata}
 * (running, then completed, {@code replay_of} in the hyperparameters) on {@code rote.runs}, its
 * indicators on {@code rote.indicators} and its alerts on {@code rote.alerts}, never on
 * {@code rote.control}; and the meters the analyzer and the alerting service keep for a live run
 * ({@link AnalyzerMetrics#indicator}, {@link AlertingMetrics#fired}), so dashboards show the replay
 * as a run. Every record goes through its topic's serde from the registry.
 */
final class ReplayPublisher implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final AnalyzerMetrics analyzerMetrics;
  private final AlertingMetrics alertingMetrics;
  private final RuleSet rules;
  private final String runId;
  private final String replayId;
  private final RunMetadata.Builder metadata;
  private final AtomicLong failed = new AtomicLong();
  private final Callback count = (m, e) -> {
    if (e != null) {
      failed.incrementAndGet();
    }
  };

  /**
   * @param original the original run's metadata, or null when the catalog has none
   * @param rules the rules whose alerts are published
   */
  ReplayPublisher(KafkaSettings kafka, AnalyzerMetrics analyzerMetrics, AlertingMetrics alertingMetrics,
      RuleSet rules, RunMetadata original, String runId, String replayId, long fromStep) {
    this.producer = new KafkaProducer<>(kafka.with(Map.of()), new StringSerializer(), new ByteArraySerializer());
    this.analyzerMetrics = analyzerMetrics;
    this.alertingMetrics = alertingMetrics;
    this.rules = rules;
    this.runId = runId;
    this.replayId = replayId;
    long now = System.currentTimeMillis();
    this.metadata = (original == null ? RunMetadata.newBuilder() : original.toBuilder())
        .setRunId(replayId).setStatus(RunStatus.RUN_STATUS_RUNNING).setUpdatedTimeMs(now).setStartTimeMs(now)
        .setStatusReason("replay of " + runId)
        .clearStopSignalId().clearRestoredStep()
        .putHyperparameters("replay_of", runId)
        .putHyperparameters("replay_from_step", Long.toString(fromStep));
  }

  /** Publishes the replay as a running run. */
  void started() {
    send(Topics.RUNS, metadata.build());
    alertingMetrics.runSeen(replayId, rules);
  }

  /** Publishes one replayed indicator (its run id already the replay's). */
  void indicator(Indicator i) {
    send(Topics.INDICATORS, i);
    analyzerMetrics.indicator(i);
  }

  /** Publishes one alert of the replay's rules. */
  void alert(StopSignal s) {
    send(Topics.ALERTS, s);
    rules.rules().stream().filter(r -> r.name().equals(s.getRule())).findFirst()
        .ifPresent(r -> alertingMetrics.fired(r, replayId));
  }

  /**
   * Publishes the replay as completed, with the stop the rules would have made, and waits until
   * every record is acknowledged.
   *
   * @throws IllegalStateException when records could not be published
   */
  void finished(long lastStep, Optional<StopSignal> stop) {
    metadata.setStatus(RunStatus.RUN_STATUS_COMPLETED).setUpdatedTimeMs(System.currentTimeMillis())
        .setLastStep(Math.max(0, lastStep))
        .setStatusReason("replay of " + runId + stop.map(s -> "; rule " + s.getRule() + " would stop it at step "
            + s.getStep()).orElse(""));
    send(Topics.RUNS, metadata.build());
    producer.flush();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " records of replay " + replayId + " could not be published");
    }
  }

  private <V> void send(Topic<String, V> topic, V value) {
    producer.send(new ProducerRecord<>(topic.name(), replayId,
        topic.valueSerde().serializer().serialize(topic.name(), value)), count);
  }

  @Override
  public void close() {
    producer.close();
  }
}
