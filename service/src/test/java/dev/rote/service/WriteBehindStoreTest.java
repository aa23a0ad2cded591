package dev.rote.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class WriteBehindStoreTest {

  /** A mutable value, as a run's state is. */
  static final class Counter {
    int n;
  }

  private final AtomicInteger serialized = new AtomicInteger();
  private final Serde<Counter> serde = Serdes.serdeFrom(
      (topic, c) -> {
        serialized.incrementAndGet();
        return ByteBuffer.allocate(4).putInt(c.n).array();
      },
      (topic, b) -> {
        Counter c = new Counter();
        c.n = ByteBuffer.wrap(b).getInt();
        return c;
      });

  private KeyValueStore<String, Counter> store() {
    KeyValueStore<String, Counter> store = WriteBehindStore.builder(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore("counters"), Serdes.String(), serde).withLoggingDisabled()).build();
    store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    return store;
  }

  @Test
  void shouldSerializeAChangedValueOncePerCommitNotOncePerPut() {
    KeyValueStore<String, Counter> store = store();
    for (int i = 0; i < 100; i++) {
      Counter c = store.get("run-a");
      if (c == null) {
        c = new Counter();
      }
      c.n++;
      store.put("run-a", c);
    }
    assertThat(serialized).hasValue(0);
    // What Kafka Streams calls before it commits a transaction:
    ((WriteBehindStore<String, Counter>) store).flushCache();
    assertThat(serialized).hasValue(1);
    store.flush();
    assertThat(serialized).as("nothing changed since the last flush").hasValue(1);
    assertThat(contents(store)).containsExactly("run-a=100");
  }

  @Test
  void shouldDeleteThroughAndForgetTheLiveObject() {
    KeyValueStore<String, Counter> store = store();
    Counter a = new Counter();
    a.n = 1;
    Counter b = new Counter();
    b.n = 2;
    store.put("run-a", a);
    store.put("run-b", b);
    store.flush();
    assertThat(store.delete("run-b")).isSameAs(b);
    assertThat(store.get("run-b")).isNull();
    store.put("run-c", new Counter());
    store.delete("run-c");
    store.flush();
    assertThat(contents(store)).containsExactly("run-a=1");
    assertThat(((WriteBehindStore<String, Counter>) store).liveEntries()).isEqualTo(1);
  }

  private static List<String> contents(KeyValueStore<String, Counter> store) {
    List<String> out = new ArrayList<>();
    try (var it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, Counter> kv = it.next();
        out.add(kv.key + "=" + kv.value.n);
      }
    }
    return out;
  }
}
