package dev.rote.analyzer.internal;

import dev.rote.analyzer.math.SuspectScore;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Suspect;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.ObjIntConsumer;

/**
 * The suspect-label computation on validated batch summaries: per-example statistics kept in
 * {@link ExampleStats} chunks, and the ranking by {@link SuspectScore}. Pure: where the chunks live
 * (a Kafka Streams store, a map) is the caller's {@link Chunks}.
 */
final class SuspectTracker {

  /** A run's chunks of per-example statistics. */
  interface Chunks {
    /** The chunk, or null when none of its examples was seen yet. */
    ExampleStats get(int chunk);

    void put(int chunk, ExampleStats stats);

    /** Every chunk of the run, in any order. */
    void forEach(ObjIntConsumer<ExampleStats> each);
  }

  /**
   * Rejects a batch whose example ids fall outside the training set the run's metadata declares.
   */
  void check(SuspectRun run, Telemetry t) throws TelemetryValidator.Rejected {
    if (run.declaredTrainSize <= 0) {
      return;
    }
    ExampleColumns e = t.getBatch().getExamples();
    for (int i = 0; i < e.getExampleIdCount(); i++) {
      long id = e.getExampleId(i);
      if (id >= run.declaredTrainSize) {
        throw new TelemetryValidator.Rejected(SUSPECT_OUT_OF_RANGE, "example id " + id + " at row " + i
            + " is outside the run's declared training set of " + run.declaredTrainSize
            + " examples (ids 0.." + (run.declaredTrainSize - 1) + ", rote.runs dataset.train_size)");
      }
    }
  }

  /** Dead-letter reason of {@link #check}. */
  static final String SUSPECT_OUT_OF_RANGE = "example_id_outside_training_set";

  /**
   * Adds a validated batch summary's examples to their statistics.
   *
   * @return whether a new ranking is due: the epoch advanced since the last one, or, for a trainer
   *     whose epoch number never advances, a pass over the examples seen went by
   */
  boolean apply(SuspectRun run, Chunks chunks, Telemetry t) {
    ExampleColumns e = t.getBatch().getExamples();
    int n = e.getLabelCount();
    run.summaries++;
    boolean ids = n > 0 && e.getExampleIdCount() == n;
    boolean margins = n > 0 && e.getMarginCount() == n;
    boolean noise = n > 0 && e.getNoisyCount() == n;
    run.summariesWithRows += n > 0 ? 1 : 0;
    run.summariesWithIds += ids ? 1 : 0;
    run.summariesWithMargins += margins ? 1 : 0;
    run.summariesWithNoise += noise ? 1 : 0;
    if (ids) {
      Map<Integer, ExampleStats> touched = new HashMap<>();
      for (int i = 0; i < n; i++) {
        long id = e.getExampleId(i);
        int chunk = (int) (id / ExampleStats.SIZE);
        int slot = (int) (id % ExampleStats.SIZE);
        ExampleStats s = touched.computeIfAbsent(chunk, c -> {
          ExampleStats old = chunks.get(c);
          return old != null ? old : new ExampleStats();
        });
        if (s.presentations[slot] == 0) {
          run.examples++;
        }
        s.present(slot, t.getStep(), e.getLabel(i), e.getPredicted(i), e.getLoss(i),
            margins ? e.getMargin(i) : Float.NaN, noise ? (e.getNoisy(i) ? 1 : 0) : -1);
      }
      touched.forEach((c, s) -> chunks.put(c, s));
      run.batchRows = n;
    }
    boolean due = false;
    if (t.getEpoch() != run.lastEpoch) {
      run.lastEpoch = t.getEpoch();
      run.epochStartStep = t.getStep();
    }
    if (run.lastEmitEpoch < 0) {
      run.lastEmitEpoch = t.getEpoch();
    } else if (run.examples > 0) {
      long perPass = run.batchRows > 0 ? (run.examples + run.batchRows - 1) / run.batchRows : Long.MAX_VALUE;
      due = t.getEpoch() > run.lastEmitEpoch
          || (t.getStep() - run.epochStartStep >= perPass && t.getStep() - run.lastEmitStep >= perPass);
    }
    run.lastStep = t.getStep();
    run.lastTimeMs = t.getTimeMs();
    return due;
  }

  /** One example's place in the ranking. */
  private record Candidate(long id, double score, ExampleStats stats, int slot) {}

  private static final Comparator<Candidate> MOST_SUSPECT_FIRST =
      Comparator.comparingDouble(Candidate::score).reversed().thenComparingLong(Candidate::id);

  /**
   * The ranking of the run's examples now, the {@code top} most suspect first (ties by example id),
   * and marks the ranking as published at the run's latest step.
   */
  SuspectRanking ranking(String runId, SuspectRun run, Chunks chunks, int top) {
    PriorityQueue<Candidate> kept = new PriorityQueue<>(MOST_SUSPECT_FIRST.reversed());
    long[] suspected = {0};
    chunks.forEach((s, chunk) -> {
      for (int slot = 0; slot < ExampleStats.SIZE; slot++) {
        if (s.presentations[slot] == 0) {
          continue;
        }
        double score = SuspectScore.of(s.presentations[slot], s.wrong[slot], s.meanMargin(slot));
        suspected[0] += score > SuspectScore.SUSPECT_THRESHOLD ? 1 : 0;
        Candidate c = new Candidate((long) chunk * ExampleStats.SIZE + slot, score, s, slot);
        if (kept.size() < top) {
          kept.add(c);
        } else if (top > 0 && MOST_SUSPECT_FIRST.compare(c, kept.peek()) < 0) {
          kept.poll();
          kept.add(c);
        }
      }
    });
    List<Candidate> order = new ArrayList<>(kept);
    order.sort(MOST_SUSPECT_FIRST);
    SuspectRanking.Builder b = SuspectRanking.newBuilder().setRunId(runId).setStep(run.lastStep)
        .setEpoch(Math.max(0, run.lastEpoch)).setExamples(run.examples).setSuspected(suspected[0])
        .setSourceTimeMs(run.lastTimeMs).setScore(SuspectScore.NAME);
    for (Candidate c : order) {
      b.addSuspects(suspect(c));
    }
    run.lastEmitStep = run.lastStep;
    run.lastEmitEpoch = Math.max(run.lastEmitEpoch, run.lastEpoch);
    return b.build();
  }

  private static Suspect suspect(Candidate c) {
    ExampleStats s = c.stats();
    int i = c.slot();
    Suspect.Builder b = Suspect.newBuilder().setExampleId(c.id()).setScore(c.score()).setLabel(s.label[i])
        .setPredictedLabel(s.predictedMost(i)).setPresentations(s.presentations[i]).setWrong(s.wrong[i])
        .setForgetting(s.forgetting[i]).setLastLoss(s.lastLoss[i]);
    if (s.flipped[i] != ExampleStats.FLIP_UNKNOWN) {
      b.setLabelFlipped(s.flipped[i] == ExampleStats.FLIP_YES);
    }
    if (s.firstLearned[i] > 0) {
      b.setFirstLearnedStep(s.firstLearned[i]);
    }
    if (s.marginCount[i] > 0) {
      b.setMeanMargin(s.meanMargin(i));
    }
    return b.build();
  }
}
