package dev.rote.analyzer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import org.junit.jupiter.api.Test;

class SuspectTrackerTest {

  /** Chunks and pending batches in maps, as the in-process computation keeps them. */
  static final class MapStorage implements SuspectTracker.Storage {
    final TreeMap<Integer, ExampleStats> chunks = new TreeMap<>();
    final List<PendingBatch> pending = new ArrayList<>();
    int writes;

    @Override
    public ExampleStats get(int chunk) {
      return chunks.get(chunk);
    }

    @Override
    public void put(int chunk, ExampleStats stats) {
      writes++;
      chunks.put(chunk, stats);
    }

    @Override
    public void forEach(ObjIntConsumer<ExampleStats> each) {
      chunks.forEach((c, s) -> each.accept(s, c));
    }

    @Override
    public void addPending(int index, PendingBatch batch) {
      writes++;
      assertThat(index).isEqualTo(pending.size());
      pending.add(PendingBatch.fromBytes(batch.toBytes()));
    }

    @Override
    public void forEachPending(int count, Consumer<PendingBatch> each) {
      pending.subList(0, count).forEach(each);
    }

    @Override
    public void clearPending(int count) {
      pending.subList(0, count).clear();
    }
  }

  static Telemetry batch(Random rnd, long step, int examples, int n) {
    ExampleColumns.Builder e = ExampleColumns.newBuilder();
    for (int i = 0; i < n; i++) {
      int label = rnd.nextInt(10);
      // ids drawn with replacement: a batch may present an example twice
      e.addExampleId(rnd.nextInt(examples)).addLabel(label).addPredicted(rnd.nextBoolean() ? label : rnd.nextInt(10))
          .addLoss(rnd.nextFloat()).addMargin((float) rnd.nextGaussian()).addNoisy(rnd.nextInt(5) == 0);
    }
    return Telemetry.newBuilder().setRunId("r").setStep(step).setEpoch(0)
        .setBatch(BatchSummary.newBuilder().setLoss(1).setExamples(e)).build();
  }

  @Test
  void shouldFoldPendingBatchesIntoTheStatisticsOfPresentingEachRowInOrder() {
    Random rnd = new Random(17);
    SuspectTracker tracker = new SuspectTracker();
    SuspectRun run = new SuspectRun();
    MapStorage storage = new MapStorage();
    TreeMap<Integer, ExampleStats> reference = new TreeMap<>();
    for (long step = 1; step <= 300; step++) {
      Telemetry t = batch(rnd, step, 1000, 50);
      tracker.add(run, storage, t);
      ExampleColumns e = t.getBatch().getExamples();
      for (int i = 0; i < e.getLabelCount(); i++) {
        int id = (int) e.getExampleId(i);
        reference.computeIfAbsent(id / ExampleStats.SIZE, c -> new ExampleStats()).present(id % ExampleStats.SIZE,
            step, e.getLabel(i), e.getPredicted(i), e.getLoss(i), e.getMargin(i), e.getNoisy(i) ? 1 : 0);
      }
      if (rnd.nextInt(40) == 0) {
        tracker.fold(run, storage);
      }
    }
    tracker.fold(run, storage);

    assertThat(storage.pending).isEmpty();
    assertThat(run.pendingBatches).isZero();
    assertThat(storage.chunks).isEqualTo(reference);
    assertThat(run.examples).isEqualTo(reference.values().stream()
        .mapToLong(s -> java.util.Arrays.stream(s.presentations).filter(p -> p > 0).count()).sum());
  }

  @Test
  void shouldWriteOnceForABatchAndFoldAboutOncePerPass() {
    Random rnd = new Random(3);
    SuspectTracker tracker = new SuspectTracker();
    SuspectRun run = new SuspectRun();
    MapStorage storage = new MapStorage();
    int examples = 20_000;
    int folds = 0;
    for (long step = 1; step <= 2000; step++) {
      tracker.add(run, storage, batch(rnd, step, examples, 100));
      if (tracker.foldDue(run)) {
        tracker.fold(run, storage);
        folds++;
      }
    }
    // 200,000 presentations of 20,000 examples: about ten passes; the first folds come every 4,096 rows, then
    // one whenever a pass' worth (the examples seen so far) has gathered
    assertThat(folds).isBetween(10, 20);
    // one write per batch, plus each chunk (313 of them) about once per fold
    assertThat(storage.writes).isLessThan(2000 + (folds + 1) * (examples / ExampleStats.SIZE + 1));
  }

  @Test
  void shouldRoundTripAPendingBatch() {
    Telemetry t = batch(new Random(1), 7, 100, 9);
    PendingBatch b = PendingBatch.of(7, t.getBatch().getExamples());
    assertThat(PendingBatch.fromBytes(b.toBytes())).isEqualTo(b);
    assertThat(b.toBytes()).hasSize(13 + 9 * 15);
  }

  @Test
  void shouldKeepTheSameTopAsSortingEveryExampleTiesIncluded() {
    Random rnd = new Random(23);
    MapStorage storage = new MapStorage();
    List<long[]> all = new ArrayList<>(); // {id, score bits}
    for (int chunk = 0; chunk < 40; chunk++) {
      ExampleStats s = new ExampleStats();
      for (int slot = 0; slot < ExampleStats.SIZE; slot++) {
        if (rnd.nextInt(7) == 0) {
          continue; // never presented: not ranked
        }
        int presentations = 1 + rnd.nextInt(4);
        // no margins: the score is (wrong + 0.5) / (presentations + 1), so ties are many
        for (int p = 0; p < presentations; p++) {
          s.present(slot, p + 1, 1, rnd.nextBoolean() ? 1 : 2, 0.5f, Float.NaN, -1);
        }
        long id = (long) chunk * ExampleStats.SIZE + slot;
        double score = dev.rote.analyzer.math.SuspectScore.of(s.presentations[slot], s.wrong[slot], Double.NaN);
        all.add(new long[] {id, Double.doubleToLongBits(score)});
      }
      storage.put(chunk, s);
    }
    all.sort((a, b) -> {
      int c = Double.compare(Double.longBitsToDouble(b[1]), Double.longBitsToDouble(a[1]));
      return c != 0 ? c : Long.compare(a[0], b[0]);
    });
    SuspectTracker tracker = new SuspectTracker();
    for (int top : new int[] {0, 1, 7, 100, all.size(), all.size() + 50}) {
      SuspectRun run = new SuspectRun();
      List<Long> ranked = tracker.ranking("r", run, storage, top).getSuspectsList().stream()
          .map(x -> x.getExampleId()).toList();
      List<Long> expected = all.subList(0, Math.min(top, all.size())).stream().map(x -> x[0]).toList();
      assertThat(ranked).as("top %d", top).isEqualTo(expected);
    }
  }

  @Test
  void shouldRefuseANegativeTop() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SuspectTracker.TopSuspects(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not -1");
  }
}
