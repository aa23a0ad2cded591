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
import dev.rote.contract.Topics;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import dev.rote.service.KafkaOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A three-node cluster of separate processes; the node leading the run's telemetry partition is
 * killed with SIGKILL mid-run and restarted later: no telemetry lost, the same stop as in process.
 */
@Tag("integration")
class BrokerNodeCrashIntegrationTest {

  @Test
  void shouldLoseNoTelemetryAndMissNoStopWhenOneOfThreeBrokersIsKilled(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
    List<Telemetry> recording = FaultRuns.trainingOn(RecordedRun.load());
    StopSignal expected = FaultRuns.expectedStop(recording);
    String run = "node-crash";
    try (KafkaCluster cluster = KafkaCluster.start(3, 0, dir.resolve("kafka"), Map.of(), Duration.ofMinutes(3))) {
      KafkaSettings kafka = KafkaOptions.connect(cluster.bootstrapServers(), null, 3, "1h");
      int leader = leaderOf(kafka, run);
      var registry = new SimpleMeterRegistry();
      try (AnalyzerService analyzer = new AnalyzerService(kafka, AnalyzerConfig.defaults(), registry,
              dir.resolve("analyzer"), 1);
          AlertingService alerting = new AlertingService(kafka, RuleSet.defaults(),
              AlertingService.DEFAULT_APPLICATION_ID, registry, dir.resolve("alerting"));
          SimulatedTrainer trainer = new SimulatedTrainer(kafka, run, recording, 50)) {
        analyzer.start(Duration.ofSeconds(90));
        alerting.start(Duration.ofSeconds(90));
        CompletableFuture<Void> restarted = new CompletableFuture<>();
        long[] nanos = new long[3];
        SimulatedTrainer.Result r = trainer.run(step -> {
          if (step == 300) {
            nanos[0] = System.nanoTime();
            cluster.kill(leader);
          } else if (step == 500) {
            nanos[1] = System.nanoTime();
            CompletableFuture.runAsync(() -> cluster.restart(leader, Duration.ofMinutes(2)))
                .whenComplete((v, e) -> {
                  nanos[2] = System.nanoTime();
                  restarted.complete(null);
                });
          }
        });
        restarted.get();
        trainer.drain(Duration.ofSeconds(30));
        System.out.printf("RELIABILITY node-crash: node %d (leader of the run's partition) killed at step 300, "
                + "restart begun at step 500 (%.1f s later), ready %.1f s after that; longest offer %.2f ms "
                + "(a step is 20 ms); %d records published, %d sent, %d dropped, %d bytes still buffered; stop %s "
                + "at step %d (in process: %s at step %d); trained to step %d; %s%n", leader,
            (nanos[1] - nanos[0]) / 1e9, (nanos[2] - nanos[1]) / 1e9, r.maxOfferNanos() / 1e6, r.records(),
            trainer.sink().sent(), trainer.sink().dropped(), trainer.sink().bufferedBytes(),
            r.stop().map(StopSignal::getRule).orElse("none"), r.stop().map(StopSignal::getStep).orElse(-1L),
            expected.getRule(), expected.getStep(), r.lastStep(), FaultRuns.controlSignals(kafka, run));
        assertThat(cluster.isRunning(leader)).isTrue();
        FaultRuns.assertOneStop(kafka, trainer.awaitStop(r, Duration.ofSeconds(60)), expected);
        FaultRuns.assertNoTelemetryLost(kafka, recording, r);
      }
    }
  }

  static int leaderOf(KafkaSettings kafka, String run) throws Exception {
    try (Admin admin = Admin.create(kafka.with(Map.of()))) {
      var partitions = admin.describeTopics(List.of(Topics.TELEMETRY.name())).allTopicNames().get()
          .get(Topics.TELEMETRY.name()).partitions();
      return partitions.get(AnalyzerScaleOutIntegrationTest.partition(run, partitions.size())).leader().id();
    }
  }
}
