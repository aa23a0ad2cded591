package dev.rote.service;

import java.util.Map;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Makes a restarted service instance fence the transactions of the one it replaces, at once.
 *
 * <p>Under exactly-once v2 each stream thread's producer has the transactional id
 * {@code <application.id>-<process id>-<thread>}. Kafka Streams keeps the process id in its state
 * directory only when the topology has a persistent store; Rote's stores are all in memory, so each
 * start got a new process id, a new transactional id, and a transaction left open by an instance
 * killed with SIGKILL was not fenced by its successor: it held back every {@code read_committed}
 * reader of its partitions (and the successor's own committed offsets) until the broker aborted it
 * on its timeout, 5 s after it began at the earliest and up to 10 s later (the broker looks for
 * expired transactions every {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}).
 * That is what made a restarted service's failover take 4.7-15.1 s in docs/RELIABILITY.md.
 *
 * <p>{@link #addTo} adds one store that says it is persistent and holds nothing (no changelog, no
 * data): the process id is then kept in {@code <state.dir>/<application.id>}, a restart on the same
 * state directory gets the same transactional ids, and its {@code initTransactions} aborts what its
 * predecessor left open. Kafka Streams then also locks that directory against a second instance,
 * which is why each instance has a state directory of its own ({@link InstanceId#stateDir()}).
 */
public final class StableProcessId {

  /** The store's name. */
  public static final String STORE = "rote-process-id";

  private StableProcessId() {}

  /**
   * Adds the store to {@code topology}, connected to its first processor.
   *
   * @return {@code topology}
   * @throws IllegalArgumentException when the topology has no processor
   */
  public static Topology addTo(Topology topology) {
    String processor = topology.describe().subtopologies().stream()
        .flatMap(s -> s.nodes().stream()).filter(n -> n instanceof TopologyDescription.Processor)
        .map(TopologyDescription.Node::name).sorted().findFirst()
        .orElseThrow(() -> new IllegalArgumentException("a topology without a processor"));
    return topology.addStateStore(new Builder(), processor);
  }

  /** An empty store that Kafka Streams counts as persistent. */
  static final class Store implements StateStore {
    private volatile boolean open;

    @Override
    public String name() {
      return STORE;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
      context.register(root, (key, value) -> { });
      open = true;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      open = false;
    }

    @Override
    public boolean persistent() {
      return true;
    }

    @Override
    public boolean isOpen() {
      return open;
    }
  }

  private static final class Builder implements StoreBuilder<Store> {
    @Override
    public StoreBuilder<Store> withCachingEnabled() {
      return this;
    }

    @Override
    public StoreBuilder<Store> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<Store> withLoggingEnabled(Map<String, String> config) {
      return this;
    }

    @Override
    public StoreBuilder<Store> withLoggingDisabled() {
      return this;
    }

    @Override
    public Store build() {
      return new Store();
    }

    @Override
    public Map<String, String> logConfig() {
      return Map.of();
    }

    @Override
    public boolean loggingEnabled() {
      return false;
    }

    @Override
    public String name() {
      return STORE;
    }
  }
}
