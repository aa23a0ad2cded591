package dev.rote.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.LayerStats;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.Telemetry;
import dev.rote.service.RunEviction;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bounded state in the analyzer topology: finished runs leave every per-run store and their metric series go. */
class EvictionTopologyTest {

  static final Duration GRACE = Duration.ofMinutes(10);
  /** Every store that holds per-run state in the analyzer topology. */
  static final List<String> STORES = List.of("run-state", "example-stats", "suspect-pending", "suspect-runs");

  /** The analyzer topology on a test driver, as the suspect ranking's tests drive it. */
  final SuspectsTopologyTest pipeline = new SuspectsTopologyTest();
  final SimpleMeterRegistry registry = pipeline.registry;
  TopologyTestDriver driver;
  TestInputTopic<String, byte[]> runs;
  TestOutputTopic<String, byte[]> dead;
  TestOutputTopic<String, byte[]> indicators;

  void start(AnalyzerConfig config) {
    pipeline.start(config);
    driver = pipeline.driver;
    runs = driver.createInputTopic(Topics.RUNS.name(), new StringSerializer(), new ByteArraySerializer());
    dead = pipeline.dead;
    indicators = driver.createOutputTopic(Topics.INDICATORS.name(), new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  @AfterEach
  void close() {
    pipeline.close();
  }

  /** A run's telemetry, its first batch with layer statistics, through the topology; its status on rote.runs. */
  void train(SyntheticRun run) {
    runs.pipeInput(run.runId(), run.metadata(RunStatus.RUN_STATUS_RUNNING).toByteArray());
    List<Telemetry> ts = run.telemetry();
    for (int i = 0; i < ts.size(); i++) {
      Telemetry t = ts.get(i);
      if (i == 0) {
        t = t.toBuilder().setBatch(t.getBatch().toBuilder().addLayers(LayerStats.newBuilder().setIndex(0)
            .setGradientNorm(1).setParameterNorm(2).setUpdateRatio(0.01))).build();
      }
      send(t);
    }
  }

  void send(Telemetry t) {
    pipeline.send(t);
  }

  void end(SyntheticRun run, RunStatus status) {
    runs.pipeInput(run.runId(), run.metadata(status).toByteArray());
  }

  /** Entries of {@code run} in the analyzer's per-run stores. */
  long entries(String run) {
    long n = 0;
    for (String name : STORES) {
      KeyValueStore<Object, Object> store = driver.getKeyValueStore(name);
      try (var it = store.all()) {
        while (it.hasNext()) {
          Object key = it.next().key;
          // keys are the run id, or a record (run id, number) of the suspect ranking
          if (key.equals(run) || key.toString().contains("run=" + run + ",")) {
            n++;
          }
        }
      }
    }
    return n;
  }

  List<Meter> series(String run) {
    return registry.getMeters().stream().filter(m -> run.equals(m.getId().getTag("run"))).toList();
  }

  @Test
  void shouldEvictAFinishedRunFromEveryStoreAndRemoveItsSeriesAfterTheGracePeriod() {
    start(AnalyzerConfig.defaults().withEvictAfter(GRACE));
    SyntheticRun done = new SyntheticRun("done", 200, 20, 2, 99, 1);
    SyntheticRun busy = new SyntheticRun("busy", 200, 20, 2, 99, 2);
    train(done);
    train(busy);
    end(done, RunStatus.RUN_STATUS_COMPLETED);
    assertThat(entries("done")).as("state of the finished run before its grace period ends").isGreaterThan(4);
    assertThat(series("done")).extracting(m -> m.getId().getName())
        .contains(AnalyzerMetrics.INDICATOR, AnalyzerMetrics.LAYER_GRADIENT_NORM, AnalyzerMetrics.SUSPECT_SCORE);
    long busyEntries = entries("busy");
    int busySeries = series("busy").size();

    driver.advanceWallClockTime(GRACE.minusMinutes(1));
    assertThat(entries("done")).isGreaterThan(4);

    driver.advanceWallClockTime(Duration.ofMinutes(1).plusSeconds(30));
    assertThat(entries("done")).isZero();
    assertThat(series("done")).isEmpty();
    assertThat(driver.getKeyValueStore(RunEviction.STORE).approximateNumEntries()).isZero();
    assertThat(registry.get(AnalyzerMetrics.RUNS_EVICTED).counter().count()).isEqualTo(1);

    assertThat(entries("busy")).as("the running run keeps its state").isEqualTo(busyEntries);
    assertThat(series("busy")).hasSize(busySeries);
    assertThat(dead.isEmpty()).isTrue();
  }

  @Test
  void shouldEvictStoppedAndFailedRunsToo() {
    start(AnalyzerConfig.defaults().withEvictAfter(Duration.ofSeconds(5)));
    SyntheticRun stopped = new SyntheticRun("stopped", 40, 8, 2, 99, 3);
    SyntheticRun failed = new SyntheticRun("failed", 40, 8, 2, 99, 4);
    train(stopped);
    train(failed);
    end(stopped, RunStatus.RUN_STATUS_STOPPED);
    end(failed, RunStatus.RUN_STATUS_FAILED);
    driver.advanceWallClockTime(Duration.ofSeconds(6));

    assertThat(entries("stopped") + entries("failed")).isZero();
    assertThat(series("stopped")).isEmpty();
    assertThat(series("failed")).isEmpty();
  }

  @Test
  void shouldEvictAtOnceOnATombstone() {
    start(AnalyzerConfig.defaults().withEvictAfter(GRACE));
    SyntheticRun gone = new SyntheticRun("gone", 40, 8, 2, 99, 5);
    train(gone);
    assertThat(entries("gone")).isPositive();

    runs.pipeInput(new TestRecord<>("gone", (byte[]) null));

    assertThat(entries("gone")).isZero();
    assertThat(series("gone")).isEmpty();
  }

  @Test
  void shouldStartAFreshStateForTelemetryThatArrivesAfterItsRunWasEvicted() {
    start(AnalyzerConfig.defaults().withEvictAfter(Duration.ZERO).withWindow(4, 2));
    SyntheticRun run = new SyntheticRun("late", 40, 8, 2, 99, 6);
    train(run);
    end(run, RunStatus.RUN_STATUS_COMPLETED);
    assertThat(entries("late")).isZero();
    indicators.readRecordsToList();

    List<Telemetry> ts = run.telemetry();
    Telemetry last = ts.get(ts.size() - 1);
    for (int i = 1; i <= 4; i++) {
      send(last.toBuilder().setStep(last.getStep() + i).build());
    }

    assertThat(dead.isEmpty()).as("a late record is no bad record").isTrue();
    assertThat(indicators.readRecordsToList()).as("indicators from the fresh state").isNotEmpty();
    assertThat(entries("late")).isPositive();
    assertThat(driver.getKeyValueStore(RunEviction.STORE).get("late")).as("its eviction scheduled again")
        .isNotNull();

    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(entries("late")).isZero();
    assertThat(series("late")).isEmpty();
  }

  @Test
  void shouldEvictTheRunStateWhenTheSuspectRankingIsOff() {
    start(AnalyzerConfig.defaults().withSuspectsTop(0).withEvictAfter(Duration.ZERO));
    SyntheticRun run = new SyntheticRun("plain", 40, 8, 2, 99, 7);
    train(run);
    assertThat(driver.<String, Object>getKeyValueStore("run-state").get("plain")).isNotNull();

    end(run, RunStatus.RUN_STATUS_COMPLETED);

    assertThat(driver.<String, Object>getKeyValueStore("run-state").get("plain")).isNull();
    assertThat(series("plain")).isEmpty();
  }
}
