package dev.rote.service;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store of live, mutable objects in front of a Kafka Streams store (typically in memory
 * and changelogged): {@code put} only remembers the object, and each changed entry is serialized
 * into the store behind it once per {@link #flush()}, which Kafka Streams calls before every commit
 * (and before a task is suspended or closed). Under exactly-once the changelog therefore holds, at
 * every commit, the state of exactly the records whose offsets that commit covers, while a state
 * that changes on every record (a run's per-example arrays) is serialized once per commit instead
 * of once per record.
 *
 * <p>Kafka Streams writes caches into their changelogs before it commits the transaction (stores
 * that implement its {@code CachedStateStore}, an internal interface of the pinned Kafka version, as
 * its own caching layer does) and calls {@code flush} only after the commit; so the write-behind
 * happens in {@link #flushCache()}. A crash test ({@code ServiceCrashIntegrationTest}) checks that
 * a restored instance emits exactly the indicators of an uninterrupted one.
 *
 * <p>Reads return the live object (loaded from the store behind on first use); callers mutate it
 * and {@code put} it back to mark it changed. Deletes go straight through (tombstones in the
 * changelog). One stream thread per task uses a store, as Kafka Streams guarantees.
 */
public final class WriteBehindStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {

  private final KeyValueStore<K, V> inner;
  private final Map<K, V> live = new HashMap<>();
  private final Set<K> dirty = new LinkedHashSet<>();

  private WriteBehindStore(KeyValueStore<K, V> inner) {
    this.inner = inner;
  }

  /**
   * A builder of write-behind stores over the stores {@code inner} builds; configure logging on
   * {@code inner}, and leave its caching off (this store is the cache).
   */
  public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner) {
    return new Builder<>(inner);
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    live.clear();
    dirty.clear();
    inner.init(context, root);
  }

  /**
   * Serializes every changed entry into the store behind (and so into its changelog): Kafka Streams
   * calls this before it commits.
   */
  @Override
  public void flushCache() {
    for (K k : dirty) {
      V v = live.get(k);
      if (v != null) {
        inner.put(k, v);
      }
    }
    dirty.clear();
  }

  /** Forgets the live objects and their changes, as Kafka Streams asks when it closes a task uncleanly. */
  @Override
  public void clearCache() {
    live.clear();
    dirty.clear();
  }

  /** This store forwards nothing downstream when it writes behind. */
  @Override
  public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
    return false;
  }

  /** Writes behind what changed, then flushes the store behind. */
  @Override
  public void flush() {
    flushCache();
    inner.flush();
  }

  @Override
  public void close() {
    live.clear();
    dirty.clear();
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public V get(K key) {
    V v = live.get(key);
    if (v == null) {
      v = inner.get(key);
      if (v != null) {
        live.put(key, v);
      }
    }
    return v;
  }

  @Override
  public void put(K key, V value) {
    if (value == null) {
      delete(key);
      return;
    }
    live.put(key, value);
    dirty.add(key);
  }

  @Override
  public V putIfAbsent(K key, V value) {
    V old = get(key);
    if (old == null) {
      put(key, value);
    }
    return old;
  }

  @Override
  public void putAll(List<KeyValue<K, V>> entries) {
    entries.forEach(e -> put(e.key, e.value));
  }

  @Override
  public V delete(K key) {
    V old = get(key);
    live.remove(key);
    dirty.remove(key);
    inner.delete(key);
    return old;
  }

  /** Number of entries loaded as live objects (for tests and meters). */
  public int liveEntries() {
    return live.size();
  }

  @Override
  public KeyValueIterator<K, V> range(K from, K to) {
    flush();
    return inner.range(from, to);
  }

  @Override
  public KeyValueIterator<K, V> reverseRange(K from, K to) {
    flush();
    return inner.reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<K, V> all() {
    flush();
    return inner.all();
  }

  @Override
  public KeyValueIterator<K, V> reverseAll() {
    flush();
    return inner.reverseAll();
  }

  @Override
  public <S extends org.apache.kafka.common.serialization.Serializer<P>, P> KeyValueIterator<K, V> prefixScan(
      P prefix, S prefixKeySerializer) {
    flush();
    return inner.prefixScan(prefix, prefixKeySerializer);
  }

  @Override
  public long approximateNumEntries() {
    return Math.max(inner.approximateNumEntries(), live.size());
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return inner.query(query, positionBound, config);
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }

  private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
    private final StoreBuilder<KeyValueStore<K, V>> inner;

    Builder(StoreBuilder<KeyValueStore<K, V>> inner) {
      this.inner = inner;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
      throw new UnsupportedOperationException("a write-behind store is its own cache");
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
      inner.withCachingDisabled();
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
      inner.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
      inner.withLoggingDisabled();
      return this;
    }

    @Override
    public KeyValueStore<K, V> build() {
      return new WriteBehindStore<>(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}
