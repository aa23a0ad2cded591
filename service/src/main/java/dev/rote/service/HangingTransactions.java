package dev.rote.service;

import dev.rote.contract.KafkaSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and aborts <em>hanging</em> transactions on the partitions a Kafka Streams service writes
 * (its internal topics and its output topics): a transaction still open on a partition long after
 * its coordinator finished with it (KIP-664). One such transaction holds the partition's last
 * stable offset, so every {@code read_committed} reader stops there: a Streams application
 * restoring its changelog waits in REBALANCING for ever, a trainer reading {@code rote.control}
 * never sees a stop. Seen here after the only broker was down for 30 s while an exactly-once
 * application had a transaction open (docs/RELIABILITY.md). Kafka leaves finding and aborting them
 * to an operator ({@code kafka-transactions.sh find-hanging}); this does the same on a schedule.
 *
 * <p>An open transaction is aborted only when every one of these holds: this scanner has seen it
 * open on the partition (same producer id, epoch and start offset) for twice its transaction timeout
 * of its own monotonic clock (record timestamps are event time, copied from the input by Kafka
 * Streams, so they say nothing of how long a transaction has been open); its coordinator describes
 * the producer's transactional id at two scans in a row as neither ongoing with that partition nor
 * preparing or fencing ({@link #inFlight}): a coordinator that does not answer for it (one that is
 * loading, or an id the service may not describe) never counts as finished; the cluster runs
 * transaction version 2, where the epoch changes with every transaction, so an abort at the open
 * transaction's epoch cannot reach its successor; and the partition still shows the same open
 * transaction just before the abort. Aborting needs the {@code ClusterAction} permission on the
 * cluster (the Kafka {@code WriteTxnMarkers} API): a secured service without it logs the
 * transaction once with what an administrator runs to abort it.
 */
public final class HangingTransactions implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HangingTransactions.class);
  private static final long CALL_TIMEOUT_MS = 10_000;
  /** Scans in a row at which the coordinator must describe the transaction as finished. */
  static final int ORPHAN_SCANS = 2;

  /** Metric: hanging transactions this service aborted. */
  public static final String ABORTED = "rote.streams.hanging.transactions.aborted";
  /** Metric: hanging transactions found that this service did not abort, by reason. */
  public static final String UNRESOLVED = "rote.streams.hanging.transactions.unresolved";
  /** Metric: scans that failed (the brokers down, say); the next one tries again. */
  public static final String SCANS_FAILED = "rote.streams.hanging.transactions.scans.failed";

  /** A transaction open on a partition, as the partition describes it. */
  record Open(TopicPartition partition, long producerId, int epoch, long startOffset, int coordinatorEpoch) {
    AbortTransactionSpec spec() {
      return new AbortTransactionSpec(partition, producerId, (short) epoch, coordinatorEpoch);
    }
  }

  /** What this scanner knows of an open transaction: when it first saw it, and for how many scans in a row its coordinator called it finished. */
  private static final class Sighting {
    final long firstSeenNanos;
    int orphanScans;

    Sighting(long firstSeenNanos) {
      this.firstSeenNanos = firstSeenNanos;
    }
  }

  private final String service;
  private final KafkaSettings kafka;
  private final Collection<String> applicationIds;
  private final Set<String> outputTopics;
  private final Duration olderThan;
  private final MeterRegistry registry;
  private final Counter aborted;
  private final Counter scansFailed;
  private final Object scanLock = new Object();
  private final Map<Open, Sighting> seen = new HashMap<>();
  private final Set<Open> reported = new HashSet<>();
  private final Set<String> warned = new HashSet<>();
  private Admin admin;
  private ScheduledExecutorService scheduler;
  private boolean failing;
  private volatile int lastOpen;

  /**
   * @param service what the logs and metrics call the service, e.g. {@code alerting}
   * @param applicationIds the service's Kafka Streams application ids: their internal topics
   *     ({@code <application.id>-...}) are scanned
   * @param outputTopics the topics the service writes, scanned too
   * @param transactionTimeout the service's producers' {@code transaction.timeout.ms}
   *     ({@link StreamsProperties#transactionTimeout}): a transaction may count as hanging once this
   *     scanner has seen it open for twice that, by when its coordinator has ended it
   */
  public HangingTransactions(String service, KafkaSettings kafka, Collection<String> applicationIds,
      Collection<String> outputTopics, Duration transactionTimeout, MeterRegistry registry) {
    this.service = service;
    this.kafka = kafka;
    this.applicationIds = List.copyOf(applicationIds);
    this.outputTopics = Set.copyOf(outputTopics);
    this.olderThan = transactionTimeout.multipliedBy(2);
    this.registry = registry;
    this.aborted = Counter.builder(ABORTED).tag("service", service)
        .description("Hanging transactions (open on a partition after their coordinator ended them) aborted")
        .register(registry);
    this.scansFailed = Counter.builder(SCANS_FAILED).tag("service", service)
        .description("Scans for hanging transactions that failed").register(registry);
  }

  /** Scans every {@code every}, the first right away, until closed. */
  public synchronized void start(Duration every) {
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, service + "-hanging-transactions");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleWithFixedDelay(this::repairQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void repairQuietly() {
    try {
      repair();
      failing = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | ExecutionException | TimeoutException e) {
      scansFailed.increment();
      if (!failing) {
        // Once per stretch of failures: the brokers are often down for a while, and the next scan tries again.
        log.warn("{}: cannot scan for hanging transactions ({}); retrying every scan", service, e.toString());
      }
      failing = true;
    }
  }

  /**
   * Whether a transaction open on {@code partition} for {@code producerId} is still in its
   * coordinator's hands: described as ongoing with that partition, or preparing a commit or an
   * abort, or fencing, or in a state this client does not know; or not described at all (a
   * coordinator that is loading, or an id this principal may not describe). Only a description of
   * the same producer as empty or complete lets it count as hanging.
   */
  static boolean inFlight(TransactionDescription d, long producerId, TopicPartition partition) {
    if (d == null || d.producerId() != producerId) {
      return true;
    }
    TransactionState s = d.state();
    if (s == TransactionState.ONGOING) {
      return d.topicPartitions().contains(partition);
    }
    return !(s == TransactionState.EMPTY || s == TransactionState.COMPLETE_COMMIT
        || s == TransactionState.COMPLETE_ABORT);
  }

  /**
   * How many transactions the last scan found open on a scanned partition for at least
   * twice the transaction timeout, hanging or not.
   */
  public int lastScanOpen() {
    return lastOpen;
  }

  /**
   * One scan: updates what it knows of the transactions open on the scanned partitions and aborts
   * those that count as hanging.
   *
   * @return the transactions it aborted
   */
  public List<AbortTransactionSpec> repair() throws InterruptedException, ExecutionException, TimeoutException {
    synchronized (scanLock) {
      List<Open> hanging = find();
      List<AbortTransactionSpec> done = new ArrayList<>();
      if (hanging.isEmpty()) {
        return done;
      }
      if (!transactionVersion2()) {
        for (Open o : hanging) {
          unresolved(o, "transaction_version_1", "the cluster runs transaction version 1, where an abort at "
              + "this epoch could reach the producer's next transaction");
        }
        return done;
      }
      for (Open o : hanging) {
        if (!stillOpen(o)) {
          continue;
        }
        try {
          admin().abortTransaction(o.spec()).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
          aborted.increment();
          seen.remove(o);
          done.add(o.spec());
          log.warn("{}: aborted a hanging transaction on {} (producer id {}, epoch {}, open since offset {}): "
              + "its coordinator had ended it, and it held the partition's last stable offset", service,
              o.partition(), o.producerId(), o.epoch(), o.startOffset());
        } catch (ExecutionException e) {
          unresolved(o, e.getCause() instanceof AuthorizationException ? "unauthorized" : "failed",
              String.valueOf(e.getCause().getMessage()));
        }
      }
      return done;
    }
  }

  /** Counts and logs, once per transaction, one that hangs and was not aborted. */
  private void unresolved(Open o, String reason, String why) {
    if (!reported.add(o)) {
      return;
    }
    registry.counter(UNRESOLVED, "service", service, "reason", reason).increment();
    log.error("{}: a hanging transaction holds {} (producer id {}, epoch {}) and was not aborted ({}); an "
        + "administrator aborts it with: kafka-transactions.sh --bootstrap-server ... abort --topic {} --partition {} "
        + "--producer-id {} --producer-epoch {} --coordinator-epoch {}", service, o.partition(), o.producerId(),
        o.epoch(), why, o.partition().topic(), o.partition().partition(), o.producerId(), o.epoch(),
        o.coordinatorEpoch());
  }

  /** The open transactions that count as hanging at this scan. */
  private List<Open> find() throws InterruptedException, ExecutionException, TimeoutException {
    List<TopicPartition> partitions = scannedPartitions();
    long now = System.nanoTime();
    List<Open> open = new ArrayList<>();
    var producers = admin().describeProducers(partitions);
    for (TopicPartition tp : partitions) {
      List<ProducerState> states;
      try {
        states = producers.partitionResult(tp).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).activeProducers();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof AuthorizationException && warned.add(tp.topic())) {
          log.warn("{}: may not describe the producers of {} ({}): hanging transactions there are not looked for",
              service, tp.topic(), e.getCause().getMessage());
        }
        continue;
      } catch (TimeoutException noLeaderNow) {
        continue;
      }
      for (ProducerState p : states) {
        if (p.currentTransactionStartOffset().isPresent()) {
          open.add(new Open(tp, p.producerId(), p.producerEpoch(), p.currentTransactionStartOffset().getAsLong(),
              p.coordinatorEpoch().orElse(-1)));
        }
      }
    }
    seen.keySet().retainAll(open);
    reported.retainAll(open);
    if (open.isEmpty()) {
      lastOpen = 0;
      return List.of();
    }
    Map<Long, TransactionDescription> byProducer = describeByProducer(open);
    List<Open> hanging = new ArrayList<>();
    int old = 0;
    for (Open o : open) {
      Sighting s = seen.computeIfAbsent(o, k -> new Sighting(now));
      s.orphanScans = inFlight(byProducer.get(o.producerId()), o.producerId(), o.partition()) ? 0 : s.orphanScans + 1;
      if (now - s.firstSeenNanos >= olderThan.toNanos()) {
        old++;
        if (s.orphanScans >= ORPHAN_SCANS) {
          hanging.add(o);
        }
      }
    }
    lastOpen = old;
    return hanging;
  }

  private Map<Long, TransactionDescription> describeByProducer(List<Open> open)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<Long> producerIds = new HashSet<>();
    open.forEach(o -> producerIds.add(o.producerId()));
    Collection<TransactionListing> listings = admin().listTransactions(
        new ListTransactionsOptions().filterProducerIds(producerIds)).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Map<Long, TransactionDescription> byProducer = new HashMap<>();
    if (listings.isEmpty()) {
      return byProducer;
    }
    List<String> ids = listings.stream().map(TransactionListing::transactionalId).toList();
    var described = admin().describeTransactions(ids);
    for (String id : ids) {
      try {
        TransactionDescription d = described.description(id).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        byProducer.put(d.producerId(), d);
      } catch (ExecutionException | TimeoutException goneOrLoading) {
        // not described: its transactions count as in flight
      }
    }
    return byProducer;
  }

  /** Whether the partition still shows the same open transaction. */
  private boolean stillOpen(Open o) throws InterruptedException {
    try {
      return admin().describeProducers(List.of(o.partition())).partitionResult(o.partition())
          .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).activeProducers().stream()
          .anyMatch(p -> p.producerId() == o.producerId() && p.producerEpoch() == o.epoch()
              && p.currentTransactionStartOffset().isPresent()
              && p.currentTransactionStartOffset().getAsLong() == o.startOffset());
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  /** Whether the cluster's finalized {@code transaction.version} is 2 or more. */
  private boolean transactionVersion2() throws InterruptedException {
    try {
      FinalizedVersionRange v = admin().describeFeatures().featureMetadata().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .finalizedFeatures().get("transaction.version");
      return v != null && v.maxVersionLevel() >= 2;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  private List<TopicPartition> scannedPartitions() throws InterruptedException, ExecutionException, TimeoutException {
    List<String> names = admin().listTopics().names().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).stream()
        .filter(n -> outputTopics.contains(n) || applicationIds.stream().anyMatch(id -> n.startsWith(id + "-")))
        .toList();
    List<TopicPartition> partitions = new ArrayList<>();
    for (var e : admin().describeTopics(names).topicNameValues().entrySet()) {
      try {
        TopicDescription d = e.getValue().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
      } catch (ExecutionException | TimeoutException deletedOrNotAllowed) {
        // skipped
      }
    }
    return partitions;
  }

  private synchronized Admin admin() {
    if (admin == null) {
      admin = Admin.create(kafka.with(Map.of()));
    }
    return admin;
  }

  @Override
  public void close() {
    ScheduledExecutorService s;
    synchronized (this) {
      s = scheduler;
    }
    if (s != null) {
      s.shutdownNow();
      try {
        s.awaitTermination(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
      }
    }
  }
}
