package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.RuleEvaluator;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.RunAnalysis;
import dev.rote.bench.CommittedIndicators;
import dev.rote.bench.RecordedRun;
import dev.rote.bench.SimulatedTrainer;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topic;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * What the fault tests compare against: the recorded run analyzed in process, where nothing can
 * fail, and what actually reached Kafka, read back by independent {@code read_committed} consumers.
 */
final class FaultRuns {

  private FaultRuns() {}

  /**
   * The recorded run, then the same run trained on past the recording's end ({@link
   * RecordedRun#looped}) to twice its length: what the fault tests replay, so that a stop the
   * faults delay past step 1,580 still finds the run training, as a real run would, and a test can
   * tell a late stop from none.
   */
  static List<Telemetry> trainingOn(List<Telemetry> recording) {
    return RecordedRun.looped(recording, 2 * recording.get(recording.size() - 1).getStep());
  }

  /** The stop signal the built-in rules fire on the recording, analyzed in process. */
  static StopSignal expectedStop(List<Telemetry> recording) {
    StopSignal s = firstStop(recording, -1, -1);
    if (s == null) {
      throw new AssertionError("the recording fires no stop in process");
    }
    return s;
  }

  /**
   * The first stop signal the built-in rules fire on the recording analyzed in process, given the
   * run's metadata as its trainer publishes it, without the steps in [{@code from}, {@code to}), or
   * null when none fires.
   */
  static StopSignal firstStop(List<Telemetry> recording, long from, long to) {
    RunAnalysis analysis = new RunAnalysis(AnalyzerConfig.defaults(), false);
    String id = recording.get(0).getRunId();
    RuleEvaluator rules = new RuleEvaluator(RuleSet.defaults(), Map.of(id, RecordedRun.metadata(id, 0)));
    for (Telemetry t : recording) {
      if (t.getStep() >= from && t.getStep() < to) {
        continue;
      }
      for (Indicator i : analysis.apply(t)) {
        for (StopSignal s : rules.apply(i, 0)) {
          if (s.getAction() == SignalAction.SIGNAL_ACTION_STOP) {
            return s;
          }
        }
      }
    }
    return null;
  }

  /** The batch indicators of the published records, analyzed in process: name@step/layer/class → count. */
  static Map<String, Integer> expectedIndicators(List<Telemetry> published, String run) {
    RunAnalysis analysis = new RunAnalysis(AnalyzerConfig.defaults(), false);
    List<Indicator> out = new ArrayList<>();
    for (Telemetry t : published) {
      out.addAll(analysis.apply(t.toBuilder().setRunId(run).build()));
    }
    return keys(out);
  }

  static Map<String, Integer> keys(List<Indicator> indicators) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Indicator i : indicators) {
      String k = i.getName() + "@" + i.getStep() + "/" + (i.hasLayer() ? i.getLayer() : "-") + "/"
          + (i.hasClassLabel() ? i.getClassLabel() : "-");
      out.merge(k, 1, Integer::sum);
    }
    return out;
  }

  /** Committed indicators of a run, counted by identity. */
  static Map<String, Integer> committed(CommittedIndicators committed, String run) {
    return keys(committed.matching(i -> i.getRunId().equals(run)).stream()
        .map(CommittedIndicators.Seen::indicator).toList());
  }

  /**
   * Asserts that the run's committed indicators are exactly those of its published telemetry
   * analyzed in process: none missing, none twice.
   */
  static void assertExactlyOnce(CommittedIndicators committed, List<Telemetry> recording, SimulatedTrainer trainer)
      throws InterruptedException {
    List<Telemetry> published = recording.stream().filter(t -> t.getStep() <= trainer.lastStep()).toList();
    Map<String, Integer> expected = expectedIndicators(published, trainer.runId());
    long last = published.get(published.size() - 1).getStep();
    committed.await(i -> i.getRunId().equals(trainer.runId()) && i.getStep() >= last - last % 10,
        Duration.ofSeconds(60));
    Thread.sleep(1000);
    Map<String, Integer> got = committed(committed, trainer.runId());
    assertThat(got.entrySet()).as("indicators committed more often than the run analyzed in process emits them")
        .filteredOn(e -> e.getValue() > expected.getOrDefault(e.getKey(), 0)).isEmpty();
    assertThat(got).as("committed indicators (identity -> count) against the run analyzed in process")
        .containsExactlyInAnyOrderEntriesOf(expected);
  }

  /** The values of a topic's records keyed {@code run}, read_committed from the beginning. */
  static <V> List<V> read(KafkaSettings kafka, Topic<String, V> topic, String run, int atLeast, Duration timeout) {
    List<V> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(kafka.with(Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, "fault-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")), topic.keySerde().deserializer(),
        topic.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean more = true;
      while (more) {
        int before = out.size();
        consumer.poll(Duration.ofMillis(500)).forEach(r -> {
          if (run.equals(r.key())) {
            out.add(r.value());
          }
        });
        // Read until the expected count is reached and a poll brings nothing more (duplicates show).
        more = System.nanoTime() < deadline && (out.size() < atLeast || out.size() > before);
      }
    }
    return out;
  }

  /** Asserts that Kafka holds exactly the telemetry the trainer published, in order, each once. */
  static void assertNoTelemetryLost(KafkaSettings kafka, List<Telemetry> recording, SimulatedTrainer.Result r) {
    List<Telemetry> published = recording.subList(0, (int) r.records());
    List<Telemetry> stored = read(kafka, Topics.TELEMETRY, r.runId(), published.size(), Duration.ofSeconds(60));
    assertThat(r.dropped()).as("records the trainer's sink dropped").isZero();
    assertThat(stored.stream().map(t -> t.getStep() + ":" + t.getPayloadCase()).toList())
        .as("telemetry in Kafka, read_committed, against what the trainer published")
        .containsExactlyElementsOf(published.stream().map(t -> t.getStep() + ":" + t.getPayloadCase()).toList());
  }

  /**
   * The run's signals on {@code rote.control}, read_committed, for the tests' summary lines: whether a
   * stop the trainer did not get in time was sent later or never.
   */
  static String controlSignals(KafkaSettings kafka, String run) {
    List<StopSignal> signals = read(kafka, Topics.CONTROL, run, 1, Duration.ofSeconds(20));
    return signals.size() + " signal(s) on rote.control " + signals.stream()
        .map(s -> s.getRule() + "@" + s.getStep()).toList();
  }

  /** Asserts the run got exactly one stop signal on the control topic, the one computed in process. */
  static void assertOneStop(KafkaSettings kafka, SimulatedTrainer.Result r, StopSignal expected) {
    assertThat(r.stop()).as("stop signal received by the trainer").isPresent();
    StopSignal got = r.stop().orElseThrow();
    assertThat(got.getRule()).isEqualTo(expected.getRule());
    assertThat(got.getStep()).as("step of the indicator that fired").isEqualTo(expected.getStep());
    assertThat(got.getRestoreStep()).isEqualTo(expected.getRestoreStep());
    assertThat(read(kafka, Topics.CONTROL, r.runId(), 1, Duration.ofSeconds(20)))
        .as("stop signals on rote.control for the run").hasSize(1);
  }
}
