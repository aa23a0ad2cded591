package dev.rote.bench;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import dev.rote.trainer.StopControl;
import dev.rote.trainer.TelemetryConfig;
import dev.rote.trainer.TelemetrySink;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A trainer that replays recorded telemetry ({@link RecordedRun}) as a live run: the run's metadata
 * first ({@link RecordedRun#metadata}, on {@code rote.runs}), then the records of each
 * step go out at the pace of {@code stepsPerSecond}, stamped with the publish time, through the
 * trainer library's own Kafka sink, and the run stops at the next step once a stop signal for it
 * arrives, as a real trainer does. For the fleet benchmark and the fault tests: the training itself
 * is left out, everything from the sink on is real.
 */
public final class SimulatedTrainer implements AutoCloseable {

  /**
   * How the replayed run ended.
   *
   * @param stopNanos {@link System#nanoTime()} when the stop signal arrived, or 0
   */
  public record Result(String runId, long lastStep, long records, Optional<StopSignal> stop, long stopNanos,
      long maxOfferNanos, long sent, long dropped) {}

  private final String runId;
  private final List<Telemetry> recording;
  private final double stepsPerSecond;
  private final TelemetrySink sink;
  private final StopControl control;
  private volatile long lastStep;
  private volatile long stopNanos;

  /**
   * @param stepsPerSecond pace of the replay; 0 or less for as fast as the sink takes them
   * @param maxBufferedBytes the sink's buffer
   */
  public SimulatedTrainer(KafkaSettings kafka, String runId, List<Telemetry> recording, double stepsPerSecond,
      long maxBufferedBytes) {
    this.runId = runId;
    this.recording = recording;
    this.stepsPerSecond = stepsPerSecond;
    this.sink = TelemetrySink.kafka(kafka, "rote-simulated-" + runId, maxBufferedBytes);
    this.control = new StopControl(kafka, runId, System.currentTimeMillis() - 1000);
    control.onStop(s -> stopNanos = System.nanoTime());
  }

  public SimulatedTrainer(KafkaSettings kafka, String runId, List<Telemetry> recording, double stepsPerSecond) {
    this(kafka, runId, recording, stepsPerSecond, TelemetryConfig.DEFAULT_MAX_BUFFERED_BYTES);
  }

  public String runId() {
    return runId;
  }

  /** The last step published so far. */
  public long lastStep() {
    return lastStep;
  }

  public TelemetrySink sink() {
    return sink;
  }

  /**
   * Publishes the recording step by step until it ends or a stop signal arrives, calling
   * {@code afterStep} after each step is handed to the sink.
   */
  public Result run(LongConsumer afterStep) throws InterruptedException {
    RunMetadata metadata = RecordedRun.metadata(runId, System.currentTimeMillis());
    sink.offer(Topics.RUNS, runId, metadata.getSerializedSize(), () -> metadata);
    long start = System.nanoTime();
    long first = recording.isEmpty() ? 0 : recording.get(0).getStep();
    long maxOffer = 0;
    long records = 0;
    int i = 0;
    while (i < recording.size()) {
      if (control.stopSignal().isPresent()) {
        break;
      }
      long step = recording.get(i).getStep();
      if (stepsPerSecond > 0) {
        long due = start + (long) ((step - first) * 1e9 / stepsPerSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      long now = System.currentTimeMillis();
      for (; i < recording.size() && recording.get(i).getStep() == step; i++) {
        Telemetry t = recording.get(i);
        long t0 = System.nanoTime();
        sink.offer(Topics.TELEMETRY, runId, t.getSerializedSize(), () -> RecordedRun.as(t, runId, now));
        maxOffer = Math.max(maxOffer, System.nanoTime() - t0);
        records++;
      }
      lastStep = step;
      afterStep.accept(step);
    }
    return new Result(runId, lastStep, records, control.stopSignal(), stopNanos(), maxOffer, sink.sent(),
        sink.dropped());
  }

  /**
   * When the stop signal arrived, or 0: the control thread publishes the signal a moment before it
   * calls back with the time, so a signal seen without a time gets that moment to catch up.
   */
  private long stopNanos() throws InterruptedException {
    for (int i = 0; i < 100 && stopNanos == 0 && control.stopSignal().isPresent(); i++) {
      Thread.sleep(10);
    }
    return stopNanos;
  }

  /**
   * The result with the stop signal if one arrives within {@code timeout} after the recording ran
   * out: on a loaded machine the pipeline can lag the replay by more than the rest of the run. Says
   * on standard output how late it came, so a test log shows it.
   */
  public Result awaitStop(Result r, Duration timeout) throws InterruptedException {
    if (r.stop().isPresent() && r.stopNanos() != 0) {
      return r;
    }
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (control.stopSignal().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (control.stopSignal().isPresent()) {
      System.out.printf("run %s: the stop signal came %.1f s after the recording ran out (the pipeline lagged)%n",
          runId, (System.nanoTime() - start) / 1e9);
    }
    return new Result(r.runId(), r.lastStep(), r.records(), control.stopSignal(), stopNanos(), r.maxOfferNanos(),
        sink.sent(), sink.dropped());
  }

  /** Waits until the sink has delivered or dropped everything it took, at most {@code timeout}. */
  public void drain(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (sink.bufferedBytes() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** Stops watching for signals and closes the sink, delivering what it holds within 30 s. */
  @Override
  public void close() {
    control.close();
    sink.close(Duration.ofSeconds(30));
  }
}
