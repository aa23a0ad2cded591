package dev.rote.service;

import dev.rote.contract.v1.RunStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Bounded state: forgets a finished run's per-run state a grace period after the run ends.
 *
 * <p>The processor {@value #NAME} follows the run-metadata validator (list it among the followers of
 * {@link RunMetadataTopology#addTo(Topology, String, String, Consumer, List)}, after any follower
 * that must see a run's end first) and so reads every valid {@code rote.runs} record and tombstone:
 *
 * <ul>
 *   <li>status COMPLETED, STOPPED or FAILED: the run and the wall-clock time are written to the
 *       store {@value #STORE} (in memory, changelogged, so the schedule survives a restart and moves
 *       with its task); a wall-clock punctuator, every {@code min(grace, 30 s)} but at least 1 s,
 *       evicts the runs whose grace period has passed;
 *   <li>a tombstone (the run's metadata deleted): the run is evicted at once;
 *   <li>any other status after a finished one (the run resumed): the eviction is cancelled.
 * </ul>
 *
 * <p>Evicting a run calls every target: a store keyed by run id loses its key, other stores are
 * cleared by their own code (both by deletes, so the changelogs carry tombstones and compact too),
 * and actions outside the stores (removing the run's metric series) run once per eviction. A
 * counter of evictions ({@link #counter}) counts each eviction once per process: when exactly-once
 * processing runs a {@code rote.runs} record again after an aborted transaction, the stores, rolled
 * back, lose the run again and the actions run again, but the eviction is not counted again. A
 * grace of 0 evicts as the finished status arrives.
 *
 * <p><b>Co-partitioning.</b> The processor deletes from the stores of its own task, so it must run
 * in the task that holds the run's state. Kafka Streams puts a processor and the stores it is
 * connected to in one sub-topology whose task {@code n} reads partition {@code n} of each of its
 * source topics; {@code rote.runs} and the topic the state is built from ({@code rote.telemetry},
 * {@code rote.indicators}) are keyed by run id and must have the same number of partitions (Rote's
 * topic provisioning creates them so). With fewer {@code rote.runs} partitions some runs would never
 * be evicted; with more, a run's end would reach a task that never saw its state.
 *
 * <p><b>Late records.</b> A record of a run that arrives after its eviction finds no state and
 * starts a fresh one; its processor should then call {@link Late#stateCreated}, which schedules the
 * fresh state's eviction again when the run's metadata says that it finished. Name such processors
 * in {@link #lateRecordsFrom} so that they can reach {@value #STORE}.
 */
public final class RunEviction {

  /** The follower processor of the run-metadata validator. */
  public static final String NAME = "evict-finished-runs";
  /** Store of finished runs awaiting eviction: run id to the wall-clock time (ms) their end was seen. */
  public static final String STORE = "finished-runs";
  /** Grace period of {@code --evict-after} by default. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);
  /** Longest time between two sweeps of {@value #STORE}. */
  static final Duration MAX_INTERVAL = Duration.ofSeconds(30);
  /** Shortest time between two sweeps (a grace of 0 still sweeps, for late records). */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  /**
   * Per-run state of a task that an eviction forgets.
   */
  @FunctionalInterface
  public interface Target {
    /**
     * Opens the target in a task (called in the processor's {@code init}, where the task's stores
     * are reachable through {@code context}); returns what forgets one run.
     */
    Consumer<String> open(ProcessingContext context);
  }

  private final Duration grace;
  private final List<String> stores = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();
  private CountedOffsets counted = new CountedOffsets();
  private Runnable count = () -> { };
  private final List<String> creators = new ArrayList<>();

  private RunEviction(Duration grace) {
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0, was " + grace);
    }
    this.grace = grace;
  }

  /** An eviction {@code grace} after a run's end; add targets, then {@link #addTo} a topology. */
  public static RunEviction after(Duration grace) {
    return new RunEviction(grace);
  }

  /** Whether {@code status} ends a run: COMPLETED, STOPPED or FAILED. */
  public static boolean finished(RunStatus status) {
    return status == RunStatus.RUN_STATUS_COMPLETED || status == RunStatus.RUN_STATUS_STOPPED
        || status == RunStatus.RUN_STATUS_FAILED;
  }

  /** Evicts the run's key from {@code store}, a key-value store keyed by run id. */
  public RunEviction keyedStore(String store) {
    return stores(context -> {
      KeyValueStore<String, ?> s = context.getStateStore(store);
      return run -> {
        if (s.get(run) != null) {
          s.delete(run); // only keys that exist: no tombstone for a run this task never held
        }
      };
    }, store);
  }

  /** Evicts a run from {@code stores} with {@code target}, which knows their keys. */
  public RunEviction stores(Target target, String... stores) {
    this.stores.addAll(List.of(stores));
    this.targets.add(target);
    return this;
  }

  /** Also runs {@code action} (removing metric series) with each evicted run's id. */
  public RunEviction action(Consumer<String> action) {
    targets.add(context -> action);
    return this;
  }

  /**
   * Counts each eviction with {@code count}: a sweep's always, one on a {@code rote.runs} record (a
   * tombstone, or an end with a grace of 0) only if {@code counted}, the service meters'
   * {@link CountedOffsets}, has not counted that record before.
   */
  public RunEviction counter(CountedOffsets counted, Runnable count) {
    this.counted = counted;
    this.count = count;
    return this;
  }

  /** Processors that create per-run state and call {@link Late#stateCreated} when they do. */
  public RunEviction lateRecordsFrom(String... processors) {
    creators.addAll(List.of(processors));
    return this;
  }

  /**
   * Adds the processor {@value #NAME} (child of {@link RunMetadataTopology#VALIDATE}, which must
   * already be in {@code topology} and list {@value #NAME} among its followers), its store
   * {@value #STORE}, and connects it to the targets' stores.
   */
  public void addTo(Topology topology) {
    List<Target> opened = List.copyOf(targets);
    CountedOffsets c = counted;
    Runnable n = count;
    Duration g = grace;
    topology.addProcessor(NAME, () -> new EvictionProcessor(g, interval(g), opened, c, n),
        RunMetadataTopology.VALIDATE);
    List<String> users = new ArrayList<>(creators);
    users.add(0, NAME);
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(),
        Serdes.Long()), users.toArray(String[]::new));
    if (!stores.isEmpty()) {
      topology.connectProcessorAndStateStores(NAME, stores.toArray(String[]::new));
    }
  }

  /** Time between sweeps: the grace period, within [1 s, 30 s]. */
  static Duration interval(Duration grace) {
    if (grace.compareTo(MAX_INTERVAL) > 0) {
      return MAX_INTERVAL;
    }
    return grace.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : grace;
  }

  /** The eviction schedule as a processor that creates per-run state sees it; get it in {@code init}. */
  public static Late late(ProcessingContext context) {
    KeyValueStore<String, Long> store = context.getStateStore(STORE);
    return new Late(store, RunDirectory.of(context), context);
  }

  /** Reschedules the eviction of state that a late record created for an already finished run. */
  public static final class Late {
    private final KeyValueStore<String, Long> finished;
    private final RunDirectory runs;
    private final ProcessingContext context;

    Late(KeyValueStore<String, Long> finished, RunDirectory runs, ProcessingContext context) {
      this.finished = finished;
      this.runs = runs;
      this.context = context;
    }

    /**
     * A processor created fresh state for {@code run}. When the run's metadata says that it has
     * finished (the record came after the run was evicted, or the service met the run only after
     * its end), the new state is evicted a grace period from now.
     */
    public void stateCreated(String run) {
      if (runs.status(run).map(RunEviction::finished).orElse(false) && finished.get(run) == null) {
        finished.put(run, context.currentSystemTimeMs());
      }
    }
  }
}
