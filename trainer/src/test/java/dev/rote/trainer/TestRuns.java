package dev.rote.trainer;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/** An in-memory run: RoteTelemetry with an in-memory sink and stop control, and helpers to read what it sent. */
final class TestRuns {

  final InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
  final StopControl control;
  final RoteTelemetry rote;

  TestRuns(TelemetryConfig config) {
    this.control = StopControl.inMemory(config.runId());
    this.rote = new RoteTelemetry(config, sink, control, null);
  }

  static StopSignal signal(String runId, long restoreStep) {
    StopSignal.Builder b = StopSignal.newBuilder().setSignalId(runId + "/memorization_onset").setRunId(runId)
        .setRule("memorization_onset").setReason("flip rate rebounded").setAction(SignalAction.SIGNAL_ACTION_STOP);
    if (restoreStep > 0) {
      b.setRestoreStep(restoreStep);
    }
    return b.build();
  }

  /** A listener that delivers {@code signal} to the control after step {@code step} (1-based). */
  BaseTrainingListener signalAfterStep(long step, StopSignal signal) {
    return new BaseTrainingListener() {
      @Override
      public void iterationDone(Model model, int iteration, int epoch) {
        if (iteration + 1L == step) {
          control.deliver(signal.getRunId(), signal);
        }
      }
    };
  }

  List<Telemetry> batches() {
    return sink.values(Topics.TELEMETRY, Telemetry.class).stream().filter(Telemetry::hasBatch).toList();
  }

  List<RunMetadata> runs() {
    return sink.values(Topics.RUNS, RunMetadata.class);
  }

  RunMetadata lastRun() {
    List<RunMetadata> r = runs();
    return r.get(r.size() - 1);
  }

  /** Runs {@code body} with standard error captured; returns what was printed there. */
  static String stderrOf(Runnable body) {
    PrintStream saved = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(saved);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
