package dev.rote.trainer;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Evaluation;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.Sampling;
import dev.rote.contract.v1.StopSignal;
import dev.rote.metrics.MetricsEndpoint;
import dev.rote.trainer.internal.Captures;
import dev.rote.trainer.internal.KafkaTelemetrySink;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.Optional;

/**
 * Rote's trainer side in one object: the telemetry listener, the sink it publishes through, the
 * run's metadata and status, and the stop signals addressed to the run.
 *
 * <pre>{@code
 * try (RoteTelemetry rote = RoteTelemetry.start(TelemetryConfig.defaults("my-run"),
 *     KafkaSettings.of("127.0.0.1:9092"), registry)) {
 *   net.addListeners(rote.listener());
 *   rote.publishRun(RunMetadata.newBuilder().setModel(ModelSummaries.of(net)));
 *   while (iterator.hasNext() && rote.stopSignal().isEmpty()) {
 *     net.fit(iterator.next());
 *   }
 *   rote.finish(RunStatus.RUN_STATUS_COMPLETED, "");
 * }
 * }</pre>
 */
public final class RoteTelemetry implements AutoCloseable {

  private final TelemetryConfig config;
  private final TelemetrySink sink;
  private final StopControl control;
  private final RoteTelemetryListener listener;
  private RunMetadata run;
  private final java.util.List<AutoCloseable> closeables = new java.util.ArrayList<>();

  /**
   * Connects to Kafka: an asynchronous producer for telemetry and a consumer of the control topic.
   * Neither blocks; a broker that is down only means dropped telemetry and late signals.
   *
   * @param registry where the trainer's meters go; may be null
   */
  public static RoteTelemetry start(TelemetryConfig config, KafkaSettings kafka, MeterRegistry registry) {
    TelemetrySink sink = TelemetrySink.kafka(kafka, "rote-trainer-" + config.runId(), config.maxBufferedBytes());
    StopControl control = new StopControl(kafka, config.runId(), System.currentTimeMillis() - 1000);
    return new RoteTelemetry(config, sink, control, registry);
  }

  /**
   * Like {@link #start}, with a registry of its own (Prometheus, JVM and Kafka client meters) served
   * at {@code http://0.0.0.0:PORT/metrics} until {@link #close()}: for trainers that have no
   * Micrometer registry of their own.
   */
  public static RoteTelemetry startWithEndpoint(TelemetryConfig config, KafkaSettings kafka, int port) {
    MetricsEndpoint endpoint = new MetricsEndpoint("trainer", port);
    try {
      RoteTelemetry rote = start(config, kafka, endpoint.registry());
      rote.closeables.add(endpoint);
      return rote;
    } catch (RuntimeException e) {
      endpoint.close();
      throw e;
    }
  }

  /**
   * @param control may be null when stop signals are not wanted
   * @param registry may be null
   */
  public RoteTelemetry(TelemetryConfig config, TelemetrySink sink, StopControl control, MeterRegistry registry) {
    this.config = Objects.requireNonNull(config, "config");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.control = control;
    this.listener = new RoteTelemetryListener(config, sink);
    if (registry != null) {
      new TelemetryMetrics(config.runId(), sink, listener, control).bindTo(registry);
      if (sink instanceof KafkaTelemetrySink k) {
        closeables.add(k.bindClientMetrics(registry));
      }
      if (control != null) {
        closeables.add(control.bindClientMetrics(registry));
      }
    }
  }

  public RoteTelemetryListener listener() {
    return listener;
  }

  public TelemetrySink sink() {
    return sink;
  }

  public TelemetryConfig config() {
    return config;
  }

  /**
   * Publishes the run's metadata with status RUNNING. Run id, sampling, start and update times are
   * filled in where the builder leaves them unset.
   */
  public synchronized void publishRun(RunMetadata.Builder metadata) {
    long now = System.currentTimeMillis();
    metadata.setRunId(config.runId()).setStatus(RunStatus.RUN_STATUS_RUNNING).setUpdatedTimeMs(now);
    if (metadata.getStartTimeMs() == 0) {
      metadata.setStartTimeMs(now);
    }
    if (!metadata.hasSampling()) {
      metadata.setSampling(Sampling.newBuilder()
          .setSummaryEvery(config.summaryEvery())
          .setProbeEvery(config.probeEvery())
          .setSensitivityEvery(config.sensitivityEvery()));
    }
    run = metadata.build();
    RunMetadata snapshot = run;
    sink.offer(Topics.RUNS, config.runId(), snapshot.getSerializedSize(), () -> snapshot);
  }

  /** Publishes a clean evaluation (e.g. the test set) at a step. */
  public void publishEvaluation(long step, int epoch, String split, double accuracy, double loss, long examples) {
    long now = System.currentTimeMillis();
    Evaluation e = Evaluation.newBuilder().setSplit(split).setAccuracy(accuracy).setLoss(loss)
        .setExampleCount(examples).build();
    sink.offer(Topics.TELEMETRY, config.runId(), 128,
        () -> Captures.header(config.runId(), step, epoch, now).setEvaluation(e).build());
  }

  /** The stop signal received for this run, if any. */
  public Optional<StopSignal> stopSignal() {
    return control == null ? Optional.empty() : control.stopSignal();
  }

  /** True once a stop signal for this run has arrived: training should stop at the next step boundary. */
  public boolean shouldStop() {
    return stopSignal().isPresent();
  }

  /**
   * Publishes the run's final status.
   *
   * @param restoredStep step of the checkpoint restored after a stop, or null
   */
  public synchronized void finish(RunStatus status, String reason, Long restoredStep) {
    RunMetadata.Builder b = (run == null ? RunMetadata.newBuilder().setRunId(config.runId()) : run.toBuilder())
        .setStatus(status)
        .setStatusReason(reason == null ? "" : reason)
        .setUpdatedTimeMs(System.currentTimeMillis())
        .setLastStep(listener.lastStep());
    if (status == RunStatus.RUN_STATUS_STOPPED) {
      stopSignal().ifPresent(s -> b.setStopSignalId(s.getSignalId()));
    }
    if (restoredStep != null) {
      b.setRestoredStep(restoredStep);
    }
    run = b.build();
    RunMetadata snapshot = run;
    sink.offer(Topics.RUNS, config.runId(), snapshot.getSerializedSize(), () -> snapshot);
  }

  /** Stops watching for signals and delivers buffered telemetry within the close timeout. */
  @Override
  public void close() {
    if (control != null) {
      control.close();
    }
    sink.close(config.closeTimeout());
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // meters only
      }
    }
  }
}
