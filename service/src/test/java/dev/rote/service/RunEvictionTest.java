package dev.rote.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RunEviction} in a small topology of its own: a processor that counts each run's events in
 * the store {@code counts} (keyed by run id), beside the run-metadata validator and the eviction.
 */
class RunEvictionTest {

  static final Duration GRACE = Duration.ofMinutes(10);

  final List<String> evicted = new ArrayList<>();
  TopologyTestDriver driver;
  TestInputTopic<String, String> events;
  TestInputTopic<String, byte[]> runs;
  KeyValueStore<String, Long> counts;
  KeyValueStore<String, Long> finished;

  /** Counts each run's events; a run it holds no count for starts at 1, and tells the eviction. */
  static final class Counter implements Processor<String, String, Void, Void> {
    private KeyValueStore<String, Long> store;
    private RunEviction.Late eviction;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore("counts");
      eviction = RunEviction.late(context);
    }

    @Override
    public void process(Record<String, String> record) {
      Long n = store.get(record.key());
      if (n == null) {
        n = 0L;
        eviction.stateCreated(record.key());
      }
      store.put(record.key(), n + 1);
    }
  }

  void start(Duration grace) {
    Topology topology = new Topology();
    topology.addSource("events-source", Serdes.String().deserializer(), Serdes.String().deserializer(), "events");
    topology.addProcessor("count", Counter::new, "events-source");
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts"), Serdes.String(),
        Serdes.Long()), "count");
    RunMetadataTopology.addTo(topology, "app", "tester", reason -> {}, List.of(RunEviction.NAME));
    RunEviction.after(grace).keyedStore("counts").action(evicted::add).lateRecordsFrom("count").addTo(topology);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "app");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    driver = new TopologyTestDriver(topology, p, Instant.parse("2026-11-01T00:00:00Z"));
    events = driver.createInputTopic("events", new StringSerializer(), new StringSerializer());
    runs = driver.createInputTopic(Topics.RUNS.name(), new StringSerializer(), new ByteArraySerializer());
    counts = driver.getKeyValueStore("counts");
    finished = driver.getKeyValueStore(RunEviction.STORE);
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  void status(String run, RunStatus status) {
    runs.pipeInput(run, RunMetadata.newBuilder().setRunId(run).setStatus(status).build().toByteArray());
  }

  @Test
  void shouldEvictAFinishedRunOnceItsGracePeriodHasPassedAndLeaveARunningOneAlone() {
    start(GRACE);
    events.pipeInput("done", "e");
    events.pipeInput("busy", "e");
    status("done", RunStatus.RUN_STATUS_RUNNING);
    status("busy", RunStatus.RUN_STATUS_RUNNING);
    status("done", RunStatus.RUN_STATUS_COMPLETED);

    driver.advanceWallClockTime(GRACE.minusSeconds(1));
    assertThat(counts.get("done")).as("within the grace period").isEqualTo(1L);
    assertThat(finished.get("done")).isNotNull();
    assertThat(evicted).isEmpty();

    driver.advanceWallClockTime(RunEviction.MAX_INTERVAL);
    assertThat(counts.get("done")).isNull();
    assertThat(finished.get("done")).isNull();
    assertThat(evicted).containsExactly("done");
    assertThat(counts.get("busy")).isEqualTo(1L);

    driver.advanceWallClockTime(GRACE.multipliedBy(3));
    assertThat(counts.get("busy")).as("a running run is never evicted").isEqualTo(1L);
    assertThat(evicted).containsExactly("done");
  }

  @Test
  void shouldEvictOnEveryFinishedStatusAndKeepTheFirstEndTime() {
    start(GRACE);
    for (RunStatus s : List.of(RunStatus.RUN_STATUS_STOPPED, RunStatus.RUN_STATUS_FAILED)) {
      events.pipeInput(s.name(), "e");
      status(s.name(), s);
    }
    driver.advanceWallClockTime(GRACE.dividedBy(2));
    status(RunStatus.RUN_STATUS_STOPPED.name(), RunStatus.RUN_STATUS_STOPPED); // repeated: the clock does not restart
    driver.advanceWallClockTime(GRACE.dividedBy(2).plus(RunEviction.MAX_INTERVAL));

    assertThat(evicted).containsExactlyInAnyOrder("RUN_STATUS_STOPPED", "RUN_STATUS_FAILED");
    assertThat(counts.approximateNumEntries()).isZero();
  }

  @Test
  void shouldDeleteWithTombstonesSoThatTheChangelogsCompact() {
    start(GRACE);
    events.pipeInput("a", "e");
    status("a", RunStatus.RUN_STATUS_COMPLETED);
    driver.advanceWallClockTime(GRACE.plus(RunEviction.MAX_INTERVAL));

    var changelog = driver.createOutputTopic("app-counts-changelog", new StringDeserializer(), new LongDeserializer())
        .readRecordsToList();
    assertThat(changelog).extracting(TestRecord::key).containsExactly("a", "a");
    assertThat(changelog.get(1).value()).isNull();
    var schedule = driver.createOutputTopic("app-" + RunEviction.STORE + "-changelog", new StringDeserializer(),
        new LongDeserializer()).readRecordsToList();
    assertThat(schedule).extracting(TestRecord::key).containsExactly("a", "a");
    assertThat(schedule.get(1).value()).isNull();
  }

  @Test
  void shouldEvictAtOnceOnATombstone() {
    start(GRACE);
    events.pipeInput("gone", "e");
    events.pipeInput("kept", "e");
    status("gone", RunStatus.RUN_STATUS_RUNNING);

    runs.pipeInput(new TestRecord<>("gone", (byte[]) null));

    assertThat(counts.get("gone")).isNull();
    assertThat(counts.get("kept")).isEqualTo(1L);
    assertThat(evicted).containsExactly("gone");
  }

  @Test
  void shouldCancelTheEvictionOfARunThatResumes() {
    start(GRACE);
    events.pipeInput("a", "e");
    status("a", RunStatus.RUN_STATUS_STOPPED);
    status("a", RunStatus.RUN_STATUS_RUNNING);
    driver.advanceWallClockTime(GRACE.multipliedBy(2));

    assertThat(counts.get("a")).isEqualTo(1L);
    assertThat(finished.get("a")).isNull();
    assertThat(evicted).isEmpty();
  }

  @Test
  void shouldEvictAtOnceWithAGraceOfZero() {
    start(Duration.ZERO);
    events.pipeInput("a", "e");
    status("a", RunStatus.RUN_STATUS_COMPLETED);

    assertThat(counts.get("a")).isNull();
    assertThat(finished.get("a")).isNull();
    assertThat(evicted).containsExactly("a");
  }

  @Test
  void shouldStartAFreshStateForALateRecordAndEvictItAgain() {
    start(GRACE);
    events.pipeInput("a", "e");
    events.pipeInput("a", "e");
    status("a", RunStatus.RUN_STATUS_COMPLETED);
    driver.advanceWallClockTime(GRACE.plus(RunEviction.MAX_INTERVAL));
    assertThat(counts.get("a")).isNull();

    events.pipeInput("a", "late");
    assertThat(counts.get("a")).as("a fresh state").isEqualTo(1L);
    assertThat(finished.get("a")).as("scheduled again").isNotNull();

    driver.advanceWallClockTime(GRACE.plus(RunEviction.MAX_INTERVAL));
    assertThat(counts.get("a")).isNull();
    assertThat(evicted).containsExactly("a", "a");
  }

  @Test
  void shouldNotScheduleAFreshStateOfARunningOrUnknownRun() {
    start(GRACE);
    status("a", RunStatus.RUN_STATUS_RUNNING);
    events.pipeInput("a", "e");
    events.pipeInput("unknown", "e");

    assertThat(finished.approximateNumEntries()).isZero();
  }

  @Test
  void shouldSweepBetweenOnceASecondAndTwiceAMinute() {
    assertThat(RunEviction.interval(Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RunEviction.interval(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    assertThat(RunEviction.interval(Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> RunEviction.after(Duration.ofSeconds(-1)))
        .hasMessage("grace must be >= 0, was PT-1S");
  }

  @Test
  void shouldParseTheGracePeriodOfTheCommandLine() {
    EvictionOptions o = new EvictionOptions();
    o.evictAfter = "10m";
    assertThat(o.grace()).isEqualTo(Duration.ofMinutes(10));
    o.evictAfter = "0";
    assertThat(o.grace()).isZero();
    o.evictAfter = "1500ms";
    assertThat(o.grace()).isEqualTo(Duration.ofMillis(1500));
    o.evictAfter = "-5m";
    assertThatThrownBy(o::grace).hasMessage("--evict-after must look like 10m, 1h, 30s, 500ms or 0, was '-5m'");
    o.evictAfter = "soon";
    assertThatThrownBy(o::grace).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'soon'");
  }
}
