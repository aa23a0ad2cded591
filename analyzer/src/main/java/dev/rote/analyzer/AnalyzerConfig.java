package dev.rote.analyzer;

import dev.rote.service.RunEviction;
import java.time.Duration;
import java.util.Arrays;

/**
 * What the analyzer computes and how.
 *
 * @param applicationId Kafka Streams application id; instances with the same id share the work
 * @param windowSteps steps in the rolling window of batch-derived indicators; 0 for one epoch's
 *     worth of steps, learned from the epoch numbers of the telemetry
 * @param emitEvery emit batch-derived indicators when at least this many steps passed since the last
 *     emission
 * @param nmfRanks ranks of the NMF sweep
 * @param nmfMaxIterations iteration cap of each factorization
 * @param nmfTolerance relative improvement of the error below which a factorization stops
 * @param maxExampleId largest example id accepted (bounds per-run state)
 * @param maxMatrixElements largest probe matrix accepted, in floats
 * @param suspectsTop examples in each suspect-label ranking published to {@code rote.suspects}; 0
 *     turns the per-example statistics and the ranking off
 * @param evictAfter how long a finished run's state and metric series stay before they are evicted
 *     ({@link RunEviction}); zero evicts at once
 * @param caughtUpCommits when to request a commit right after emitting indicators, instead of waiting
 *     for {@code commit.interval.ms} ({@link CaughtUpCommits#DEFAULT}; {@link CaughtUpCommits#OFF}
 *     for none)
 */
public record AnalyzerConfig(
    String applicationId,
    int windowSteps,
    int emitEvery,
    int[] nmfRanks,
    int nmfMaxIterations,
    double nmfTolerance,
    long maxExampleId,
    long maxMatrixElements,
    int suspectsTop,
    Duration evictAfter,
    CaughtUpCommits caughtUpCommits) {

  public static final String DEFAULT_APPLICATION_ID = "rote-analyzer";

  /** Examples in a published suspect ranking by default. */
  public static final int DEFAULT_SUSPECTS_TOP = 100;

  /** The most examples a published suspect ranking may hold (about 60 bytes each on the topic). */
  public static final int MAX_SUSPECTS_TOP = 100_000;

  public AnalyzerConfig {
    if (applicationId == null || applicationId.isBlank()) {
      throw new IllegalArgumentException("applicationId must not be blank");
    }
    if (windowSteps < 0) {
      throw new IllegalArgumentException("windowSteps must be >= 0, was " + windowSteps);
    }
    if (emitEvery < 1) {
      throw new IllegalArgumentException("emitEvery must be >= 1, was " + emitEvery);
    }
    if (nmfRanks == null || nmfRanks.length == 0 || Arrays.stream(nmfRanks).anyMatch(k -> k < 1)) {
      throw new IllegalArgumentException("nmfRanks must list positive ranks, was " + Arrays.toString(nmfRanks));
    }
    nmfRanks = nmfRanks.clone();
    if (nmfMaxIterations < 1) {
      throw new IllegalArgumentException("nmfMaxIterations must be >= 1, was " + nmfMaxIterations);
    }
    if (!(nmfTolerance >= 0)) {
      throw new IllegalArgumentException("nmfTolerance must be >= 0, was " + nmfTolerance);
    }
    if (maxExampleId < 1 || maxExampleId > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxExampleId must be in [1, 2^31 - 9], was " + maxExampleId);
    }
    if (maxMatrixElements < 1) {
      throw new IllegalArgumentException("maxMatrixElements must be >= 1, was " + maxMatrixElements);
    }
    if (suspectsTop < 0 || suspectsTop > MAX_SUSPECTS_TOP) {
      throw new IllegalArgumentException("suspectsTop must be in [0, " + MAX_SUSPECTS_TOP + "], was " + suspectsTop);
    }
    if (evictAfter == null || evictAfter.isNegative()) {
      throw new IllegalArgumentException("evictAfter must be >= 0, was " + evictAfter);
    }
    if (caughtUpCommits == null) {
      throw new IllegalArgumentException("caughtUpCommits must not be null");
    }
  }

  /**
   * These settings, evicting finished runs after {@link RunEviction#DEFAULT_GRACE}, with
   * {@link CaughtUpCommits#DEFAULT}.
   */
  public AnalyzerConfig(String applicationId, int windowSteps, int emitEvery, int[] nmfRanks, int nmfMaxIterations,
      double nmfTolerance, long maxExampleId, long maxMatrixElements, int suspectsTop) {
    this(applicationId, windowSteps, emitEvery, nmfRanks, nmfMaxIterations, nmfTolerance, maxExampleId,
        maxMatrixElements, suspectsTop, RunEviction.DEFAULT_GRACE, CaughtUpCommits.DEFAULT);
  }

  public static AnalyzerConfig defaults() {
    return new AnalyzerConfig(DEFAULT_APPLICATION_ID, 0, 10, new int[] {1, 2, 4, 8, 16}, 200, 1e-4,
        10_000_000L, 16L * 1024 * 1024, DEFAULT_SUSPECTS_TOP);
  }

  public AnalyzerConfig withApplicationId(String id) {
    return new AnalyzerConfig(id, windowSteps, emitEvery, nmfRanks, nmfMaxIterations, nmfTolerance,
        maxExampleId, maxMatrixElements, suspectsTop, evictAfter, caughtUpCommits);
  }

  public AnalyzerConfig withWindow(int steps, int every) {
    return new AnalyzerConfig(applicationId, steps, every, nmfRanks, nmfMaxIterations, nmfTolerance,
        maxExampleId, maxMatrixElements, suspectsTop, evictAfter, caughtUpCommits);
  }

  /** These settings with {@code top} examples per suspect ranking (0: no per-example statistics). */
  public AnalyzerConfig withSuspectsTop(int top) {
    return new AnalyzerConfig(applicationId, windowSteps, emitEvery, nmfRanks, nmfMaxIterations, nmfTolerance,
        maxExampleId, maxMatrixElements, top, evictAfter, caughtUpCommits);
  }

  /** These settings, evicting a finished run's state {@code grace} after its end. */
  public AnalyzerConfig withEvictAfter(Duration grace) {
    return new AnalyzerConfig(applicationId, windowSteps, emitEvery, nmfRanks, nmfMaxIterations, nmfTolerance,
        maxExampleId, maxMatrixElements, suspectsTop, grace, caughtUpCommits);
  }

  /** These settings with another policy of requested commits ({@link CaughtUpCommits#OFF}: none). */
  public AnalyzerConfig withCaughtUpCommits(CaughtUpCommits policy) {
    return new AnalyzerConfig(applicationId, windowSteps, emitEvery, nmfRanks, nmfMaxIterations, nmfTolerance,
        maxExampleId, maxMatrixElements, suspectsTop, evictAfter, policy);
  }

  @Override
  public int[] nmfRanks() {
    return nmfRanks.clone();
  }
}
