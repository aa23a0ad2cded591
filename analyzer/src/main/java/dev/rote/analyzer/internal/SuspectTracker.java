package dev.rote.analyzer.internal;

import dev.rote.analyzer.math.SuspectScore;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Suspect;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

/**
 * The suspect-label computation on validated batch summaries: per-example statistics kept in
 * {@link ExampleStats} chunks, and the ranking by {@link SuspectScore}. Batches wait as
 * {@link PendingBatch}es and are folded into the chunks in order before every ranking and whenever
 * a pass over the examples seen has gathered. Pure: where chunks and pending batches live (Kafka
 * Streams stores, maps) is the caller's {@link Storage}.
 */
final class SuspectTracker {

  /** Pending rows that always trigger a fold, however large the training set. */
  static final int MAX_PENDING_ROWS = 1 << 17;
  /** Below this many pending rows there is no fold until a ranking is due. */
  static final int MIN_FOLD_ROWS = 4096;

  /** Dead-letter reason of {@link #check}. */
  static final String OUT_OF_RANGE = "example_id_outside_training_set";

  /** A run's chunks of per-example statistics and its pending batches. */
  interface Storage {
    /** The chunk, or null when none of its examples was seen yet. */
    ExampleStats get(int chunk);

    void put(int chunk, ExampleStats stats);

    /** Every chunk of the run, in any order. */
    void forEach(ObjIntConsumer<ExampleStats> each);

    /** Keeps a batch as pending batch number {@code index} (0, 1, ... since the last fold). */
    void addPending(int index, PendingBatch batch);

    /** The {@code count} pending batches, in the order they were added. */
    void forEachPending(int count, Consumer<PendingBatch> each);

    /** Forgets the {@code count} pending batches. */
    void clearPending(int count);
  }

  /** Rejects a batch whose example ids fall outside the training set the run's metadata declares. */
  void check(SuspectRun run, Telemetry t) throws TelemetryValidator.Rejected {
    if (run.declaredTrainSize <= 0) {
      return;
    }
    ExampleColumns e = t.getBatch().getExamples();
    for (int i = 0; i < e.getExampleIdCount(); i++) {
      long id = e.getExampleId(i);
      if (id >= run.declaredTrainSize) {
        throw new TelemetryValidator.Rejected(OUT_OF_RANGE, "example id " + id + " at row " + i
            + " is outside the run's declared training set of " + run.declaredTrainSize
            + " examples (ids 0.." + (run.declaredTrainSize - 1) + ", rote.runs dataset.example_id_space, else train_size)");
      }
    }
  }

  /**
   * Takes in a validated batch summary: its examples wait as a pending batch.
   *
   * @return whether a new ranking is due: the epoch advanced since the last one, or, for a trainer
   *     whose epoch number never advances, a pass over the examples seen went by
   */
  boolean add(SuspectRun run, Storage storage, Telemetry t) {
    ExampleColumns e = t.getBatch().getExamples();
    int n = e.getLabelCount();
    boolean ids = n > 0 && e.getExampleIdCount() == n;
    run.summaries++;
    run.summariesWithRows += n > 0 ? 1 : 0;
    run.summariesWithIds += ids ? 1 : 0;
    run.summariesWithMargins += n > 0 && e.getMarginCount() == n ? 1 : 0;
    run.summariesWithNoise += n > 0 && e.getNoisyCount() == n ? 1 : 0;
    if (ids) {
      storage.addPending(run.pendingBatches++, PendingBatch.of(t.getStep(), e));
      run.pendingRows += n;
      run.batchRows = n;
    }
    boolean due = false;
    if (t.getEpoch() != run.lastEpoch) {
      run.lastEpoch = t.getEpoch();
      run.epochStartStep = t.getStep();
    }
    if (run.lastEmitEpoch < 0) {
      run.lastEmitEpoch = t.getEpoch();
    } else if (run.examples > 0 || run.pendingRows > 0) {
      long perPass = run.batchRows > 0 && run.examples > 0 ? (run.examples + run.batchRows - 1) / run.batchRows
          : Long.MAX_VALUE;
      due = t.getEpoch() > run.lastEmitEpoch
          || (t.getStep() - run.epochStartStep >= perPass && t.getStep() - run.lastEmitStep >= perPass);
    }
    run.lastStep = t.getStep();
    run.lastTimeMs = t.getTimeMs();
    return due;
  }

  /** Whether enough batches are pending to fold them without waiting for a ranking: about a pass' worth. */
  boolean foldDue(SuspectRun run) {
    return run.pendingRows >= MAX_PENDING_ROWS || run.pendingRows >= Math.max(MIN_FOLD_ROWS, run.examples);
  }

  /**
   * Folds the pending batches into the chunks: each example's presentations in the order they came,
   * each chunk read and written once.
   */
  void fold(SuspectRun run, Storage storage) {
    if (run.pendingBatches == 0) {
      return;
    }
    List<PendingBatch> batches = new ArrayList<>(run.pendingBatches);
    storage.forEachPending(run.pendingBatches, batches::add);
    int rows = 0;
    int chunks = 0;
    for (PendingBatch b : batches) {
      rows += b.size();
      for (int id : b.ids()) {
        chunks = Math.max(chunks, id / ExampleStats.SIZE + 1);
      }
    }
    // a stable counting sort of the rows by chunk: grouped by chunk, in arrival order within each
    int[] start = new int[chunks + 1];
    for (PendingBatch b : batches) {
      for (int id : b.ids()) {
        start[id / ExampleStats.SIZE + 1]++;
      }
    }
    for (int c = 0; c < chunks; c++) {
      start[c + 1] += start[c];
    }
    // the rows copied into flat arrays in that order, so that the fold below reads them in sequence
    int[] next = Arrays.copyOf(start, chunks);
    long[] steps = new long[rows];
    int[] slots = new int[rows];
    byte[] labels = new byte[rows];
    byte[] predicted = new byte[rows];
    float[] losses = new float[rows];
    float[] margins = new float[rows];
    byte[] flags = new byte[rows];
    for (PendingBatch b : batches) {
      int[] ids = b.ids();
      for (int i = 0; i < ids.length; i++) {
        int at = next[ids[i] / ExampleStats.SIZE]++;
        steps[at] = b.step();
        slots[at] = ids[i] % ExampleStats.SIZE;
        labels[at] = b.labels()[i];
        predicted[at] = b.predicted()[i];
        losses[at] = b.losses()[i];
        margins[at] = b.margins()[i];
        flags[at] = b.flags()[i];
      }
    }
    for (int chunk = 0; chunk < chunks; chunk++) {
      if (start[chunk] == start[chunk + 1]) {
        continue;
      }
      ExampleStats s = storage.get(chunk);
      if (s == null) {
        s = new ExampleStats();
      }
      for (int r = start[chunk]; r < start[chunk + 1]; r++) {
        if (s.presentations[slots[r]] == 0) {
          run.examples++;
        }
        PendingBatch.presentTo(s, slots[r], steps[r], labels[r], predicted[r], losses[r], margins[r], flags[r]);
      }
      storage.put(chunk, s);
    }
    storage.clearPending(run.pendingBatches);
    if (run.chunkCount >= 0) {
      run.chunkCount = Math.max(run.chunkCount, chunks);
    }
    run.pendingBatches = 0;
    run.pendingRows = 0;
  }

  /** One example's place in the ranking. */
  private record Candidate(long id, double score, ExampleStats stats, int slot) {}

  /**
   * Folds what is pending and ranks the run's examples now, the {@code top} most suspect first (ties
   * by example id); marks the ranking as published at the run's latest step.
   */
  SuspectRanking ranking(String runId, SuspectRun run, Storage storage, int top) {
    fold(run, storage);
    TopSuspects kept = new TopSuspects(top);
    long[] suspected = {0};
    storage.forEach((s, chunk) -> {
      for (int slot = 0; slot < ExampleStats.SIZE; slot++) {
        if (s.presentations[slot] == 0) {
          continue;
        }
        double score = SuspectScore.of(s.presentations[slot], s.wrong[slot], s.meanMargin(slot));
        suspected[0] += score > SuspectScore.SUSPECT_THRESHOLD ? 1 : 0;
        kept.offer((long) chunk * ExampleStats.SIZE + slot, score, s, slot);
      }
    });
    List<Candidate> order = kept.mostSuspectFirst();
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

  /**
   * The {@code top} most suspect examples offered so far: a binary heap on primitive arrays whose
   * root is the least suspect one kept (lowest score, then highest id), so an example that cannot
   * enter costs one comparison.
   */
  static final class TopSuspects {
    private final int top;
    private double[] scores;
    private long[] ids;
    private ExampleStats[] stats;
    private int[] slots;
    private int size;

    /**
     * @param top the examples to keep, 0 or more (up to {@code Integer.MAX_VALUE}: the arrays grow as
     *     examples come)
     * @throws IllegalArgumentException for a negative {@code top}
     */
    TopSuspects(int top) {
      if (top < 0) {
        throw new IllegalArgumentException("a ranking keeps 0 or more examples, not " + top);
      }
      this.top = top;
      int capacity = Math.min(top, 128);
      scores = new double[capacity];
      ids = new long[capacity];
      stats = new ExampleStats[capacity];
      slots = new int[capacity];
    }

    /** Whether entry {@code a} ranks below entry {@code b}: lower score, or the same score and a higher id. */
    private boolean below(int a, int b) {
      int c = Double.compare(scores[a], scores[b]);
      return c < 0 || (c == 0 && ids[a] > ids[b]);
    }

    void offer(long id, double score, ExampleStats s, int slot) {
      if (top == 0) {
        return;
      }
      if (size < top) {
        if (size == ids.length) {
          int capacity = (int) Math.min(top, 2L * size);
          scores = Arrays.copyOf(scores, capacity);
          ids = Arrays.copyOf(ids, capacity);
          stats = Arrays.copyOf(stats, capacity);
          slots = Arrays.copyOf(slots, capacity);
        }
        set(size, id, score, s, slot);
        int i = size++;
        while (i > 0 && below(i, (i - 1) / 2)) {
          swap(i, (i - 1) / 2);
          i = (i - 1) / 2;
        }
        return;
      }
      int c = Double.compare(score, scores[0]);
      if (c < 0 || (c == 0 && id > ids[0])) {
        return; // ranks below the least suspect one kept
      }
      set(0, id, score, s, slot);
      siftDown(0);
    }

    /** Moves entry {@code i} down the heap until no child of it ranks below it. */
    private void siftDown(int i) {
      while (true) {
        int least = i;
        int l = 2 * i + 1;
        int r = l + 1;
        if (l < size && below(l, least)) {
          least = l;
        }
        if (r < size && below(r, least)) {
          least = r;
        }
        if (least == i) {
          return;
        }
        swap(i, least);
        i = least;
      }
    }

    private void set(int i, long id, double score, ExampleStats s, int slot) {
      ids[i] = id;
      scores[i] = score;
      stats[i] = s;
      slots[i] = slot;
    }

    private void swap(int a, int b) {
      long id = ids[a];
      double score = scores[a];
      ExampleStats s = stats[a];
      int slot = slots[a];
      set(a, ids[b], scores[b], stats[b], slots[b]);
      set(b, id, score, s, slot);
    }

    /**
     * The kept examples, most suspect first (ties by example id), taken off the heap: the least
     * suspect one is its root, so it fills the list from the end. Empties the heap.
     */
    List<Candidate> mostSuspectFirst() {
      Candidate[] out = new Candidate[size];
      while (size > 0) {
        out[size - 1] = new Candidate(ids[0], scores[0], stats[0], slots[0]);
        swap(0, --size);
        siftDown(0);
      }
      return Arrays.asList(out);
    }
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
