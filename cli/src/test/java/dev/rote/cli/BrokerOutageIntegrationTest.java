package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.AlertingService;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerService;
import dev.rote.bench.RecordedRun;
import dev.rote.bench.SimulatedTrainer;
import dev.rote.broker.KafkaCluster;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import dev.rote.service.KafkaOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The only broker, a process of its own, killed with SIGKILL for 30 s while the onset of
 * memorization happens, then restarted on its data: the trainer never waits on Kafka, every
 * telemetry record arrives once the broker is back, and the run gets the stop it would have got
 * without the outage (the same rule, step and restore step), later.
 */
@Tag("integration")
class BrokerOutageIntegrationTest {

  private static final double STEPS_PER_SECOND = 20;

  @Test
  void shouldDeliverTelemetryAndStopTheRunAfterA30SecondBrokerOutage(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
    List<Telemetry> recording = FaultRuns.trainingOn(RecordedRun.load());
    StopSignal expected = FaultRuns.expectedStop(recording);
    String run = "broker-outage";
    try (KafkaCluster broker = KafkaCluster.start(1, 0, dir.resolve("kafka"), Map.of(), Duration.ofMinutes(2))) {
      KafkaSettings kafka = KafkaOptions.connect(broker.bootstrapServers(), null, 2, "1h");
      var registry = new SimpleMeterRegistry();
      try (AnalyzerService analyzer = new AnalyzerService(kafka, AnalyzerConfig.defaults(), registry,
              dir.resolve("analyzer"), 1);
          AlertingService alerting = new AlertingService(kafka, RuleSet.defaults(),
              AlertingService.DEFAULT_APPLICATION_ID, registry, dir.resolve("alerting"));
          SimulatedTrainer trainer = new SimulatedTrainer(kafka, run, recording, STEPS_PER_SECOND)) {
        analyzer.start(Duration.ofSeconds(90));
        alerting.start(Duration.ofSeconds(90));
        long killAt = expected.getStep() - 400;
        CompletableFuture<Void> restarted = new CompletableFuture<>();
        long[] nanos = new long[2];
        SimulatedTrainer.Result r = trainer.run(step -> {
          if (step == killAt) {
            nanos[0] = System.nanoTime();
            broker.kill(1);
            CompletableFuture.delayedExecutor(30, TimeUnit.SECONDS)
                .execute(() -> {
                  broker.restart(1, Duration.ofMinutes(2));
                  nanos[1] = System.nanoTime();
                  restarted.complete(null);
                });
          }
        });
        restarted.get();
        trainer.drain(Duration.ofSeconds(30));
        System.out.printf("RELIABILITY broker-outage: broker killed at step %d, back (restarted and ready) %.1f s "
                + "later; longest offer %.2f ms (a step is 50 ms); %d records published, %d sent, %d dropped, "
                + "%d bytes still buffered; stop %s at step %d (in process: %s at step %d), %.1f s after the "
                + "broker was back; trained to step %d; %s%n", killAt, (nanos[1] - nanos[0]) / 1e9,
            r.maxOfferNanos() / 1e6, r.records(), trainer.sink().sent(), trainer.sink().dropped(),
            trainer.sink().bufferedBytes(), r.stop().map(StopSignal::getRule).orElse("none"),
            r.stop().map(StopSignal::getStep).orElse(-1L), expected.getRule(), expected.getStep(),
            r.stopNanos() == 0 ? Double.NaN : (r.stopNanos() - nanos[1]) / 1e9, r.lastStep(),
            FaultRuns.controlSignals(kafka, run));
        // Handing a record to the sink only enqueues it; what a loaded machine adds is scheduling and GC
        // (up to ~120 ms seen at load 30). The promise, a step never blocked by the outage, is held to the
        // one-second bound the real DL4J loop of TelemetryOutageIntegrationTest is held to.
        assertThat(r.maxOfferNanos()).as("longest the trainer waited on its sink, ns")
            .isLessThan(TimeUnit.SECONDS.toNanos(1));
        assertThat(r.lastStep()).as("the run trained on through the outage")
            .isGreaterThan(killAt + (long) (30 * STEPS_PER_SECOND));
        FaultRuns.assertOneStop(kafka, trainer.awaitStop(r, Duration.ofSeconds(60)), expected);
        FaultRuns.assertNoTelemetryLost(kafka, recording, r);
      }
    }
  }
}
