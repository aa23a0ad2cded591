package dev.rote.trainer;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Degradation;
import dev.rote.contract.v1.Evaluation;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.StopSignal;
import dev.rote.metrics.MetricsEndpoint;
import dev.rote.trainer.internal.Captures;
import dev.rote.trainer.internal.Degradations;
import dev.rote.trainer.internal.KafkaTelemetrySink;
import dev.rote.trainer.internal.NetworkView;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rote's trainer side in one object: the telemetry listener, the sink it publishes through, the
 * run's metadata and status, and the stop signals addressed to the run.
 *
 * <pre>{@code
 * try (RoteTelemetry rote = RoteTelemetry.start(TelemetryConfig.defaults("my-run"),
 *     KafkaSettings.of("127.0.0.1:9092"), registry)) {
 *   rote.restoreOnStop(Checkpoints.defaults()).attach(net);   // checks the network, adds the listeners
 *   rote.listener().setProbeSet(probeFeatures, probeIds, probeLabels);
 *   rote.train(() -> net.fit(rote.wrap(trainIterator), 30));   // COMPLETED, STOPPED (+ restore) or FAILED
 * }
 * }</pre>
 *
 * <p>Lifecycle: the run's metadata is published with status RUNNING when the listener first sees
 * the network (at {@link #attach} or the first step) unless {@link #publishRun} came first, and again
 * whenever a degradation is found. The final status comes from {@link #train}, {@link #finish} or,
 * failing those, {@link #close()}: STOPPED when a stop signal arrived and training acted on it,
 * otherwise FAILED ("closed before finish(): ..."). A JVM shutdown hook publishes FAILED ("JVM
 * shutting down") for a run still RUNNING; {@code close()} removes it.
 */
public final class RoteTelemetry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RoteTelemetry.class);

  /** A training body for {@link #train}: {@code () -> net.fit(iterator, epochs)}. */
  @FunctionalInterface
  public interface Training<E extends Exception> {
    void run() throws E;
  }

  private final TelemetryConfig config;
  private final TelemetrySink sink;
  private final StopControl control;
  private final RoteTelemetryListener listener;
  private final Degradations degradations;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Thread shutdownHook;
  private final RunRecord record;
  private boolean closed;
  private volatile boolean stopActedOn;
  private volatile long signalAfterStep = -1;
  private Checkpoints restoreFrom;
  private Checkpoints checkpointing;

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
   * @param control may be null when stop signals are not wanted ({@link StopControl#inMemory} for
   *     signals handed over in-process)
   * @param registry may be null
   */
  public RoteTelemetry(TelemetryConfig config, TelemetrySink sink, StopControl control, MeterRegistry registry) {
    this.config = Objects.requireNonNull(config, "config");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.control = control;
    this.degradations = new Degradations(config.runId());
    this.listener = new RoteTelemetryListener(config, sink, degradations);
    this.record = new RunRecord(config, sink, listener, degradations);
    listener.hooks(new RoteTelemetryListener.RunHooks() {
      @Override
      public void firstStep(NetworkView view) {
        record.publishIfNone(view.model());
      }

      @Override
      public void exampleIds(String source) {
        record.republish();
      }

      @Override
      public void firstPass(long trainSize, int batchSize) {
        record.learnedShape(trainSize, batchSize);
      }
    });
    degradations.onReport(d -> record.republish());
    if (control != null) {
      control.onStop(s -> {
        signalAfterStep = listener.lastStep();
        log.info("run {}: stop signal {} from rule {} arrived after step {}", config.runId(), s.getSignalId(),
            s.getRule(), signalAfterStep);
      });
    }
    if (registry != null) {
      new TelemetryMetrics(config.runId(), sink, listener, control).bindTo(registry);
      if (sink instanceof KafkaTelemetrySink k) {
        closeables.add(k.bindClientMetrics(registry));
      }
      if (control != null) {
        closeables.add(control.bindClientMetrics(registry));
      }
    }
    this.shutdownHook = new Thread(this::onShutdown, "rote-shutdown-" + config.runId());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
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
   * On a stop signal with a restore step, {@link #train} restores the attached network from these
   * checkpoints; {@link #attach} adds their listener to the network. Call before {@code attach}.
   */
  public synchronized RoteTelemetry restoreOnStop(Checkpoints checkpoints) {
    this.restoreFrom = Objects.requireNonNull(checkpoints, "checkpoints");
    return this;
  }

  /**
   * Checks {@code model} and adds Rote's listener (and the checkpoints' of {@link #restoreOnStop})
   * to it; publishes the run's metadata with the model summary unless {@link #publishRun} did
   * already. What the telemetry will lack is reported on standard error and in the metadata.
   *
   * @throws IllegalArgumentException naming what is unsupported, for a model Rote cannot
   *     instrument (not a MultiLayerNetwork or ComputationGraph, or a graph with several inputs or
   *     outputs)
   */
  public RoteTelemetry attach(Model model) {
    Objects.requireNonNull(model, "model");
    NetworkView view = listener.bind(model);
    List<TrainingListener> add = new ArrayList<>();
    if (!view.listeners().contains(listener)) {
      add.add(listener);
    }
    synchronized (this) {
      if (restoreFrom != null && checkpointing != restoreFrom) {
        checkpointing = restoreFrom;
        add.add(restoreFrom.listener());
      }
    }
    model.addListeners(add.toArray(TrainingListener[]::new));
    return this;
  }

  /**
   * {@code iterator} wrapped for training under Rote (see {@link RoteIterators#wrap(DataSetIterator,
   * RoteTelemetry)}): it ends the epoch at the next step once a stop signal arrived.
   */
  public RoteDataSetIterator wrap(DataSetIterator iterator) {
    return RoteIterators.wrap(iterator, this);
  }

  /**
   * Publishes the run's metadata with status RUNNING. Run id, sampling, start and update times, the
   * model summary of the attached network, the example-id source and degradations are filled in
   * where the builder leaves them unset.
   */
  public void publishRun(RunMetadata.Builder metadata) {
    record.publish(metadata);
  }

  /** Publishes a clean evaluation (e.g. the test set) at a step. */
  public void publishEvaluation(long step, int epoch, String split, double accuracy, double loss, long examples) {
    long now = System.currentTimeMillis();
    Evaluation e = Evaluation.newBuilder().setSplit(split).setAccuracy(accuracy).setLoss(loss)
        .setExampleCount(examples).build();
    sink.offer(Topics.TELEMETRY, config.runId(), 128,
        () -> Captures.header(config.runId(), step, epoch, now).setEvaluation(e).build());
  }

  /** The stop signal received for this run, if any; asking counts as acting on it. */
  public Optional<StopSignal> stopSignal() {
    Optional<StopSignal> s = control == null ? Optional.empty() : control.stopSignal();
    if (s.isPresent()) {
      stopActedOn = true;
    }
    return s;
  }

  /**
   * The number of steps the network had completed when the run's stop signal arrived, if one did.
   * Training under {@link #wrap} or {@link RoteTerminationCondition} finishes the step in progress and
   * takes no other: its last step is at most this plus one.
   */
  public OptionalLong stopSignalAfterStep() {
    long s = signalAfterStep;
    return s < 0 ? OptionalLong.empty() : OptionalLong.of(s);
  }

  /** True once a stop signal for this run has arrived: training should stop at the next step boundary. */
  public boolean shouldStop() {
    return stopSignal().isPresent();
  }

  /**
   * Runs {@code training} (e.g. {@code () -> net.fit(rote.wrap(iterator), epochs)}) and publishes how
   * it ended: FAILED with the exception's text, rethrown; STOPPED when a stop signal arrived and
   * training acted on it, after restoring the checkpoint closest to the signal's restore step when
   * {@link #restoreOnStop} was given; COMPLETED otherwise.
   *
   * @return the final status
   */
  public <E extends Exception> RunStatus train(Training<E> training) throws E {
    try {
      training.run();
    } catch (Exception | Error e) {
      listener.release();
      finish(RunStatus.RUN_STATUS_FAILED, e.toString(), null);
      throw e;
    }
    listener.release();
    Optional<StopSignal> signal = control == null ? Optional.empty() : control.stopSignal();
    if (signal.isPresent() && stopActedOn) {
      StopSignal s = signal.get();
      Long restored = restore(s);
      finish(RunStatus.RUN_STATUS_STOPPED, s.getRule() + ": " + s.getReason(), restored);
      return RunStatus.RUN_STATUS_STOPPED;
    }
    if (signal.isPresent()) {
      log.warn("run {}: stop signal {} arrived but training did not act on it; train with rote.wrap(iterator) "
          + "or check rote.shouldStop() between steps", config.runId(), signal.get().getSignalId());
    }
    finish(RunStatus.RUN_STATUS_COMPLETED, "", null);
    return RunStatus.RUN_STATUS_COMPLETED;
  }

  /** COMPLETED, or STOPPED with the signal's rule and reason when a stop signal arrived and training acted on it. */
  public void finish() {
    Optional<StopSignal> signal = control == null ? Optional.empty() : control.stopSignal();
    if (signal.isPresent() && stopActedOn) {
      finish(RunStatus.RUN_STATUS_STOPPED, signal.get().getRule() + ": " + signal.get().getReason(), null);
    } else {
      finish(RunStatus.RUN_STATUS_COMPLETED, "", null);
    }
  }

  /**
   * Publishes the run's final status.
   *
   * @param restoredStep step of the checkpoint restored after a stop, or null
   */
  public void finish(RunStatus status, String reason, Long restoredStep) {
    StopSignal signal = control == null ? null : control.stopSignal().orElse(null);
    record.finish(status, reason, signal, restoredStep);
  }

  /**
   * Ends the run: without a prior {@link #finish}, publishes STOPPED when a stop signal arrived and
   * training acted on it, else FAILED ("closed before finish(): ..."); then stops watching for
   * signals and delivers buffered telemetry within the close timeout.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    listener.release();
    if (!record.finished()) {
      Optional<StopSignal> signal = control == null ? Optional.empty() : control.stopSignal();
      if (signal.isPresent() && stopActedOn) {
        finish(RunStatus.RUN_STATUS_STOPPED, signal.get().getRule() + ": " + signal.get().getReason(), null);
      } else {
        finish(RunStatus.RUN_STATUS_FAILED, "closed before finish(): training ended without a final status, "
            + "after step " + listener.lastStep());
      }
    }
    record.seal();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already
    }
    shutdown();
  }

  /** The degradations found so far. */
  public List<Degradation> degradations() {
    return degradations.all();
  }

  private void finish(RunStatus status, String reason) {
    finish(status, reason, null);
  }

  private Long restore(StopSignal s) {
    Checkpoints c;
    synchronized (this) {
      c = restoreFrom;
    }
    Model model = listener.model();
    if (c == null || model == null || !s.hasRestoreStep() || c.closest(s.getRestoreStep()).isEmpty()) {
      return null;
    }
    if (s.hasRestoreFromStep() && s.hasRestoreToStep()) {
      List<Long> used = c.restoreAverage(model, s.getRestoreFromStep(), s.getRestoreToStep(), s.getRestoreStep());
      if (!used.isEmpty()) {
        log.info("run {}: restored the mean of the checkpoints of steps {} (signal's restore window {}..{}, "
            + "restore step {})", config.runId(), used, s.getRestoreFromStep(), s.getRestoreToStep(),
            s.getRestoreStep());
        return c.closest(s.getRestoreStep()).orElse(used.get(0));
      }
    }
    long at = c.restore(model, s.getRestoreStep());
    log.info("run {}: restored the checkpoint of step {} (signal's restore step {})", config.runId(), at,
        s.getRestoreStep());
    return at;
  }



  /** What the JVM shutdown hook does; package-private for tests. */
  void onShutdown() {
    boolean closing;
    synchronized (this) {
      closing = closed;
    }
    if (record.running() && !closing) {
      finish(RunStatus.RUN_STATUS_FAILED, "JVM shutting down");
    }
    shutdown();
  }

  private void shutdown() {
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
