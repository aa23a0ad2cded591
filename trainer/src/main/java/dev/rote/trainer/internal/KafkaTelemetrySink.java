package dev.rote.trainer.internal;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topic;
import dev.rote.contract.Topics;
import dev.rote.trainer.TelemetrySink;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous, idempotent, compressed Kafka producer behind a bounded buffer. The training thread
 * only enqueues; a sender thread builds, serializes and sends. When the buffer (queue plus records
 * the producer has not yet acknowledged) would pass its bound, new records are dropped and counted.
 *
 * <p>A broker outage costs no telemetry while the buffer has room: the producer never times records
 * out ({@code delivery.timeout.ms} is unbounded by default, the buffer bounds memory instead), and a
 * record the producer cannot take yet (no metadata while the cluster is unreachable, its own buffer
 * full) stays at the head of the queue and is offered again, so records leave in the order they came.
 * Only records rejected for good (too large, not authorized) are dropped and counted.
 */
public final class KafkaTelemetrySink implements TelemetrySink {

  private static final Logger log = LoggerFactory.getLogger(KafkaTelemetrySink.class);
  private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final long RETRY_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long MAX_RETRY_BACKOFF_MS = 1000;

  private static final class Outgoing {
    final String topic;
    final byte[] key;
    final long size;
    final Supplier<byte[]> value;
    /** The serialized value, built once even when sending is retried. */
    byte[] bytes;

    Outgoing(String topic, byte[] key, long size, Supplier<byte[]> value) {
      this.topic = topic;
      this.key = key;
      this.size = size;
      this.value = value;
    }
  }

  private static final Outgoing END = new Outgoing("", new byte[0], 0, () -> null);

  private final Producer<byte[], byte[]> producer;
  private final BlockingQueue<Outgoing> queue = new ArrayBlockingQueue<>(65_536);
  private final long maxBufferedBytes;
  private final AtomicLong buffered = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedSinceLog = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private long lastRetryLog;
  private volatile long lastDropLog;
  private volatile boolean closing;
  private volatile long closeDeadline = Long.MAX_VALUE;
  private final Thread sender;

  /**
   * @param kafka the user's client properties, passed through; Rote adds producer defaults where
   *     they are unset
   * @param clientId {@code client.id} unless the user set one
   */
  public KafkaTelemetrySink(KafkaSettings kafka, String clientId, long maxBufferedBytes) {
    this(new KafkaProducer<>(producerConfig(kafka, clientId, maxBufferedBytes),
        new ByteArraySerializer(), new ByteArraySerializer()), maxBufferedBytes);
  }

  KafkaTelemetrySink(Producer<byte[], byte[]> producer, long maxBufferedBytes) {
    this.producer = producer;
    this.maxBufferedBytes = maxBufferedBytes;
    this.sender = new Thread(this::sendLoop, "rote-telemetry-sender");
    sender.setDaemon(true);
    sender.start();
  }

  /**
   * Producer defaults: idempotent, acks=all, lz4, large records; records never time out in the
   * producer (the sink's buffer bounds memory), and {@code send} blocks the sender thread at most a
   * second before the record is offered again.
   *
   * <p>lz4 and a 50 ms linger keep what the telemetry costs the machine small: a trainer on a CPU
   * publishes a record every few tens of milliseconds, and with {@code linger.ms=5} each went out in
   * a request of its own, which the producer's I/O thread and the broker paid for in full; with 50 ms
   * a request carries several steps. zstd compresses better but took more CPU in the producer and the
   * broker (docs/BENCHMARKS.md, "Trainer instrumentation cost": 2.2 against 4.2 ms of background CPU
   * per step in the same run). Telemetry reaches the analyzer up to 50 ms later; the stop rules decide
   * on epochs.
   */
  public static Map<String, Object> producerConfig(KafkaSettings kafka, String clientId, long maxBufferedBytes) {
    return kafka.with(Map.ofEntries(
        Map.entry(ProducerConfig.CLIENT_ID_CONFIG, clientId),
        Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
        Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"),
        // One request in flight: a retried first batch can never leave later ones out of sequence.
        Map.entry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"),
        Map.entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
        Map.entry(ProducerConfig.LINGER_MS_CONFIG, "50"),
        Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1024 * 1024)),
        Map.entry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Topics.MAX_MESSAGE_BYTES)),
        Map.entry(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(maxBufferedBytes + Topics.MAX_MESSAGE_BYTES)),
        Map.entry(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000"),
        Map.entry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000"),
        Map.entry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE)),
        Map.entry(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000")));
  }

  @Override
  public <V> boolean offer(Topic<String, V> topic, String key, long sizeHint, Supplier<V> value) {
    long size = Math.max(64, sizeHint);
    if (closing || buffered.addAndGet(size) > maxBufferedBytes) {
      if (!closing) {
        buffered.addAndGet(-size);
      }
      drop(1, closing ? "sink closed" : "buffer full");
      return false;
    }
    byte[] keyBytes = topic.keySerde().serializer().serialize(topic.name(), key);
    Supplier<byte[]> bytes = () -> topic.valueSerde().serializer().serialize(topic.name(), value.get());
    if (!queue.offer(new Outgoing(topic.name(), keyBytes, size, bytes))) {
      buffered.addAndGet(-size);
      drop(1, "queue full");
      return false;
    }
    return true;
  }

  private void sendLoop() {
    while (true) {
      Outgoing o;
      try {
        o = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (o == END) {
        return;
      }
      try {
        if (!send(o)) {
          return;
        }
      } catch (InterruptedException e) {
        buffered.addAndGet(-o.size);
        drop(1, "interrupted at close");
        return;
      }
    }
  }

  /**
   * Hands {@code o} to the producer, offering it again while the producer cannot take it yet.
   *
   * @return false when the sink is closing and the record was dropped instead
   */
  private boolean send(Outgoing o) throws InterruptedException {
    long backoff = 10;
    while (true) {
      RuntimeException notTaken;
      try {
        if (o.bytes == null) {
          o.bytes = o.value.get();
        }
        Delivery delivery = new Delivery(o);
        producer.send(new ProducerRecord<>(o.topic, o.key, o.bytes), delivery);
        notTaken = delivery.notTaken();
        if (notTaken == null) {
          return true;
        }
      } catch (RetriableException e) {
        notTaken = e;
      } catch (RuntimeException e) {
        // Rejected for good (record too large, not authorized, interrupted at close): counted.
        buffered.addAndGet(-o.size);
        drop(1, e.getClass().getSimpleName() + ": " + e.getMessage());
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException();
        }
        return true;
      }
      // No metadata (cluster unreachable) or the producer's buffer full: keep the record, in order.
      if (closing && System.nanoTime() > closeDeadline) {
        buffered.addAndGet(-o.size);
        drop(1, "still buffered at close: " + notTaken.getMessage());
        return false;
      }
      retrying(notTaken);
      Thread.sleep(backoff);
      backoff = Math.min(MAX_RETRY_BACKOFF_MS, backoff * 2);
    }
  }

  /**
   * The callback of one send. The producer reports a record it could not even take (no metadata
   * within {@code max.block.ms}, buffer full) by calling back at once, on the sending thread: such
   * a record is offered again instead of being counted as lost.
   */
  private final class Delivery implements Callback {
    private final Outgoing o;
    private final Thread sendingThread = Thread.currentThread();
    private boolean sending = true;
    private RuntimeException notTaken;

    Delivery(Outgoing o) {
      this.o = o;
    }

    /** The reason the producer did not take the record, once {@code send} returned; null when it did. */
    RuntimeException notTaken() {
      sending = false;
      return notTaken;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception e) {
      if (sending && Thread.currentThread() == sendingThread && e instanceof RetriableException r) {
        notTaken = r;
        return;
      }
      buffered.addAndGet(-o.size);
      if (e == null) {
        sent.incrementAndGet();
      } else {
        drop(1, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }

  private void retrying(RuntimeException e) {
    long n = retries.incrementAndGet();
    long now = System.nanoTime();
    if (now - lastRetryLog > RETRY_LOG_INTERVAL_NANOS) {
      lastRetryLog = now;
      log.warn("Kafka does not take telemetry yet ({}); keeping {} bytes buffered and retrying ({} retries so "
          + "far); training goes on", e.getMessage(), bufferedBytes(), n);
    }
  }

  private void drop(long n, String reason) {
    dropped.addAndGet(n);
    long pending = droppedSinceLog.addAndGet(n);
    long now = System.nanoTime();
    if (now - lastDropLog > DROP_LOG_INTERVAL_NANOS) {
      lastDropLog = now;
      droppedSinceLog.addAndGet(-pending);
      log.warn("dropped {} telemetry record(s) ({} in total); training goes on. Last reason: {}",
          pending, dropped.get(), reason);
    }
  }

  /** Binds Micrometer's Kafka client metrics of the producer ({@code kafka_producer_*}); close to unbind. */
  public AutoCloseable bindClientMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    var metrics = new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(producer);
    metrics.bindTo(registry);
    return metrics;
  }

  @Override
  public long sent() {
    return sent.get();
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  /** Times a record had to be offered to the producer again because it could not take it yet. */
  public long retries() {
    return retries.get();
  }

  @Override
  public long bufferedBytes() {
    return Math.max(0, buffered.get());
  }

  @Override
  public synchronized void close(Duration timeout) {
    if (closing) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    closeDeadline = deadline;
    closing = true;
    try {
      if (!queue.offer(END, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        sender.interrupt();
      }
      sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (sender.isAlive()) {
        sender.interrupt();
        sender.join(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long left = Math.max(0, deadline - System.nanoTime());
    producer.close(Duration.ofNanos(left));
    int stranded = 0;
    for (Outgoing o; (o = queue.poll()) != null; ) {
      if (o != END) {
        stranded++;
        buffered.addAndGet(-o.size);
      }
    }
    if (stranded > 0) {
      drop(stranded, "still buffered at close");
    }
    if (dropped.get() > 0) {
      log.warn("telemetry closed: {} record(s) sent, {} dropped", sent.get(), dropped.get());
    }
  }
}
