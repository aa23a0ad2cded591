package dev.rote.analyzer.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The suspect ranking's state in Kafka Streams, in three changelogged stores keyed by run:
 * {@code example-stats} (key: run id and chunk number; value: an {@link ExampleStats} chunk of
 * {@link ExampleStats#SIZE} example ids), {@code suspect-pending} (key: run id and pending batch
 * number; value: a {@link PendingBatch}) and {@code suspect-runs} (key: run id; value:
 * {@link SuspectRun}). A batch costs one write to {@code suspect-pending}; the chunks are rewritten
 * when the pending batches are folded in, about once per epoch. {@link #drop} forgets a run in one
 * call.
 */
final class ExampleStatsStore {

  static final String CHUNKS = "example-stats";
  static final String PENDING = "suspect-pending";
  static final String RUNS = "suspect-runs";

  /** Key of a chunk or a pending batch: the run id's length and UTF-8 bytes, then the number, big-endian. */
  record ChunkKey(String run, int number) {

    ChunkKey {
      Objects.requireNonNull(run, "run");
    }

    static Serde<ChunkKey> serde() {
      return Serdes.serdeFrom((topic, k) -> k == null ? null : k.toBytes(),
          (topic, b) -> b == null ? null : fromBytes(b));
    }

    byte[] toBytes() {
      byte[] r = run.getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(8 + r.length).putInt(r.length).put(r).putInt(number).array();
    }

    static ChunkKey fromBytes(byte[] b) {
      ByteBuffer in = ByteBuffer.wrap(b);
      byte[] r = new byte[in.getInt()];
      in.get(r);
      return new ChunkKey(new String(r, StandardCharsets.UTF_8), in.getInt());
    }
  }

  static Serde<ExampleStats> chunkSerde() {
    return Serdes.serdeFrom((topic, s) -> s == null ? null : s.toBytes(),
        (topic, b) -> b == null ? null : ExampleStats.fromBytes(b));
  }

  static Serde<PendingBatch> pendingSerde() {
    return Serdes.serdeFrom((topic, s) -> s == null ? null : s.toBytes(),
        (topic, b) -> b == null ? null : PendingBatch.fromBytes(b));
  }

  private KeyValueStore<ChunkKey, ExampleStats> chunks;
  private KeyValueStore<ChunkKey, PendingBatch> pending;
  private KeyValueStore<String, SuspectRun> runs;

  void init(ProcessingContext context) {
    chunks = context.getStateStore(CHUNKS);
    pending = context.getStateStore(PENDING);
    runs = context.getStateStore(RUNS);
  }

  /** The run's state, a fresh one when the run is new. */
  SuspectRun run(String run) {
    SuspectRun r = runs.get(run);
    return r != null ? r : new SuspectRun();
  }

  void put(String run, SuspectRun state) {
    runs.put(run, state);
  }

  /** The chunks and pending batches of the run {@code run}, whose state is {@code state}. */
  SuspectTracker.Storage storageOf(String run, SuspectRun state) {
    return new SuspectTracker.Storage() {
      @Override
      public ExampleStats get(int chunk) {
        return chunks.get(new ChunkKey(run, chunk));
      }

      @Override
      public void put(int chunk, ExampleStats stats) {
        chunks.put(new ChunkKey(run, chunk), stats);
      }

      @Override
      public void forEach(ObjIntConsumer<ExampleStats> each) {
        if (state.chunkCount >= 0) {
          // by number: live objects, where a scan would serialize and read back every chunk
          for (int c = 0; c < state.chunkCount; c++) {
            ExampleStats s = chunks.get(new ChunkKey(run, c));
            if (s != null) {
              each.accept(s, c);
            }
          }
          return;
        }
        try (KeyValueIterator<ChunkKey, ExampleStats> it = range(chunks, run)) {
          while (it.hasNext()) {
            KeyValue<ChunkKey, ExampleStats> kv = it.next();
            each.accept(kv.value, kv.key.number());
          }
        }
      }

      @Override
      public void addPending(int index, PendingBatch batch) {
        pending.put(new ChunkKey(run, index), batch);
      }

      @Override
      public void forEachPending(int count, Consumer<PendingBatch> each) {
        for (int i = 0; i < count; i++) {
          PendingBatch b = pending.get(new ChunkKey(run, i));
          if (b == null) {
            throw new IllegalStateException("run " + run + ": pending batch " + i + " of " + count + " is missing");
          }
          each.accept(b);
        }
      }

      @Override
      public void clearPending(int count) {
        for (int i = 0; i < count; i++) {
          pending.delete(new ChunkKey(run, i));
        }
      }
    };
  }

  private static <V> KeyValueIterator<ChunkKey, V> range(KeyValueStore<ChunkKey, V> store, String run) {
    return store.range(new ChunkKey(run, 0), new ChunkKey(run, Integer.MAX_VALUE));
  }

  /** Forgets everything about the run: chunks, pending batches and state (tombstones in the changelogs). */
  void drop(String run) {
    deleteAll(chunks, run);
    deleteAll(pending, run);
    runs.delete(run);
  }

  private static <V> void deleteAll(KeyValueStore<ChunkKey, V> store, String run) {
    List<ChunkKey> keys = new ArrayList<>();
    try (KeyValueIterator<ChunkKey, V> it = range(store, run)) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(store::delete);
  }
}
