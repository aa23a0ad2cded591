package dev.rote.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StableProcessIdTest {

  /** Where Kafka Streams keeps its process id, and with it the producers' transactional ids. */
  private static final String PROCESS_FILE = "kafka-streams-process-metadata";

  @Test
  void shouldKeepTheProcessIdOfAnInMemoryTopologyAcrossRestarts(@TempDir Path dir) throws Exception {
    assertThat(processFileAfterAStart(topology(), dir.resolve("plain"))).as("without the store").doesNotExist();
    Path file = processFileAfterAStart(StableProcessId.addTo(topology()), dir.resolve("stable"));
    assertThat(file).exists();
    String first = Files.readString(file);
    processFileAfterAStart(StableProcessId.addTo(topology()), dir.resolve("stable"));
    assertThat(Files.readString(file)).as("the process id after a restart").isEqualTo(first);
  }

  @Test
  void shouldConnectTheStoreToAProcessor() {
    Topology t = StableProcessId.addTo(topology());
    assertThat(t.describe().subtopologies()).flatMap(TopologyDescription.Subtopology::nodes)
        .filteredOn(n -> n.name().equals("count"))
        .singleElement().satisfies(n -> assertThat(((TopologyDescription.Processor) n).stores())
            .contains("counts", StableProcessId.STORE));
  }

  /** A topology whose only store is in memory, as Rote's are. */
  private static Topology topology() {
    Topology t = new Topology();
    t.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
    t.addProcessor("count", () -> new Processor<String, String, Void, Void>() {
      @Override
      public void process(Record<String, String> r) {}
    }, "in");
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts"), Serdes.String(),
        Serdes.Long()), "count");
    return t;
  }

  /** Creates (never starts: no broker needed) and closes a Kafka Streams client on {@code stateDir}. */
  private static Path processFileAfterAStart(Topology topology, Path stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "rote-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    try (KafkaStreams streams = new KafkaStreams(topology, p)) {
      streams.close(Duration.ofSeconds(5));
    }
    return stateDir.resolve("rote-test").resolve(PROCESS_FILE);
  }
}
