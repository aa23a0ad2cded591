package dev.rote.analyzer.internal;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.Topics;
import dev.rote.service.RunEviction;
import dev.rote.service.WriteBehindStore;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** Wires the suspect-label processors, their stores, the {@code rote.runs} source and the {@code rote.suspects} sink. */
public final class Suspects {

  /** The stores of the suspect ranking, every one of them per run. */
  public static final List<String> STORES = List.of(ExampleStatsStore.CHUNKS, ExampleStatsStore.PENDING,
      ExampleStatsStore.RUNS);

  private Suspects() {}

  /** Evicts a run from {@link #STORES}: its chunks, pending batches and state. */
  public static RunEviction.Target eviction() {
    return context -> {
      ExampleStatsStore store = new ExampleStatsStore();
      store.init(context);
      return store::drop;
    };
  }

  /**
   * Adds the suspect ranking to {@code topology}: {@link SuspectsProcessor} as a child of
   * {@code telemetryProcessor} (which forwards it the valid batch records), {@link SuspectRunsProcessor}
   * as a child of {@code runsProcessor} (which forwards it the valid {@code rote.runs} records and
   * tombstones; a topology has one source per topic), the stores, and the {@code rote.suspects} sink. The caller connects the
   * dead-letter sink to {@link SuspectsProcessor} (the only one that rejects records).
   */
  public static void addTo(Topology topology, AnalyzerConfig config, AnalyzerMetrics metrics, String telemetryProcessor,
      String runsProcessor) {
    topology.addProcessor(SuspectsProcessor.NAME, () -> new SuspectsProcessor(config, metrics), telemetryProcessor);
    topology.addProcessor(SuspectRunsProcessor.NAME, () -> new SuspectRunsProcessor(config, metrics), runsProcessor);
    // Write-behind stores: a batch reads and changes the run's state, a fold each chunk it touches,
    // and a ranking every chunk; each changed entry is serialized once per commit, not at each use.
    topology.addStateStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(ExampleStatsStore.CHUNKS), ExampleStatsStore.ChunkKey.serde(),
        ExampleStatsStore.chunkSerde())), SuspectsProcessor.NAME, SuspectRunsProcessor.NAME);
    topology.addStateStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(ExampleStatsStore.PENDING), ExampleStatsStore.ChunkKey.serde(),
        ExampleStatsStore.pendingSerde())), SuspectsProcessor.NAME, SuspectRunsProcessor.NAME);
    topology.addStateStore(WriteBehindStore.builder(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(ExampleStatsStore.RUNS), Serdes.String(), SuspectRun.serde())),
        SuspectsProcessor.NAME, SuspectRunsProcessor.NAME);
    topology.addSink(SuspectsProcessor.SUSPECTS, Topics.SUSPECTS.name(), new StringSerializer(),
        new ByteArraySerializer(), SuspectsProcessor.NAME, SuspectRunsProcessor.NAME);
  }
}
