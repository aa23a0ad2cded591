package dev.rote.trainer;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.Sampling;
import dev.rote.contract.v1.StopSignal;
import dev.rote.trainer.internal.Degradations;
import org.deeplearning4j.nn.api.Model;

/**
 * The run's metadata as last published to {@code rote.runs}, with what the listener found filled in
 * (degradations, example-id source) and published again when that changes. Thread-safe: the
 * training thread publishes and finishes, the sink's sender thread may report degradations.
 */
final class RunRecord {

  private final TelemetryConfig config;
  private final TelemetrySink sink;
  private final RoteTelemetryListener listener;
  private final Degradations degradations;
  private RunMetadata run;
  private boolean finished;
  private boolean sealed;
  private long learnedTrainSize;
  private int learnedBatchSize;

  RunRecord(TelemetryConfig config, TelemetrySink sink, RoteTelemetryListener listener, Degradations degradations) {
    this.config = config;
    this.sink = sink;
    this.listener = listener;
    this.degradations = degradations;
  }

  /** Publishes with status RUNNING, filling in what the builder leaves unset (see {@link RoteTelemetry#publishRun}). */
  synchronized void publish(RunMetadata.Builder metadata) {
    long now = System.currentTimeMillis();
    metadata.setRunId(config.runId()).setStatus(RunStatus.RUN_STATUS_RUNNING).setUpdatedTimeMs(now);
    if (metadata.getStartTimeMs() == 0) {
      metadata.setStartTimeMs(run != null && run.getStartTimeMs() != 0 ? run.getStartTimeMs() : now);
    }
    if (!metadata.hasSampling()) {
      metadata.setSampling(Sampling.newBuilder()
          .setSummaryEvery(config.summaryEvery())
          .setProbeEvery(config.probeEvery())
          .setSensitivityEvery(config.sensitivityEvery()));
    }
    Model model = listener.model();
    if (!metadata.hasModel() && model != null) {
      metadata.setModel(ModelSummaries.of(model));
    }
    run = withFindings(metadata).build();
    finished = false;
    send();
  }

  /** Publishes a default RUNNING record for {@code model} unless one was published already. */
  synchronized void publishIfNone(Model model) {
    if (run == null) {
      publish(RunMetadata.newBuilder().setModel(ModelSummaries.of(model)));
    }
  }

  /**
   * Publishes a final status.
   *
   * @param signal the stop signal to name as the reason of a STOPPED status, or null
   * @param restoredStep step of the checkpoint restored after a stop, or null
   */
  synchronized void finish(RunStatus status, String reason, StopSignal signal, Long restoredStep) {
    RunMetadata.Builder b = (run == null ? RunMetadata.newBuilder().setRunId(config.runId()) : run.toBuilder())
        .setStatus(status)
        .setStatusReason(reason == null ? "" : reason)
        .setUpdatedTimeMs(System.currentTimeMillis())
        .setLastStep(listener.lastStep());
    b.clearStopSignalId();
    if (status == RunStatus.RUN_STATUS_STOPPED && signal != null) {
      b.setStopSignalId(signal.getSignalId());
    }
    if (restoredStep != null) {
      b.setRestoredStep(restoredStep);
    }
    run = withFindings(b).build();
    finished = true;
    send();
  }

  /** Publishes the latest record again with the current findings (after a degradation, the example-id source). */
  synchronized void republish() {
    if (run != null && !sealed) {
      run = withFindings(run.toBuilder().setUpdatedTimeMs(System.currentTimeMillis())).build();
      send();
    }
  }

  /**
   * The training-set size and batch size the first pass over the data showed: published (again) for
   * rules that count in epochs, unless the run's metadata already gives them.
   */
  synchronized void learnedShape(long trainSize, int batchSize) {
    learnedTrainSize = trainSize;
    learnedBatchSize = batchSize;
    republish();
  }

  synchronized boolean finished() {
    return finished;
  }

  /** Published and not finished. */
  synchronized boolean running() {
    return run != null && !finished;
  }

  /** No more republishing: the run is closed. */
  synchronized void seal() {
    sealed = true;
  }

  private RunMetadata.Builder withFindings(RunMetadata.Builder b) {
    b.clearDegraded().addAllDegraded(degradations.all());
    if (learnedTrainSize > 0 && b.getDataset().getTrainSize() <= 0) {
      b.setDataset(b.getDataset().toBuilder().setTrainSize(learnedTrainSize));
    }
    if (learnedBatchSize > 0 && !b.containsHyperparameters("batch_size")) {
      b.putHyperparameters("batch_size", Integer.toString(learnedBatchSize));
    }
    String ids = listener.exampleIds().kind();
    if (ids != null) {
      b.setExampleIds(ids);
    }
    return b;
  }

  private void send() {
    RunMetadata snapshot = run;
    sink.offer(Topics.RUNS, config.runId(), snapshot.getSerializedSize(), () -> snapshot);
  }
}
