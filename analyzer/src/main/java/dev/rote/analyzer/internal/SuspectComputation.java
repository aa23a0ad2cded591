package dev.rote.analyzer.internal;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

/**
 * The suspect ranking of one run, record by record, outside Kafka Streams: the validation, the
 * statistics and the ranking as {@link TelemetryProcessor} and {@link SuspectsProcessor} wire them,
 * with the chunks in a map. Behind the public {@link dev.rote.analyzer.SuspectAnalysis}.
 */
public final class SuspectComputation {

  private final TelemetryValidator validator;
  private final SuspectTracker tracker = new SuspectTracker();
  private final SuspectRun run = new SuspectRun();
  private final TreeMap<Integer, ExampleStats> chunks = new TreeMap<>();
  private final List<PendingBatch> pending = new ArrayList<>();
  private final SuspectTracker.Storage access = new SuspectTracker.Storage() {
    @Override
    public ExampleStats get(int chunk) {
      return chunks.get(chunk);
    }

    @Override
    public void put(int chunk, ExampleStats stats) {
      chunks.put(chunk, stats);
    }

    @Override
    public void forEach(ObjIntConsumer<ExampleStats> each) {
      chunks.forEach((c, s) -> each.accept(s, c));
    }

    @Override
    public void addPending(int index, PendingBatch batch) {
      pending.add(batch);
    }

    @Override
    public void forEachPending(int count, Consumer<PendingBatch> each) {
      pending.subList(0, count).forEach(each);
    }

    @Override
    public void clearPending(int count) {
      pending.subList(0, count).clear();
    }
  };
  private long rejected;
  private long lastValidStep;
  private String runId = "";

  public SuspectComputation(AnalyzerConfig config, long declaredTrainSize) {
    this.validator = new TelemetryValidator(config);
    run.declaredTrainSize = Math.max(0, declaredTrainSize);
  }

  /**
   * Applies one record: skipped (and counted) when the analyzer would dead-letter it.
   *
   * @return the ranking of {@code top} examples when the live analyzer would publish one now
   */
  public Optional<SuspectRanking> apply(Telemetry t, int top) {
    try {
      validator.validate(t.getRunId(), t, lastValidStep);
      lastValidStep = Math.max(lastValidStep, t.getStep());
      if (!t.hasBatch()) {
        return Optional.empty();
      }
      tracker.check(run, t);
    } catch (TelemetryValidator.Rejected e) {
      rejected++;
      return Optional.empty();
    }
    runId = t.getRunId();
    if (tracker.add(run, access, t)) {
      return Optional.of(tracker.ranking(runId, run, access, top));
    }
    if (tracker.foldDue(run)) {
      tracker.fold(run, access);
    }
    return Optional.empty();
  }

  /** The ranking now: the {@code top} most suspect examples. */
  public SuspectRanking ranking(int top) {
    return tracker.ranking(runId, run, access, top);
  }

  public long rejected() {
    return rejected;
  }

  public long summaries() {
    return run.summaries;
  }

  public long summariesWithRows() {
    return run.summariesWithRows;
  }

  public long summariesWithIds() {
    return run.summariesWithIds;
  }

  public long summariesWithMargins() {
    return run.summariesWithMargins;
  }

  public long summariesWithNoise() {
    return run.summariesWithNoise;
  }
}
