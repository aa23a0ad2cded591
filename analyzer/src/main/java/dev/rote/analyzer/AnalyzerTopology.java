package dev.rote.analyzer;

import dev.rote.analyzer.internal.NmfProcessor;
import dev.rote.analyzer.internal.RunState;
import dev.rote.analyzer.internal.SuspectRunsProcessor;
import dev.rote.analyzer.internal.Suspects;
import dev.rote.analyzer.internal.SuspectsProcessor;
import dev.rote.analyzer.internal.TelemetryProcessor;
import dev.rote.contract.Topics;
import dev.rote.service.RunEviction;
import dev.rote.service.RunMetadataTopology;
import dev.rote.service.WriteBehindStore;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The analyzer's Kafka Streams topology.
 *
 * <ul>
 *   <li>Input: {@code rote.telemetry}, key run id (UTF-8), value {@code rote.v1.Telemetry} bytes
 *       (parsed in the processor, so undecodable records are dead-lettered like any other bad one).
 *   <li>Output: {@code rote.indicators}, key run id, value {@code rote.v1.Indicator}.
 *   <li>Dead letters: {@code rote.deadletter}, the rejected record's key and value, with headers
 *       {@code rote.error.reason}, {@code rote.error.message}, {@code rote.error.topic},
 *       {@code rote.error.partition}, {@code rote.error.offset}.
 *   <li>Probes: valid probe records go on to {@code <application.id>-probes}, where the NMF
 *       topology ({@link #buildNmf}) computes their indicators.
 *   <li>State: store {@code run-state} (one entry per run, in memory, changelogged), so the output
 *       depends only on each run's telemetry in order: the same telemetry in gives the same
 *       indicators out. A {@link WriteBehindStore}: a run's state is serialized into the changelog
 *       once per commit, not once per record.
 *   <li>Run metadata: {@code rote.runs} validated into the global store {@code run-metadata}
 *       ({@link RunMetadataTopology}, {@link dev.rote.service.RunDirectory}); the indicators do not
 *       depend on it.
 *   <li>Suspect labels (unless {@link AnalyzerConfig#suspectsTop()} is 0): valid batch records go on
 *       to the processor {@code suspects}, which keeps per-example statistics in the changelogged
 *       write-behind stores {@code example-stats} (key: run id and chunk of 64 example ids),
 *       {@code suspect-pending} (key: run id and number; batches not yet folded into the
 *       statistics) and {@code suspect-runs}
 *       (key: run id), and publishes each run's ranking once per epoch to
 *       {@code rote.suspects} (key run id, value {@code rote.v1.SuspectRanking}). It also receives
 *       the valid {@code rote.runs} records from the run-metadata validator (co-partitioned with
 *       {@code rote.telemetry}) for each run's declared training-set size and its end.
 *   <li>Bounded state ({@link RunEviction}): {@link AnalyzerConfig#evictAfter()} after a run's
 *       metadata says that it finished (or at once on a tombstone), the run's entries in every store
 *       above are deleted (tombstones in their changelogs) and its metric series removed; pending
 *       evictions sit in the store {@code finished-runs}. The eviction reads {@code rote.runs} in the
 *       task that holds the run's state, so {@code rote.runs} and {@code rote.telemetry} must have the
 *       same number of partitions. A telemetry record that arrives after its run was evicted starts
 *       a fresh state (its indicators restart from nothing), which is evicted again after the grace
 *       period.
 *   <li>Commits: after emitting indicators for a recent record the processor requests a commit
 *       ({@link AnalyzerConfig#caughtUpCommits()}), so a caught-up analyzer's indicators reach
 *       {@code read_committed} readers without waiting for {@code commit.interval.ms}.
 * </ul>
 */
public final class AnalyzerTopology {

  public static final String SOURCE = "telemetry-source";
  public static final String PROCESSOR = "analyze";
  public static final String PROBES_SOURCE = "probes-source";
  public static final String NMF = NmfProcessor.NAME;

  /**
   * The {@code run-state} changelog: compacted, in segments small enough that a restarted instance
   * restores from a compacted log rather than from every state written since the topic was created.
   */
  static final Map<String, String> CHANGELOG = Map.of(
      TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024),
      TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.MAX_MESSAGE_BYTES));

  private AnalyzerTopology() {}

  public static Topology build(AnalyzerConfig config, AnalyzerMetrics metrics) {
    Topology topology = new Topology();
    topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        Topics.TELEMETRY.name());
    topology.addProcessor(PROCESSOR, () -> new TelemetryProcessor(config, metrics), SOURCE);
    topology.addStateStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(TelemetryProcessor.STORE), Serdes.String(), RunState.serde())
        .withLoggingEnabled(CHANGELOG)), PROCESSOR);
    topology.addSink(TelemetryProcessor.INDICATORS, Topics.INDICATORS.name(), new StringSerializer(),
        new ByteArraySerializer(), PROCESSOR);
    boolean suspects = config.suspectsTop() > 0;
    // The eviction comes last: the suspect ranking publishes a run's final ranking before its state goes.
    RunMetadataTopology.addTo(topology, config.applicationId(), "analyzer", metrics.counted(),
        reason -> metrics.deadLettered(reason, Topics.RUNS.name(), RunMetadataTopology.VALIDATE),
        suspects ? List.of(SuspectRunsProcessor.NAME, RunEviction.NAME) : List.of(RunEviction.NAME));
    RunEviction eviction = RunEviction.after(config.evictAfter()).keyedStore(TelemetryProcessor.STORE)
        .action(metrics::removeRun).counter(metrics.counted(), metrics::countEviction).lateRecordsFrom(PROCESSOR);
    if (suspects) {
      Suspects.addTo(topology, config, metrics, PROCESSOR, RunMetadataTopology.VALIDATE);
      eviction.stores(Suspects.eviction(), Suspects.STORES.toArray(String[]::new));
    }
    eviction.addTo(topology);
    topology.addSink(TelemetryProcessor.DEAD_LETTER, Topics.DEAD_LETTER.name(), new StringSerializer(),
        new ByteArraySerializer(), suspects ? new String[] {PROCESSOR, SuspectsProcessor.NAME}
            : new String[] {PROCESSOR});
    topology.addSink(TelemetryProcessor.PROBES, probesTopic(config), new StringSerializer(),
        new ByteArraySerializer(), PROCESSOR);
    return topology;
  }

  /**
   * The NMF topology, run as its own Kafka Streams application ({@code <application.id>-nmf}) with
   * its own threads, so that factorizing a probe never holds up the batch indicators.
   *
   * <ul>
   *   <li>Input: {@code <application.id>-probes}, validated probe records (key run id, value
   *       {@code rote.v1.Telemetry} bytes).
   *   <li>Output: {@code rote.indicators}, the NMF indicators.
   * </ul>
   */
  public static Topology buildNmf(AnalyzerConfig config, AnalyzerMetrics metrics) {
    Topology topology = new Topology();
    topology.addSource(PROBES_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
        probesTopic(config));
    topology.addProcessor(NMF, () -> new NmfProcessor(config, metrics), PROBES_SOURCE);
    topology.addSink(NmfProcessor.INDICATORS, Topics.INDICATORS.name(), new StringSerializer(),
        new ByteArraySerializer(), NMF);
    return topology;
  }

  /**
   * The topic that carries validated probe records from the state processor to the NMF processor,
   * {@code <application.id>-probes}; {@link AnalyzerService} creates it.
   */
  public static String probesTopic(AnalyzerConfig config) {
    return config.applicationId() + "-probes";
  }
}
