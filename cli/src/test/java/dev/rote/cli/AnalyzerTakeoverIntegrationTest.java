package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.AlertingService;
import dev.rote.alerting.RuleSet;
import dev.rote.bench.CommittedIndicators;
import dev.rote.bench.RecordedRun;
import dev.rote.bench.ServiceProcess;
import dev.rote.bench.SimulatedTrainer;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import dev.rote.service.KafkaOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two analyzer instances in processes of their own; the one analyzing the run is killed with SIGKILL
 * and not restarted: the survivor takes the run over within 10 s, with no indicator missing or
 * doubled, and the run still gets its stop.
 */
@Tag("integration")
class AnalyzerTakeoverIntegrationTest {

  @Test
  void shouldHaveTheSurvivorTakeOverWithin10SecondsWhenOneOfTwoAnalyzersIsKilled(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
    List<Telemetry> recording = FaultRuns.trainingOn(RecordedRun.load());
    StopSignal expected = FaultRuns.expectedStop(recording);
    String run = "takeover";
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = KafkaOptions.connect(broker.bootstrapServers(), null, 2, "1h");
      List<ServiceProcess> analyzers = new ArrayList<>();
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int port = freePort();
        ports.add(port);
        analyzers.add(new ServiceProcess(ServiceProcess.ANALYZER, List.of("-Xmx512m"), List.of("analyzer",
            "--bootstrap-servers", broker.bootstrapServers(), "--metrics-port", Integer.toString(port),
            "--state-dir", dir.resolve("analyzer-" + i).toString(), "--threads", "1"),
            dir.resolve("analyzer-" + i + ".log")));
      }
      try (ServiceProcess one = analyzers.get(0); ServiceProcess two = analyzers.get(1);
          AlertingService alerting = new AlertingService(kafka, RuleSet.defaults(),
              AlertingService.DEFAULT_APPLICATION_ID, new SimpleMeterRegistry(), dir.resolve("alerting"));
          CommittedIndicators committed = new CommittedIndicators(kafka);
          SimulatedTrainer trainer = new SimulatedTrainer(kafka, run, recording, 40)) {
        CompletableFuture.allOf(CompletableFuture.runAsync(() -> ServiceCrashIntegrationTest.start(one)),
            CompletableFuture.runAsync(() -> ServiceCrashIntegrationTest.start(two))).get();
        alerting.start(Duration.ofSeconds(90));
        long killAt = expected.getStep() - 400;
        List<CompletableFuture<Double>> resumed = new ArrayList<>();
        int[] victim = {-1};
        SimulatedTrainer.Result r = trainer.run(step -> {
          if (step == killAt) {
            victim[0] = processedBatches(ports.get(0)) > 0 ? 0 : 1;
            long killed = System.nanoTime();
            try {
              analyzers.get(victim[0]).kill();
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            resumed.add(CompletableFuture.supplyAsync(() -> ServiceCrashIntegrationTest.resume(committed, run,
                killed)));
          }
        });
        trainer.drain(Duration.ofSeconds(30));
        System.out.printf("RELIABILITY takeover: analyzer %d of 2 killed (SIGKILL, not restarted) at step %d; "
                + "survivor's next committed indicator %.1f s after the kill; survivor analyzed %.0f summaries; "
                + "stop %s at step %d (in process: %s at step %d)%n", victim[0], killAt, resumed.get(0).get(),
            processedBatches(ports.get(1 - victim[0])), r.stop().map(StopSignal::getRule).orElse("none"),
            r.stop().map(StopSignal::getStep).orElse(-1L), expected.getRule(), expected.getStep());
        assertThat(processedBatches(ports.get(1 - victim[0]))).as("summaries the survivor analyzed").isPositive();
        assertThat(resumed.get(0).get()).as("seconds from the kill to the survivor's next committed indicator")
            .isLessThan(ServiceCrashIntegrationTest.RESUME_BOUND.toSeconds());
        FaultRuns.assertOneStop(kafka, trainer.awaitStop(r, Duration.ofSeconds(60)), expected);
        FaultRuns.assertExactlyOnce(committed, recording, trainer);
      }
    }
  }

  static double processedBatches(int port) {
    return counter(port, "rote_analyzer_records_processed_total", "type=\"batch\"");
  }

  /** The sum of the series of {@code metric} whose labels contain {@code labels}, scraped from a service's port. */
  static double counter(int port, String metric, String labels) {
    try {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return body.lines().filter(l -> (l.startsWith(metric + "{") || l.startsWith(metric + " ")) && l.contains(labels))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  static int freePort() throws IOException {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
