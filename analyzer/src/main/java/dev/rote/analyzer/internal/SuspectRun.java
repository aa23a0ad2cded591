package dev.rote.analyzer.internal;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the suspect ranking remembers about a run besides its examples' statistics: where the run
 * is, when the ranking was last published, which per-example telemetry it carries, and the
 * training-set size its metadata declares, and how many batches wait to be folded into the
 * statistics. One entry of the {@code suspect-runs} store.
 */
final class SuspectRun {

  private static final int FORMAT = 2;
  private static final int BYTES = 4 + 8 + 4 + 8 + 8 + 4 + 8 + 4 + 8 * 5 + 8 + 8 + 1 + 4 + 8;

  long lastStep;
  int lastEpoch = -1;
  /** First step of the current epoch number. */
  long epochStartStep;
  long lastEmitStep;
  int lastEmitEpoch = -1;
  /** Distinct example ids seen. */
  long examples;
  /** Rows of the latest batch summary. */
  int batchRows;
  long summaries;
  long summariesWithRows;
  long summariesWithIds;
  long summariesWithMargins;
  long summariesWithNoise;
  /** Example ids the run's metadata declares ({@code ExampleIdSpace}: {@code dataset.example_id_space}, else {@code train_size}); 0 when unknown. */
  long declaredTrainSize;
  /** Trainer time of the latest record, epoch milliseconds. */
  long lastTimeMs;
  /** Whether the run's metadata says it ended (completed, stopped or failed). */
  boolean finished;
  /** Batches waiting to be folded into the statistics, and their rows. */
  int pendingBatches;
  long pendingRows;
  /**
   * Not stored: the chunks that can hold this run's examples (one past the highest chunk number
   * folded into), so that the ranking reads them by number, as live objects of the write-behind
   * store, instead of scanning the store; -1 when unknown, for a state read back from the store.
   */
  int chunkCount;

  static Serde<SuspectRun> serde() {
    return Serdes.serdeFrom((topic, s) -> s == null ? null : s.toBytes(),
        (topic, b) -> b == null ? null : fromBytes(b));
  }

  byte[] toBytes() {
    return ByteBuffer.allocate(BYTES).putInt(FORMAT).putLong(lastStep).putInt(lastEpoch).putLong(epochStartStep).putLong(lastEmitStep)
        .putInt(lastEmitEpoch).putLong(examples).putInt(batchRows).putLong(summaries).putLong(summariesWithRows)
        .putLong(summariesWithIds).putLong(summariesWithMargins).putLong(summariesWithNoise)
        .putLong(declaredTrainSize).putLong(lastTimeMs).put((byte) (finished ? 1 : 0)).putInt(pendingBatches)
        .putLong(pendingRows).array();
  }

  static SuspectRun fromBytes(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int format = in.getInt();
    if (format != FORMAT || bytes.length != BYTES) {
      throw new IllegalStateException("suspect run state format " + format + " of " + bytes.length
          + " bytes is not format " + FORMAT + " of " + BYTES);
    }
    SuspectRun r = new SuspectRun();
    r.lastStep = in.getLong();
    r.lastEpoch = in.getInt();
    r.epochStartStep = in.getLong();
    r.lastEmitStep = in.getLong();
    r.lastEmitEpoch = in.getInt();
    r.examples = in.getLong();
    r.batchRows = in.getInt();
    r.summaries = in.getLong();
    r.summariesWithRows = in.getLong();
    r.summariesWithIds = in.getLong();
    r.summariesWithMargins = in.getLong();
    r.summariesWithNoise = in.getLong();
    r.declaredTrainSize = in.getLong();
    r.lastTimeMs = in.getLong();
    r.finished = in.get() != 0;
    r.pendingBatches = in.getInt();
    r.pendingRows = in.getLong();
    r.chunkCount = -1;
    return r;
  }
}
