package dev.rote.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.Telemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The "memory stays flat over 1,000 short runs", scaled down: {@value #RUNS} short runs one
 * after another through the analyzer topology, one second of wall clock between two runs, measuring
 * after each run the entries of every per-run store and the bytes their compacted changelogs hold
 * (the state a restarted instance restores, and what the in-memory stores hold in serialized form),
 * and the metric series. The slope over the second half of the runs is compared with eviction
 * (grace 5 s: about five finished runs wait at any time) and without it in effect (grace of a day).
 */
class BoundedStateTest {

  static final int RUNS = 200;
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  /** Every store the analyzer keeps per run, and the schedule of evictions. */
  static final List<String> STORES = List.of("run-state", "example-stats", "suspect-pending", "suspect-runs",
      "finished-runs");

  /** Measurements after each run: store entries, compacted changelog bytes, meters. */
  record Growth(double[] entries, double[] bytes, double[] meters) {

    double slope(double[] y) {
      int from = y.length / 2;
      int n = y.length - from;
      double mx = 0;
      double my = 0;
      for (int i = from; i < y.length; i++) {
        mx += i;
        my += y[i];
      }
      mx /= n;
      my /= n;
      double sxy = 0;
      double sxx = 0;
      for (int i = from; i < y.length; i++) {
        sxy += (i - mx) * (y[i] - my);
        sxx += (i - mx) * (i - mx);
      }
      return sxy / sxx;
    }

    String row(int run) {
      return String.format("%4d runs: %6.0f entries %9.0f bytes %5.0f meters", run, entries[run - 1], bytes[run - 1],
          meters[run - 1]);
    }
  }

  static Growth measure(Duration grace) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AnalyzerMetrics metrics = new AnalyzerMetrics();
    metrics.bindTo(registry);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    Growth g = new Growth(new double[RUNS], new double[RUNS], new double[RUNS]);
    try (TopologyTestDriver driver = new TopologyTestDriver(
        AnalyzerTopology.build(AnalyzerConfig.defaults().withEvictAfter(grace), metrics), p, T0)) {
      TestInputTopic<String, byte[]> telemetry = driver.createInputTopic(Topics.TELEMETRY.name(),
          new StringSerializer(), new ByteArraySerializer());
      TestInputTopic<String, byte[]> runs = driver.createInputTopic(Topics.RUNS.name(), new StringSerializer(),
          new ByteArraySerializer());
      List<TestOutputTopic<byte[], byte[]>> changelogs = new ArrayList<>();
      for (String s : STORES) {
        changelogs.add(driver.createOutputTopic("test-" + s + "-changelog", new ByteArrayDeserializer(),
            new ByteArrayDeserializer()));
      }
      Map<String, Integer> compacted = new HashMap<>();
      long time = 0;
      for (int r = 0; r < RUNS; r++) {
        SyntheticRun run = new SyntheticRun("run-" + r, 64, 16, 3, 2, r);
        runs.pipeInput(run.runId(), run.metadata(RunStatus.RUN_STATUS_RUNNING).toByteArray());
        for (Telemetry t : run.telemetry()) {
          telemetry.pipeInput(new TestRecord<>(t.getRunId(), t.toByteArray(), T0.plusMillis(++time)));
        }
        runs.pipeInput(run.runId(), run.metadata(RunStatus.RUN_STATUS_COMPLETED).toByteArray());
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        long entries = 0;
        for (int s = 0; s < STORES.size(); s++) {
          entries += driver.getKeyValueStore(STORES.get(s)).approximateNumEntries();
          for (var rec : changelogs.get(s).readRecordsToList()) {
            String key = s + "/" + HexFormat.of().formatHex(rec.key());
            if (rec.value() == null) {
              compacted.remove(key);
            } else {
              compacted.put(key, rec.key().length + rec.value().length);
            }
          }
        }
        g.entries[r] = entries;
        g.bytes[r] = compacted.values().stream().mapToInt(Integer::intValue).sum();
        g.meters[r] = registry.getMeters().size();
      }
    }
    return g;
  }

  @Test
  void shouldKeepTheStateOfManyShortRunsFlatWhenFinishedRunsAreEvicted() {
    Growth kept = measure(Duration.ofDays(1));
    Growth evicted = measure(Duration.ofSeconds(5));

    System.out.println("without eviction (grace 1 day):");
    for (int r : new int[] {25, 50, 100, 150, 200}) {
      System.out.println("  " + kept.row(r));
    }
    System.out.println("with eviction (grace 5 s):");
    for (int r : new int[] {25, 50, 100, 150, 200}) {
      System.out.println("  " + evicted.row(r));
    }
    System.out.printf("slopes per run over runs %d..%d: entries %.3f vs %.3f, bytes %.1f vs %.1f, meters %.3f vs %.3f%n",
        RUNS / 2 + 1, RUNS, kept.slope(kept.entries), evicted.slope(evicted.entries), kept.slope(kept.bytes),
        evicted.slope(evicted.bytes), kept.slope(kept.meters), evicted.slope(evicted.meters));

    // without eviction every run leaves its state and series behind
    assertThat(kept.slope(kept.entries)).isGreaterThanOrEqualTo(3);
    assertThat(kept.slope(kept.bytes)).isGreaterThan(1000);
    assertThat(kept.slope(kept.meters)).isGreaterThan(20);
    // with it, the state of the few runs inside their grace period, whatever the number of runs
    assertThat(Math.abs(evicted.slope(evicted.entries))).isLessThan(0.01 * kept.slope(kept.entries));
    assertThat(Math.abs(evicted.slope(evicted.bytes))).isLessThan(0.01 * kept.slope(kept.bytes));
    assertThat(Math.abs(evicted.slope(evicted.meters))).isLessThan(0.01 * kept.slope(kept.meters));
    assertThat(evicted.entries[RUNS - 1]).isLessThan(0.05 * kept.entries[RUNS - 1]);
  }
}
