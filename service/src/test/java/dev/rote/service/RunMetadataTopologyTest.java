package dev.rote.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.DeadLetters;
import dev.rote.contract.EpochLength;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.DatasetInfo;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RunMetadataTopologyTest {

  private final List<String> counted = new ArrayList<>();
  private final TopologyTestDriver driver;
  private final TestInputTopic<String, byte[]> runs;
  private final TestOutputTopic<String, byte[]> dead;

  RunMetadataTopologyTest() {
    Topology topology = new Topology();
    RunMetadataTopology.addTo(topology, "app", "tester", counted::add);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    driver = new TopologyTestDriver(topology, p, Instant.parse("2026-11-01T00:00:00Z"));
    runs = driver.createInputTopic(Topics.RUNS.name(), new StringSerializer(), new ByteArraySerializer());
    dead = driver.createOutputTopic(Topics.DEAD_LETTER.name(), new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  static RunMetadata run(String id, long trainSize, String batchSize) {
    RunMetadata.Builder b = RunMetadata.newBuilder().setRunId(id).setStatus(RunStatus.RUN_STATUS_RUNNING)
        .setDataset(DatasetInfo.newBuilder().setTrainSize(trainSize));
    if (batchSize != null) {
      b.putHyperparameters("batch_size", batchSize);
    }
    return b.build();
  }

  private RunDirectory directory() {
    KeyValueStore<String, RunMetadata> store = driver.getKeyValueStore(RunMetadataTopology.STORE);
    return RunDirectory.of(store);
  }

  @Test
  void shouldKeepTheLatestMetadataOfEveryRunAndDeleteOnATombstone() {
    runs.pipeInput("a", run("a", 3000, "128").toByteArray());
    runs.pipeInput("b", run("b", 60000, null).toByteArray());
    runs.pipeInput("a", run("a", 3000, "128").toBuilder().setStatus(RunStatus.RUN_STATUS_STOPPED).build().toByteArray());

    RunDirectory d = directory();
    assertThat(d.status("a")).contains(RunStatus.RUN_STATUS_STOPPED);
    assertThat(d.epochLength("a")).isEqualTo(new EpochLength(24, null)); // ceil(3000 / 128)
    assertThat(d.trainSize("b")).hasValue(60000);
    assertThat(d.epochLength("b").missing()).isEqualTo("hyperparameters[\"batch_size\"]");
    assertThat(d.epochLength("nobody").missing()).startsWith("run metadata");

    runs.pipeInput(new TestRecord<>("a", (byte[]) null));
    assertThat(directory().metadata("a")).isEmpty();
    assertThat(directory().metadata("b")).isPresent();
    assertThat(dead.isEmpty()).isTrue();
    assertThat(counted).isEmpty();
  }

  @Test
  void shouldDeadLetterPoisonPillsOnTheRunsTopicAndKeepGoing() {
    runs.pipeInput("x", new byte[] {(byte) 0xff, 0x13, 0x37});
    runs.pipeInput("y", run("someone-else", 10, "1").toByteArray());
    runs.pipeInput(new TestRecord<String, byte[]>(null, run("z", 10, "1").toByteArray()));
    runs.pipeInput("big", new byte[RunMetadataTopology.MAX_BYTES + 1]);
    runs.pipeInput("ok", run("ok", 10, "4").toByteArray());

    List<TestRecord<String, byte[]>> letters = dead.readRecordsToList();
    assertThat(letters).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
        .containsExactly("deserialization", "key_mismatch", "null_record", "too_large");
    assertThat(letters).allSatisfy(r -> {
      assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE)).isEqualTo("tester");
      assertThat(DeadLetters.header(r.headers(), DeadLetters.TOPIC)).isEqualTo(Topics.RUNS.name());
      assertThat(DeadLetters.header(r.headers(), DeadLetters.MESSAGE)).isNotBlank();
    });
    assertThat(letters.get(0).value()).containsExactly((byte) 0xff, 0x13, 0x37);
    assertThat(counted).containsExactly("deserialization", "key_mismatch", "null_record", "too_large");
    assertThat(directory().epochLength("ok").steps()).isEqualTo(3);
    assertThat(directory().metadata("x")).isEmpty();
    assertThat(directory().metadata("y")).isEmpty();
  }
}
