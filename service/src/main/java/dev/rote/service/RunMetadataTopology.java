package dev.rote.service;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Brings {@code rote.runs} into a service's topology as a global store every instance reads in full
 * ({@link RunDirectory}).
 *
 * <ul>
 *   <li>Input: {@code rote.runs} (compacted), key run id, value {@code rote.v1.RunMetadata} bytes,
 *       read by processor {@value #VALIDATE}: a record that does not parse, has a null key, a run id
 *       that differs from its key, or is larger than {@value #MAX_BYTES} bytes goes to
 *       {@code rote.deadletter} (headers of {@link dev.rote.contract.DeadLetters}), is counted (once
 *       per process: {@link CountedOffsets}) and logged; a null value (a tombstone) passes as a
 *       deletion.
 *   <li>Internal topic {@code <application.id>-runs} (compacted, created by the service): the valid
 *       records and tombstones, in the exactly-once transaction of the dead letters.
 *   <li>Global store {@value #STORE}: run id to latest metadata, fed from that topic; a tombstone
 *       deletes the run. One entry per run, bounded by what {@code rote.runs} holds after compaction.
 * </ul>
 *
 * <p>Why a global store: metadata is small (one record per run) and needed wherever any of a run's
 * records are processed, on any instance and in any sub-topology, whatever partition the run's
 * telemetry or indicators sit in. Why through an internal topic: Kafka Streams' global threads
 * cannot forward to sinks, so a global store alone could only drop bad records, not dead-letter them.
 */
public final class RunMetadataTopology {

  /** The global store: run id to {@code RunMetadata}. */
  public static final String STORE = "run-metadata";
  /** The processor that validates {@code rote.runs}. */
  public static final String VALIDATE = "validate-runs";
  /** Largest {@code RunMetadata} record kept, in bytes (model summaries of large graphs stay far below). */
  public static final int MAX_BYTES = 1024 * 1024;

  static final String SOURCE = "runs-source";
  static final String VALID_SINK = "valid-runs-sink";
  static final String DEAD_LETTER_SINK = "runs-deadletter-sink";
  static final String GLOBAL_SOURCE = "valid-runs-source";
  static final String GLOBAL_UPDATE = "update-run-metadata";

  private RunMetadataTopology() {}

  /** The internal topic of valid metadata records, {@code <application.id>-runs}. */
  public static String topic(String applicationId) {
    return applicationId + "-runs";
  }

  /** Configuration of the internal topic: compacted, as {@code rote.runs}. */
  public static Map<String, String> topicConfig() {
    return Topics.RUNS.configs();
  }

  /**
   * Adds the validation, the internal topic's sink and the global store to {@code topology}.
   *
   * @param service names the service in dead-letter headers ({@code analyzer}, {@code alerting})
   * @param deadLettered counts a rejected record by its reason
   */
  public static void addTo(Topology topology, String applicationId, String service, Consumer<String> deadLettered) {
    addTo(topology, applicationId, service, deadLettered, List.of());
  }

  /**
   * As {@link #addTo(Topology, String, String, Consumer)}, and the validator also forwards every valid
   * record and tombstone (key run id, value {@code RunMetadata} bytes or null) to the processors named
   * in {@code followers}, which the caller adds afterwards with {@value #VALIDATE} as their parent. A
   * topic can have one source per topology: this is how another processor of the service reads
   * {@code rote.runs}.
   */
  public static void addTo(Topology topology, String applicationId, String service, Consumer<String> deadLettered,
      List<String> followers) {
    addTo(topology, applicationId, service, new CountedOffsets(), deadLettered, followers);
  }

  /**
   * As {@link #addTo(Topology, String, String, Consumer, List)}, counting a rejected record only when
   * {@code counted} has not counted it before under {@value #VALIDATE} (a record processed again
   * after an aborted transaction is dead-lettered again, in the new transaction, but not counted
   * again): pass the {@link CountedOffsets} of the service's meters.
   */
  public static void addTo(Topology topology, String applicationId, String service, CountedOffsets counted,
      Consumer<String> deadLettered, List<String> followers) {
    List<String> children = new ArrayList<>(followers);
    children.add(0, VALID_SINK);
    topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), Topics.RUNS.name());
    topology.addProcessor(VALIDATE,
        () -> new RunMetadataValidator(service, counted, deadLettered, MAX_BYTES, children), SOURCE);
    topology.addSink(VALID_SINK, topic(applicationId), new StringSerializer(), new ByteArraySerializer(), VALIDATE);
    topology.addSink(DEAD_LETTER_SINK, Topics.DEAD_LETTER.name(), new StringSerializer(), new ByteArraySerializer(),
        VALIDATE);
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Topics.RUNS.valueSerde())
            .withLoggingDisabled(),
        GLOBAL_SOURCE, Serdes.String().deserializer(), Topics.RUNS.valueSerde().deserializer(), topic(applicationId),
        GLOBAL_UPDATE, StoreUpdater::new);
  }

  /** Keeps the global store in step with the internal topic: a tombstone deletes the run. */
  private static final class StoreUpdater implements Processor<String, RunMetadata, Void, Void> {
    private KeyValueStore<String, RunMetadata> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, RunMetadata> record) {
      if (record.key() == null) {
        return; // only the validator writes this topic, and it never forwards a null key
      }
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
    }
  }
}
