package dev.rote.analyzer.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The suspect ranking's state in Kafka Streams: the {@code example-stats} store (key: run id and
 * chunk number, value: an {@link ExampleStats} chunk of {@link ExampleStats#SIZE} example ids) and
 * the {@code suspect-runs} store (key: run id, value: {@link SuspectRun}). Both are changelogged;
 * a batch rewrites only the chunks its examples fall in. {@link #drop} forgets a run in one call.
 *
 * <p>A bounded read-through copy of recently used chunks saves deserializing them on every record;
 * every change is still written to the stores, and the copy is dropped whenever the task is
 * (re)initialized, so a restored store is never shadowed.
 */
final class ExampleStatsStore {

  static final String CHUNKS = "example-stats";
  static final String RUNS = "suspect-runs";

  /** Chunks kept deserialized: 16,384 × 16 examples, about 13 MB. */
  private static final int LIVE_CHUNKS = 16_384;

  /** Key of a chunk: the run id's length and UTF-8 bytes, then the chunk number, big-endian. */
  record ChunkKey(String run, int chunk) {

    ChunkKey {
      Objects.requireNonNull(run, "run");
    }

    static Serde<ChunkKey> serde() {
      return Serdes.serdeFrom((topic, k) -> k == null ? null : k.toBytes(),
          (topic, b) -> b == null ? null : fromBytes(b));
    }

    byte[] toBytes() {
      byte[] r = run.getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(8 + r.length).putInt(r.length).put(r).putInt(chunk).array();
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

  private KeyValueStore<ChunkKey, ExampleStats> chunks;
  private KeyValueStore<String, SuspectRun> runs;
  private final Map<ChunkKey, ExampleStats> live = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ChunkKey, ExampleStats> eldest) {
      return size() > LIVE_CHUNKS;
    }
  };

  void init(ProcessorContext<?, ?> context) {
    chunks = context.getStateStore(CHUNKS);
    runs = context.getStateStore(RUNS);
    live.clear();
  }

  void close() {
    live.clear();
  }

  /** The run's state, a fresh one when the run is new. */
  SuspectRun run(String run) {
    SuspectRun r = runs.get(run);
    return r != null ? r : new SuspectRun();
  }

  /** The run's state, or null when the run is unknown. */
  SuspectRun existing(String run) {
    return runs.get(run);
  }

  void put(String run, SuspectRun state) {
    runs.put(run, state);
  }

  /** The run's chunks, read through the live copy and written to the store. */
  SuspectTracker.Chunks chunksOf(String run) {
    return new SuspectTracker.Chunks() {
      @Override
      public ExampleStats get(int chunk) {
        ChunkKey key = new ChunkKey(run, chunk);
        ExampleStats s = live.get(key);
        if (s == null) {
          s = chunks.get(key);
          if (s != null) {
            live.put(key, s);
          }
        }
        return s;
      }

      @Override
      public void put(int chunk, ExampleStats stats) {
        ChunkKey key = new ChunkKey(run, chunk);
        chunks.put(key, stats);
        live.put(key, stats);
      }

      @Override
      public void forEach(java.util.function.ObjIntConsumer<ExampleStats> each) {
        try (KeyValueIterator<ChunkKey, ExampleStats> it = range(run)) {
          while (it.hasNext()) {
            KeyValue<ChunkKey, ExampleStats> kv = it.next();
            each.accept(kv.value, kv.key.chunk());
          }
        }
      }
    };
  }

  private KeyValueIterator<ChunkKey, ExampleStats> range(String run) {
    return chunks.range(new ChunkKey(run, 0), new ChunkKey(run, Integer.MAX_VALUE));
  }

  /** Forgets everything about the run: its chunks and its state (tombstones in both changelogs). */
  void drop(String run) {
    List<ChunkKey> keys = new ArrayList<>();
    try (KeyValueIterator<ChunkKey, ExampleStats> it = range(run)) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(k -> {
      chunks.delete(k);
      live.remove(k);
    });
    runs.delete(run);
  }
}
