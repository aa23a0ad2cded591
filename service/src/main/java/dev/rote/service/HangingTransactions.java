package dev.rote.service;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topic;
import dev.rote.contract.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
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
 * Finds and aborts <em>hanging</em> transactions on the partitions a Kafka Streams service writes:
 * a transaction still open on a partition, long past its timeout, that its transaction coordinator
 * no longer counts as in flight (KIP-664). One such transaction holds the partition's last stable
 * offset, so every {@code read_committed} reader stops there: a Streams application restoring its
 * changelog waits in REBALANCING for ever, and a trainer reading {@code rote.control} never sees a
 * stop. Seen here after the only broker was down for 30 s while an exactly-once application had a
 * transaction open (docs/RELIABILITY.md). Kafka leaves finding and aborting them to an operator
 * ({@code kafka-transactions.sh find-hanging}); this does the same on a schedule.
 *
 * <p>A transaction counts as hanging when it has been open on the partition for longer than
 * {@code olderThan} (twice the service's {@code transaction.timeout.ms}, by which time its
 * coordinator has aborted or committed it) and its coordinator reports it neither ongoing nor
 * preparing a commit or an abort, or no longer knows its producer. Aborting needs the
 * {@code ClusterAction} permission on the cluster (the Kafka {@code WriteTxnMarkers} API): a secured
 * service without it logs the transaction and what an administrator runs to abort it.
 */
public final class HangingTransactions implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HangingTransactions.class);
  private static final Set<TransactionState> IN_FLIGHT = Set.of(TransactionState.ONGOING,
      TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT);
  private static final long CALL_TIMEOUT_MS = 10_000;

  /** Metric: hanging transactions this service aborted. */
  public static final String ABORTED = "rote.streams.hanging.transactions.aborted";
  /** Metric: hanging transactions found that this service could not abort, by reason. */
  public static final String UNRESOLVED = "rote.streams.hanging.transactions.unresolved";

  private final String service;
  private final Admin admin;
  private final Collection<String> applicationIds;
  private final Duration olderThan;
  private final Clock clock;
  private final Counter aborted;
  private final MeterRegistry registry;
  private final Set<String> reported = new HashSet<>();
  private ScheduledExecutorService scheduler;
  private volatile int lastOpen;
  private final Map<AbortTransactionSpec, Long> startOffsets = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param service what the logs and metrics call the service, e.g. {@code alerting}
   * @param applicationIds the service's Kafka Streams application ids: their internal topics
   *     ({@code <application.id>-...}) are scanned beside Rote's topics
   * @param olderThan how long a transaction stays open on a partition before it may count as hanging
   */
  public HangingTransactions(String service, KafkaSettings kafka, Collection<String> applicationIds,
      Duration olderThan, MeterRegistry registry, Clock clock) {
    this.service = service;
    this.admin = Admin.create(kafka.with(Map.of()));
    this.applicationIds = List.copyOf(applicationIds);
    this.olderThan = olderThan;
    this.clock = clock;
    this.registry = registry;
    this.aborted = Counter.builder(ABORTED).tag("service", service)
        .description("Hanging transactions (open past their timeout, unknown to their coordinator) aborted")
        .register(registry);
  }

  /** Scans every {@code every}, starting one period from now, until closed. */
  public synchronized void start(Duration every) {
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, service + "-hanging-transactions");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleWithFixedDelay(this::repairQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void repairQuietly() {
    try {
      repair();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | ExecutionException | TimeoutException e) {
      // The brokers may be down: the next scan tries again.
      log.debug("{}: cannot scan for hanging transactions: {}", service, e.toString());
    }
  }

  /**
   * One scan: finds the hanging transactions on the scanned partitions and aborts them.
   *
   * @return the transactions it aborted
   */
  public List<AbortTransactionSpec> repair() throws InterruptedException, ExecutionException, TimeoutException {
    List<AbortTransactionSpec> hanging = find();
    List<AbortTransactionSpec> done = new ArrayList<>();
    for (AbortTransactionSpec spec : hanging) {
      if (!stillOpen(spec)) {
        continue;
      }
      try {
        admin.abortTransaction(spec).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        aborted.increment();
        done.add(spec);
        log.warn("{}: aborted a hanging transaction on {} (producer id {}, epoch {}), open past its timeout "
            + "and unknown to its coordinator; it held the partition's last stable offset", service,
            spec.topicPartition(), spec.producerId(), spec.producerEpoch());
      } catch (ExecutionException e) {
        String reason = e.getCause() instanceof AuthorizationException ? "unauthorized" : "failed";
        registry.counter(UNRESOLVED, "service", service, "reason", reason).increment();
        if (reported.add(spec.topicPartition() + "/" + spec.producerId() + "/" + spec.producerEpoch())) {
          log.error("{}: a hanging transaction holds {} (producer id {}, epoch {}) and cannot be aborted ({}); "
              + "an administrator aborts it with: kafka-transactions.sh --bootstrap-server ... abort --topic {} "
              + "--partition {} --producer-id {} --producer-epoch {} --coordinator-epoch {}", service,
              spec.topicPartition(), spec.producerId(), spec.producerEpoch(), e.getCause().getMessage(),
              spec.topicPartition().topic(), spec.topicPartition().partition(), spec.producerId(),
              spec.producerEpoch(), spec.coordinatorEpoch());
        }
      }
    }
    return done;
  }

  /**
   * How many transactions the last scan found open on a scanned partition for longer than
   * {@code olderThan}, hanging or not.
   */
  public int lastScanOpen() {
    return lastOpen;
  }

  /**
   * Asks the partition once more, just before the abort, whether the transaction is still open there
   * and started where it did: under transaction version 1 a producer keeps its epoch from one
   * transaction to the next, so a transaction that ended between the scan and the abort must not
   * have its successor aborted in its place.
   */
  private boolean stillOpen(AbortTransactionSpec spec) throws InterruptedException, TimeoutException {
    Long start = startOffsets.get(spec);
    try {
      return admin.describeProducers(List.of(spec.topicPartition())).partitionResult(spec.topicPartition())
          .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).activeProducers().stream()
          .anyMatch(p -> p.producerId() == spec.producerId() && p.producerEpoch() == spec.producerEpoch()
              && p.currentTransactionStartOffset().isPresent()
              && p.currentTransactionStartOffset().getAsLong() == start);
    } catch (ExecutionException e) {
      return false;
    }
  }

  /** The hanging transactions on the scanned partitions, as the specs that abort them. */
  public List<AbortTransactionSpec> find() throws InterruptedException, ExecutionException, TimeoutException {
    List<TopicPartition> partitions = scannedPartitions();
    lastOpen = 0;
    if (partitions.isEmpty()) {
      return List.of();
    }
    long now = clock.millis();
    Map<TopicPartition, List<ProducerState>> open = new HashMap<>();
    Set<Long> producerIds = new HashSet<>();
    var producers = admin.describeProducers(partitions);
    for (TopicPartition tp : partitions) {
      List<ProducerState> states;
      try {
        states = producers.partitionResult(tp).get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).activeProducers();
      } catch (ExecutionException notLedOrNotAllowed) {
        continue;
      }
      for (ProducerState p : states) {
        if (p.currentTransactionStartOffset().isPresent() && now - p.lastTimestamp() > olderThan.toMillis()) {
          open.computeIfAbsent(tp, k -> new ArrayList<>()).add(p);
          producerIds.add(p.producerId());
        }
      }
    }
    lastOpen = open.values().stream().mapToInt(List::size).sum();
    if (open.isEmpty()) {
      return List.of();
    }
    Map<Long, TransactionDescription> byProducer = describeByProducer(producerIds);
    List<AbortTransactionSpec> hanging = new ArrayList<>();
    startOffsets.clear();
    for (var e : open.entrySet()) {
      for (ProducerState p : e.getValue()) {
        TransactionDescription d = byProducer.get(p.producerId());
        boolean inFlight = d != null && IN_FLIGHT.contains(d.state())
            && (d.state() != TransactionState.ONGOING || d.topicPartitions().contains(e.getKey()));
        if (!inFlight) {
          AbortTransactionSpec spec = new AbortTransactionSpec(e.getKey(), p.producerId(), (short) p.producerEpoch(),
              p.coordinatorEpoch().orElse(-1));
          hanging.add(spec);
          startOffsets.put(spec, p.currentTransactionStartOffset().getAsLong());
        }
      }
    }
    return hanging;
  }

  private Map<Long, TransactionDescription> describeByProducer(Set<Long> producerIds)
      throws InterruptedException, ExecutionException, TimeoutException {
    Collection<TransactionListing> listings = admin.listTransactions(
        new ListTransactionsOptions().filterProducerIds(producerIds)).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    Map<Long, TransactionDescription> byProducer = new HashMap<>();
    if (listings.isEmpty()) {
      return byProducer;
    }
    List<String> ids = listings.stream().map(TransactionListing::transactionalId).toList();
    for (var e : admin.describeTransactions(ids).all().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).entrySet()) {
      byProducer.put(e.getValue().producerId(), e.getValue());
    }
    return byProducer;
  }

  private List<TopicPartition> scannedPartitions() throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> rote = new HashSet<>();
    for (Topic<?, ?> t : Topics.ALL) {
      rote.add(t.name());
    }
    List<String> names = admin.listTopics().names().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS).stream()
        .filter(n -> rote.contains(n) || applicationIds.stream().anyMatch(id -> n.startsWith(id + "-")))
        .toList();
    List<TopicPartition> partitions = new ArrayList<>();
    for (var e : admin.describeTopics(names).topicNameValues().entrySet()) {
      try {
        TopicDescription d = e.getValue().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
      } catch (ExecutionException deletedOrNotAllowed) {
        // skipped
      }
    }
    return partitions;
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    admin.close(Duration.ofSeconds(5));
  }
}
