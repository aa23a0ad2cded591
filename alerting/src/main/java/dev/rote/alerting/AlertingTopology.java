package dev.rote.alerting;

import dev.rote.alerting.internal.AlertingProcessor;
import dev.rote.alerting.internal.RuleEngine;
import dev.rote.alerting.internal.RunAlerts;
import dev.rote.contract.Topics;
import dev.rote.service.RunEviction;
import dev.rote.service.RunMetadataTopology;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The alerting service's Kafka Streams topology.
 *
 * <ul>
 *   <li>Input: {@code rote.indicators}, key run id (UTF-8), value {@code rote.v1.Indicator} bytes.
 *   <li>Output: {@code rote.alerts}, key run id, value {@code rote.v1.StopSignal}, one per rule that
 *       fired for a run (warn or stop); and {@code rote.control}, the same record for rules whose
 *       action is stop: trainers read it.
 *   <li>Dead letters: {@code rote.deadletter}, with the headers of {@link dev.rote.contract.DeadLetters}.
 *   <li>State: store {@code alert-state} (one entry per run, changelogged): each rule's best value,
 *       wait and whether it fired, so a rule fires once per run even across restarts and
 *       re-deliveries; under exactly-once the state and the signal are committed together.
 *   <li>Run metadata: {@code rote.runs} validated into the global store {@code run-metadata}
 *       ({@link RunMetadataTopology}): rules that count in epochs read each run's steps per epoch
 *       there. A rule that cannot evaluate a run (no training-set size, no standard errors) says so
 *       once on {@code rote.alerts} (signal id {@code <run>/<rule>/error}, action WARN).
 *   <li>Bounded state ({@link RunEviction}): a grace period ({@code --evict-after}, 10 minutes by
 *       default) after a run's metadata says that it finished (or at once on a tombstone), its
 *       {@code alert-state} entry is deleted (a tombstone in the changelog) and its alert and
 *       stop-signal series removed; pending evictions sit in the store {@code finished-runs}. The
 *       eviction reads {@code rote.runs} in the task that holds the run's state, so
 *       {@code rote.runs} and {@code rote.indicators} must have the same number of partitions. An
 *       indicator that arrives after its run was evicted starts a fresh state: the rules begin again
 *       for that run (a rule that already fired may fire again), and the state goes again after
 *       the grace period.
 * </ul>
 */
public final class AlertingTopology {

  public static final String SOURCE = "indicators-source";
  public static final String PROCESSOR = AlertingProcessor.NAME;

  private AlertingTopology() {}

  /** The topology of an application with the default application id ({@code rote-alerting}). */
  public static Topology build(RuleSet rules, AlertingMetrics metrics) {
    return build(rules, metrics, AlertingService.DEFAULT_APPLICATION_ID);
  }

  /**
   * @param applicationId the Kafka Streams application id: it names the internal topic of valid run
   *     metadata, {@code <application.id>-runs}
   */
  public static Topology build(RuleSet rules, AlertingMetrics metrics, String applicationId) {
    return build(rules, metrics, applicationId, RunEviction.DEFAULT_GRACE);
  }

  /**
   * @param applicationId the Kafka Streams application id: it names the internal topic of valid run
   *     metadata, {@code <application.id>-runs}
   * @param evictAfter how long a finished run's state and series stay; zero evicts at once
   */
  public static Topology build(RuleSet rules, AlertingMetrics metrics, String applicationId, Duration evictAfter) {
    Topology topology = new Topology();
    topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        Topics.INDICATORS.name());
    RuleEngine engine = new RuleEngine(rules, metrics);
    topology.addProcessor(PROCESSOR, () -> new AlertingProcessor(engine, metrics), SOURCE);
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(AlertingProcessor.STORE), Serdes.String(), RunAlerts.serde()), PROCESSOR);
    topology.addSink(AlertingProcessor.ALERTS, Topics.ALERTS.name(), new StringSerializer(),
        new ByteArraySerializer(), PROCESSOR);
    topology.addSink(AlertingProcessor.CONTROL, Topics.CONTROL.name(), new StringSerializer(),
        new ByteArraySerializer(), PROCESSOR);
    topology.addSink(AlertingProcessor.DEAD_LETTER, Topics.DEAD_LETTER.name(), new StringSerializer(),
        new ByteArraySerializer(), PROCESSOR);
    RunMetadataTopology.addTo(topology, applicationId, "alerting", metrics.counted(),
        reason -> metrics.deadLettered(reason, Topics.RUNS.name()), List.of(RunEviction.NAME));
    RunEviction.after(evictAfter).keyedStore(AlertingProcessor.STORE).action(metrics::removeRun)
        .counter(metrics.counted(), metrics::countEviction).lateRecordsFrom(PROCESSOR).addTo(topology);
    return topology;
  }
}
