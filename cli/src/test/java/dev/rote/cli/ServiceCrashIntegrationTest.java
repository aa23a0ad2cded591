package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.bench.CommittedIndicators;
import dev.rote.bench.RecordedRun;
import dev.rote.bench.ServiceProcess;
import dev.rote.bench.SimulatedTrainer;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import dev.rote.service.KafkaOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyzer and the alerting service in processes of their own, each killed with SIGKILL mid-run
 * and restarted at once, as a supervisor would: committed indicators resume within 10 s, none is
 * missing or doubled, and the run gets exactly one stop signal, the one computed in process.
 */
@Tag("integration")
class ServiceCrashIntegrationTest {

  /** The promise (docs/RELIABILITY.md): measured and printed by every run of this test. */
  static final Duration RESUME = Duration.ofSeconds(10);
  /**
   * What the test asserts: on a loaded machine a JVM restart alone can take most of the 10 s, so the
   * assertion is looser, but still far below what Kafka's defaults give (a 45 s session timeout and
   * more: docs/RELIABILITY.md, the failover benchmark), which is the regression it guards against.
   */
  static final Duration RESUME_BOUND = Duration.ofSeconds(30);

  @Test
  void shouldResumeWithin10SecondsAndStopOnceWhenAnalyzerAndAlertingAreKilled(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
    List<Telemetry> recording = FaultRuns.trainingOn(RecordedRun.load());
    StopSignal expected = FaultRuns.expectedStop(recording);
    String run = "service-crash";
    FaultLogs timeline = new FaultLogs("service-crash");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      crashBoth(broker, dir, recording, expected, run, timeline);
    } finally {
      timeline.keep(dir);
    }
  }

  private static void crashBoth(EmbeddedKafkaBroker broker, Path dir, List<Telemetry> recording,
      StopSignal expected, String run, FaultLogs timeline) throws Exception {
    KafkaSettings kafka = KafkaOptions.connect(broker.bootstrapServers(), null, 2, "1h");
    ServiceProcess analyzer = service(ServiceProcess.ANALYZER, "analyzer", broker, dir);
    ServiceProcess alerting = service(ServiceProcess.ALERTING, "alerting", broker, dir);
    try (analyzer; alerting; CommittedIndicators committed = new CommittedIndicators(kafka);
        SimulatedTrainer trainer = new SimulatedTrainer(kafka, run, recording, 40)) {
      CompletableFuture.allOf(CompletableFuture.runAsync(() -> start(analyzer)),
          CompletableFuture.runAsync(() -> start(alerting))).get();
      // 600 steps (15 s) before the alerting service's kill, so that the two restarts do not share the
      // machine's two cores: each failover is measured on its own (at 400 steps they overlapped).
      long analyzerKill = expected.getStep() - 600;
      // Just before the firing indicator's step is published: the stop waits on the restarted alerting.
      long alertingKill = expected.getStep() - 10;
      long[] killedNanos = {0, 0};
      long[] killedMs = {0, 0};
      List<Double> resumed = new CopyOnWriteArrayList<>();
      List<CompletableFuture<Void>> restarts = new ArrayList<>();
      SimulatedTrainer.Result r = trainer.run(step -> {
        if (step == analyzerKill) {
          killedMs[0] = System.currentTimeMillis();
          long killed = killedNanos[0] = System.nanoTime();
          restarts.add(killAndRestart(analyzer, () -> resumed.add(resume(committed, run, killed))));
        } else if (step == alertingKill) {
          killedMs[1] = System.currentTimeMillis();
          killedNanos[1] = System.nanoTime();
          restarts.add(killAndRestart(alerting, () -> { }));
        }
      });
      CompletableFuture.allOf(restarts.toArray(CompletableFuture[]::new)).get();
      trainer.drain(Duration.ofSeconds(30));
      r = trainer.awaitStop(r, Duration.ofSeconds(60));
      double alertingSeconds = r.stopNanos() == 0 ? Double.NaN : (r.stopNanos() - killedNanos[1]) / 1e9;
      timeline.at("analyzer killed", killedMs[0]).started("analyzer", analyzer)
          .at("next committed indicator", resumed.isEmpty() || !Double.isFinite(resumed.get(0)) ? 0
              : killedMs[0] + Math.round(resumed.get(0) * 1000))
          .at("alerting killed", killedMs[1])
          .at("indicator of the firing step committed", committed.matching(i -> i.getRunId().equals(run)
              && i.getStep() >= expected.getStep()).stream().mapToLong(CommittedIndicators.Seen::wallMs).min().orElse(0))
          .started("alerting", alerting)
          .at("stop at the trainer", r.stopNanos() == 0 ? 0 : killedMs[1] + Math.round(alertingSeconds * 1000));
      System.out.printf("RELIABILITY service-crash: analyzer killed (SIGKILL) at step %d and restarted, next "
              + "committed indicator %.1f s after the kill (restart %.1f s); alerting killed at step %d and "
              + "restarted, stop at the trainer %.1f s after that kill (restart %.1f s); stop %s at step %d (in "
              + "process: %s at step %d); %s%n", analyzerKill,
          resumed.isEmpty() ? Double.NaN : resumed.get(0), lastStart(analyzer), alertingKill, alertingSeconds,
          lastStart(alerting), r.stop().map(StopSignal::getRule).orElse("none"),
          r.stop().map(StopSignal::getStep).orElse(-1L), expected.getRule(), expected.getStep(),
          FaultRuns.controlSignals(kafka, run));
      FaultRuns.assertOneStop(kafka, r, expected);
      FaultRuns.assertExactlyOnce(committed, recording, trainer);
      assertThat(resumed).hasSize(1);
      assertThat(resumed.get(0)).as("seconds from the analyzer's kill to its next committed indicator")
          .isLessThan(RESUME_BOUND.toSeconds());
      assertThat(alertingSeconds).as("seconds from the alerting service's kill to the stop signal at the trainer")
          .isLessThan(RESUME_BOUND.toSeconds());
    }
  }

  /** Seconds the latest start of {@code p} took, from spawning its JVM to its log saying it runs. */
  static double lastStart(ServiceProcess p) {
    List<ServiceProcess.Start> starts = p.starts();
    return starts.isEmpty() ? Double.NaN : starts.get(starts.size() - 1).seconds();
  }

  private static ServiceProcess service(String main, String name, EmbeddedKafkaBroker broker, Path dir) {
    return new ServiceProcess(main, List.of("-Xmx512m"), List.of(name, "--bootstrap-servers",
        broker.bootstrapServers(), "--metrics-port", "0", "--state-dir", dir.resolve(name).toString()),
        dir.resolve(name + ".log"));
  }

  /** Starts {@code p}, waiting up to 90 s for it to run (a loaded machine's JVM start). */
  static void start(ServiceProcess p) {
    try {
      p.start(Duration.ofSeconds(90));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Kills {@code p} now and restarts it on another thread, running {@code measure} beside it. */
  private static CompletableFuture<Void> killAndRestart(ServiceProcess p, Runnable measure) {
    try {
      p.kill();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return CompletableFuture.allOf(CompletableFuture.runAsync(() -> start(p)), CompletableFuture.runAsync(measure));
  }

  /**
   * Seconds from {@code killed} to the first committed indicator of the run at a step beyond all
   * those committed before the kill (read within a second after it).
   */
  static double resume(CommittedIndicators committed, String run, long killed) {
    try {
      Thread.sleep(1000);
      long before = committed.matching(i -> i.getRunId().equals(run)).stream()
          .filter(s -> s.nanos() < killed + 1_000_000_000L).mapToLong(s -> s.indicator().getStep()).max().orElse(0);
      CommittedIndicators.Seen next = committed.await(i -> i.getRunId().equals(run) && i.getStep() > before,
          Duration.ofSeconds(120));
      return next == null ? Double.POSITIVE_INFINITY : (next.nanos() - killed) / 1e9;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }
}
