package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.AlertingMetrics;
import dev.rote.alerting.AlertingTopology;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.analyzer.AnalyzerTopology;
import dev.rote.analyzer.RunAnalysis;
import dev.rote.cli.RecordMutations.Mutant;
import dev.rote.cli.RecordMutations.Mutation;
import dev.rote.contract.DeadLetters;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import dev.rote.replay.TelemetryCatalog;
import dev.rote.trainer.StopControl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Property-based fuzzing of every topic a Rote component consumes, in process, on the same code the
 * services run: the analyzer's and the alerting service's topologies on {@link TopologyTestDriver}
 * (default exception handling: anything our code throws fails the property), the replay's
 * {@link RunAnalysis} beside the analyzer's topology, the trainer's {@link StopControl}, and the
 * catalog's step reader of {@code ./rote runs}. Every try is a run whose valid records are mutated by
 * {@link RecordMutations}; the properties: nothing throws, and every record is either used or
 * counted and dead-lettered with a reason, exactly once. The real-broker side is
 * {@link FuzzIntegrationTest}.
 */
class TopicFuzzTest {

  static final AtomicLong TELEMETRY_CASES = new AtomicLong();
  static final AtomicLong INDICATOR_CASES = new AtomicLong();
  static final AtomicLong CONTROL_CASES = new AtomicLong();
  static final AtomicLong CATALOG_CASES = new AtomicLong();
  static final AtomicLong DEAD_LETTERED = new AtomicLong();
  private static final AtomicLong RUNS = new AtomicLong();

  static Properties driverProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "fuzz");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return p;
  }

  @Provide
  Arbitrary<List<Mutation>> runs() {
    return RecordMutations.mutations().list().ofMinSize(1).ofMaxSize(16);
  }

  private static double sum(SimpleMeterRegistry registry, String name) {
    return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  // ---- rote.telemetry: the analyzer's topology, and the replay's RunAnalysis beside it ----

  // One driver per topology for the whole class (jqwik's instance lifecycle aside), closed after it.
  private static final SimpleMeterRegistry analyzerRegistry = new SimpleMeterRegistry();
  private static final AnalyzerMetrics analyzerMetrics = new AnalyzerMetrics();
  private static TopologyTestDriver analyzer;
  private static TopologyTestDriver nmf;

  private static synchronized void startAnalyzer() {
    if (analyzer == null) {
      analyzerMetrics.bindTo(analyzerRegistry);
      AnalyzerConfig config = AnalyzerConfig.defaults().withWindow(6, 2);
      analyzer = new TopologyTestDriver(AnalyzerTopology.build(config, analyzerMetrics), driverProperties(),
          Instant.ofEpochMilli(ValidRecords.T0));
      nmf = new TopologyTestDriver(AnalyzerTopology.buildNmf(config, analyzerMetrics), driverProperties(),
          Instant.ofEpochMilli(ValidRecords.T0));
    }
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void shouldUseOrDeadLetterEveryTelemetryRecordExactlyOnceAndReplayAlike(@ForAll("runs") List<Mutation> run) {
    startAnalyzer();
    AnalyzerConfig config = AnalyzerConfig.defaults().withWindow(6, 2);
    String runId = "fuzz-" + RUNS.incrementAndGet();
    TestInputTopic<String, byte[]> in = analyzer.createInputTopic(Topics.TELEMETRY.name(), new StringSerializer(),
        new ByteArraySerializer());
    TestOutputTopic<String, byte[]> out = analyzer.createOutputTopic(Topics.INDICATORS.name(),
        new StringDeserializer(), new ByteArrayDeserializer());
    TestOutputTopic<String, byte[]> dead = analyzer.createOutputTopic(Topics.DEAD_LETTER.name(),
        new StringDeserializer(), new ByteArrayDeserializer());
    TestOutputTopic<String, byte[]> probes = analyzer.createOutputTopic(AnalyzerTopology.probesTopic(config),
        new StringDeserializer(), new ByteArrayDeserializer());
    TestInputTopic<String, byte[]> nmfIn = nmf.createInputTopic(AnalyzerTopology.probesTopic(config),
        new StringSerializer(), new ByteArraySerializer());
    RunAnalysis replay = new RunAnalysis(config, false);
    for (int n = 1; n <= run.size(); n++) {
      Mutant m = run.get(n - 1).apply(runId, ValidRecords.telemetry(runId, n));
      double processed = sum(analyzerRegistry, AnalyzerMetrics.PROCESSED);
      double deadLettered = sum(analyzerRegistry, AnalyzerMetrics.DEAD_LETTERED);
      in.pipeInput(new TestRecord<>(m.key(), m.value(), Instant.ofEpochMilli(ValidRecords.T0 + n)));
      probes.readRecordsToList().forEach(nmfIn::pipeInput);
      double used = sum(analyzerRegistry, AnalyzerMetrics.PROCESSED) - processed;
      double rejected = sum(analyzerRegistry, AnalyzerMetrics.DEAD_LETTERED) - deadLettered;
      assertThat(used + rejected).as("used or dead-lettered, once: %s", m).isEqualTo(1);
      var letters = dead.readRecordsToList();
      assertThat(letters).as("dead letters of %s", m).hasSize((int) rejected);
      letters.forEach(l -> assertThat(l.headers().lastHeader(DeadLetters.REASON)).as("reason header").isNotNull());
      List<byte[]> indicators = out.readValuesToList();
      // The replay analyzes the run's records whose key and run id are the run's (ReplayJob skips the rest).
      Telemetry t = parse(m.value());
      if (t != null && runId.equals(m.key()) && runId.equals(t.getRunId())) {
        long before = replay.rejected();
        List<Indicator> replayed = replay.apply(t);
        assertThat(replay.rejected() - before).as("replay rejects what the analyzer dead-letters: %s", m)
            .isEqualTo((long) rejected);
        assertThat(replayed).as("replay gives the analyzer's indicators: %s", m)
            .isEqualTo(indicators.stream().map(TopicFuzzTest::indicator).toList());
      }
      TELEMETRY_CASES.incrementAndGet();
      DEAD_LETTERED.addAndGet((long) rejected);
    }
  }

  private static Telemetry parse(byte[] value) {
    try {
      return value == null ? null : Telemetry.parseFrom(value);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return null;
    }
  }

  private static Indicator indicator(byte[] b) {
    try {
      return Indicator.parseFrom(b);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  // ---- rote.indicators: the alerting service's topology ----

  private static final SimpleMeterRegistry alertingRegistry = new SimpleMeterRegistry();
  private static final AlertingMetrics alertingMetrics = new AlertingMetrics();
  private static TopologyTestDriver alerting;

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void shouldEvaluateOrDeadLetterEveryIndicatorRecordExactlyOnce(@ForAll("runs") List<Mutation> run)
      throws Exception {
    if (alerting == null) {
      alertingMetrics.bindTo(alertingRegistry);
      alerting = new TopologyTestDriver(AlertingTopology.build(RuleSet.defaults(), alertingMetrics),
          driverProperties(), Instant.ofEpochMilli(ValidRecords.T0));
    }
    String runId = "fuzz-" + RUNS.incrementAndGet();
    TestInputTopic<String, byte[]> in = alerting.createInputTopic(Topics.INDICATORS.name(), new StringSerializer(),
        new ByteArraySerializer());
    TestOutputTopic<String, byte[]> dead = alerting.createOutputTopic(Topics.DEAD_LETTER.name(),
        new StringDeserializer(), new ByteArrayDeserializer());
    TestOutputTopic<String, byte[]> control = alerting.createOutputTopic(Topics.CONTROL.name(),
        new StringDeserializer(), new ByteArrayDeserializer());
    for (int n = 1; n <= run.size(); n++) {
      Mutant m = run.get(n - 1).apply(runId, ValidRecords.indicator(runId, n));
      double processed = sum(alertingRegistry, AlertingMetrics.PROCESSED);
      double deadLettered = sum(alertingRegistry, AlertingMetrics.DEAD_LETTERED);
      in.pipeInput(new TestRecord<>(m.key(), m.value(), Instant.ofEpochMilli(ValidRecords.T0 + n)));
      double used = sum(alertingRegistry, AlertingMetrics.PROCESSED) - processed;
      double rejected = sum(alertingRegistry, AlertingMetrics.DEAD_LETTERED) - deadLettered;
      assertThat(used + rejected).as("evaluated or dead-lettered, once: %s", m).isEqualTo(1);
      assertThat(dead.readRecordsToList()).as("dead letters of %s", m).hasSize((int) rejected);
      for (var signal : control.readValuesToList()) {
        StopSignal s = StopSignal.parseFrom(signal);
        assertThat(s.getRunId()).isNotEmpty();
        assertThat(s.getSignalId()).isNotEmpty();
        assertThat(s.getRule()).isNotEmpty();
      }
      INDICATOR_CASES.incrementAndGet();
      DEAD_LETTERED.addAndGet((long) rejected);
    }
  }

  // ---- rote.control: the trainer's StopControl ----

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void shouldObeyOnlyAValidStopSignalAndCountEveryInvalidOneAddressedToTheRun(@ForAll("runs") List<Mutation> run) {
    String runId = "fuzz-" + RUNS.incrementAndGet();
    StopSignal first = null;
    try (StopControl control = StopControl.inMemory(runId)) {
      for (Mutation mutation : run) {
        Mutant m = mutation.apply(runId, ValidRecords.stopSignal(runId));
        long invalid = control.invalidSignals();
        boolean accepted = control.deliverRecord(m.key(), m.value());
        StopSignal s = parseSignal(m.value());
        boolean addressed = runId.equals(m.key()) || (s != null && runId.equals(s.getRunId()));
        boolean valid = s != null && runId.equals(m.key()) && runId.equals(s.getRunId()) && !s.getSignalId().isBlank()
            && !s.getRule().isBlank() && s.getAction() == SignalAction.SIGNAL_ACTION_STOP;
        assertThat(accepted).as("obeyed only when valid: %s", m).isEqualTo(valid);
        assertThat(control.invalidSignals() - invalid).as("counted when invalid and addressed to the run: %s", m)
            .isEqualTo(addressed && !valid ? 1 : 0);
        if (valid && first == null) {
          first = s;
        }
        CONTROL_CASES.incrementAndGet();
      }
      assertThat(control.stopSignal().orElse(null)).as("the first valid signal is kept").isEqualTo(first);
    }
  }

  private static StopSignal parseSignal(byte[] value) {
    try {
      return value == null ? null : StopSignal.parseFrom(value);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return null;
    }
  }

  // ---- what ./rote runs reads of rote.telemetry without parsing whole records ----

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void shouldReadTheStepOfATelemetryRecordOrSayItHasNone(@ForAll("runs") List<Mutation> run) {
    String runId = "fuzz-" + RUNS.incrementAndGet();
    for (int n = 1; n <= run.size(); n++) {
      Mutant m = run.get(n - 1).apply(runId, ValidRecords.telemetry(runId, n));
      long step = TelemetryCatalog.stepOf(m.value());
      Telemetry t = parse(m.value());
      if (t != null) {
        // The step the parser reads (the last occurrence of field 2, 0 when absent), or -1 for "none".
        assertThat(step).as("the step of %s", m).isIn(t.getStep(), t.getStep() == 0 ? -1L : t.getStep());
      }
      CATALOG_CASES.incrementAndGet();
    }
  }

  @AfterContainer
  static void closeDriversAndReport() {
    for (TopologyTestDriver d : new TopologyTestDriver[] {analyzer, nmf, alerting}) {
      if (d != null) {
        d.close();
      }
    }
    System.out.printf("fuzz (in process): %d telemetry, %d indicator, %d control, %d catalog records tried "
            + "(%d in all), %d dead-lettered with a reason%n", TELEMETRY_CASES.get(), INDICATOR_CASES.get(),
        CONTROL_CASES.get(), CATALOG_CASES.get(), TELEMETRY_CASES.get() + INDICATOR_CASES.get() + CONTROL_CASES.get()
            + CATALOG_CASES.get(), DEAD_LETTERED.get());
  }
}
