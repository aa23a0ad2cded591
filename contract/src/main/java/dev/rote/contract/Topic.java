package dev.rote.contract;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Rote topic: its name, the serdes of its key and value, and the topic-level configuration it is
 * created with. Every topic Rote reads or writes is listed in {@link Topics}; no other code spells
 * a topic name.
 *
 * @param name the topic name
 * @param keySerde serde of the record key (the run id for every Rote topic)
 * @param valueSerde serde of the record value
 * @param configs topic configuration applied when Rote creates the topic
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> configs) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
    configs = Map.copyOf(configs);
  }
}
