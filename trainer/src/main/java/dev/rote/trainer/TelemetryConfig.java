package dev.rote.trainer;

import java.time.Duration;
import java.util.Objects;

/**
 * What the trainer publishes and how often, in training steps.
 *
 * @param runId id of the run; the key of every record
 * @param summaryEvery publish a batch summary (loss, accuracy, per-example labels, predictions and
 *     losses) every this many steps
 * @param layerStatsEvery add per-layer parameter, gradient and update norms to the summary every
 *     this many steps (a multiple of {@code summaryEvery} takes effect on summary steps only)
 * @param sensitivityEvery add per-example loss sensitivities ||dL/dx||_1 every this many steps
 * @param probeEvery publish hidden-layer activations on the probe set every this many steps
 * @param maxBufferedBytes telemetry held while the broker is slow or down; beyond it, records are
 *     dropped and counted
 * @param closeTimeout how long {@code close()} waits to deliver what is still buffered
 */
public record TelemetryConfig(
    String runId,
    int summaryEvery,
    int layerStatsEvery,
    int sensitivityEvery,
    int probeEvery,
    long maxBufferedBytes,
    Duration closeTimeout) {

  public static final int DEFAULT_SUMMARY_EVERY = 1;
  public static final int DEFAULT_LAYER_STATS_EVERY = 10;
  public static final int DEFAULT_SENSITIVITY_EVERY = 10;
  public static final int DEFAULT_PROBE_EVERY = 100;
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 64L * 1024 * 1024;
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  public TelemetryConfig {
    Objects.requireNonNull(runId, "runId");
    if (runId.isBlank()) {
      throw new IllegalArgumentException("runId must not be blank");
    }
    positive("summaryEvery", summaryEvery);
    positive("layerStatsEvery", layerStatsEvery);
    positive("sensitivityEvery", sensitivityEvery);
    positive("probeEvery", probeEvery);
    if (maxBufferedBytes < 1024) {
      throw new IllegalArgumentException("maxBufferedBytes must be >= 1024, was " + maxBufferedBytes);
    }
    Objects.requireNonNull(closeTimeout, "closeTimeout");
  }

  /** Default sampling for a run: summaries every step, the costlier parts every few steps. */
  public static TelemetryConfig defaults(String runId) {
    return new TelemetryConfig(
        runId,
        DEFAULT_SUMMARY_EVERY,
        DEFAULT_LAYER_STATS_EVERY,
        DEFAULT_SENSITIVITY_EVERY,
        DEFAULT_PROBE_EVERY,
        DEFAULT_MAX_BUFFERED_BYTES,
        DEFAULT_CLOSE_TIMEOUT);
  }

  /** Everything on every step. */
  public static TelemetryConfig full(String runId) {
    return defaults(runId).withSampling(1, 1, 1, 1);
  }

  public TelemetryConfig withSampling(int summary, int layerStats, int sensitivity, int probe) {
    return new TelemetryConfig(
        runId, summary, layerStats, sensitivity, probe, maxBufferedBytes, closeTimeout);
  }

  public TelemetryConfig withRunId(String id) {
    return new TelemetryConfig(
        id, summaryEvery, layerStatsEvery, sensitivityEvery, probeEvery, maxBufferedBytes, closeTimeout);
  }

  public TelemetryConfig withMaxBufferedBytes(long bytes) {
    return new TelemetryConfig(
        runId, summaryEvery, layerStatsEvery, sensitivityEvery, probeEvery, bytes, closeTimeout);
  }

  boolean isSummaryStep(long step) {
    return step % summaryEvery == 0;
  }

  boolean isLayerStatsStep(long step) {
    return isSummaryStep(step) && step % layerStatsEvery == 0;
  }

  boolean isSensitivityStep(long step) {
    return isSummaryStep(step) && step % sensitivityEvery == 0;
  }

  boolean isProbeStep(long step) {
    return step % probeEvery == 0;
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, was " + value);
    }
  }
}
