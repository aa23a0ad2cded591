package dev.rote.analyzer.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The per-example statistics of {@link #SIZE} consecutive example ids of one run (a chunk): one
 * entry of the {@code example-stats} store. Struct of arrays, 49 bytes per example serialized, so a
 * 60,000-example run holds about 2.9 MB in 938 entries, each rewritten about once per epoch (see
 * {@link PendingBatch}).
 *
 * <p>Per example: presentations, wrong events (prediction differs from the label), forgetting events
 * (correct at the previous presentation, wrong at this one), the first step at which it was
 * predicted correctly, the sum and count of its margins (for the mean margin, AUM), the loss, label
 * and prediction of its latest presentation, the ground-truth noise flag when published, and the two
 * other classes it was predicted as most often (Space-Saving counters, Metwally et al. 2005: exact
 * whenever its wrong predictions fall on at most two classes; a class predicted in more than half
 * of them is always kept; otherwise the counts may over-count by at most the smaller counter).
 */
final class ExampleStats {

  /** Example ids per chunk: example id {@code i} lives in chunk {@code i / SIZE}, slot {@code i % SIZE}. */
  static final int SIZE = 64;

  /** Bytes per example in the serialized form. */
  static final int BYTES_PER_EXAMPLE = 4 + 4 + 4 + 4 + 8 + 8 + 4 + 1 + 1 + 1 + 1 + 1 + 4 + 4;

  private static final byte FORMAT = 1;

  /** Values of {@link #flipped}. */
  static final byte FLIP_UNKNOWN = 0;
  static final byte FLIP_NO = 1;
  static final byte FLIP_YES = 2;

  final int[] presentations = new int[SIZE];
  final int[] wrong = new int[SIZE];
  final int[] forgetting = new int[SIZE];
  final int[] marginCount = new int[SIZE];
  /** First step with a correct prediction; 0 while there was none. */
  final long[] firstLearned = new long[SIZE];
  final double[] marginSum = new double[SIZE];
  final float[] lastLoss = new float[SIZE];
  final byte[] label = new byte[SIZE];
  final byte[] lastPredicted = new byte[SIZE];
  final byte[] flipped = new byte[SIZE];
  final byte[] otherA = new byte[SIZE];
  final byte[] otherB = new byte[SIZE];
  final int[] countA = new int[SIZE];
  final int[] countB = new int[SIZE];

  /**
   * Adds one presentation of the example in slot {@code i}.
   *
   * @param margin the presentation's margin, or NaN when the trainer published none
   * @param noisy 1 when the label was flipped by noise injection, 0 when not, -1 when unknown
   */
  void present(int i, long step, int labelNow, int predicted, float loss, float margin, int noisy) {
    boolean correct = predicted == labelNow;
    if (presentations[i] > 0 && lastPredicted[i] == label[i] && !correct) {
      forgetting[i]++;
    }
    presentations[i]++;
    if (correct) {
      if (firstLearned[i] == 0) {
        firstLearned[i] = step;
      }
    } else {
      wrong[i]++;
      vote(i, (byte) predicted);
    }
    if (!Float.isNaN(margin)) {
      marginSum[i] += margin;
      marginCount[i]++;
    }
    lastLoss[i] = loss;
    label[i] = (byte) labelNow;
    lastPredicted[i] = (byte) predicted;
    if (noisy >= 0) {
      flipped[i] = noisy == 1 ? FLIP_YES : FLIP_NO;
    }
  }

  /** Space-Saving with two counters over the classes predicted instead of the label. */
  private void vote(int i, byte c) {
    if (countA[i] > 0 && otherA[i] == c) {
      countA[i]++;
    } else if (countB[i] > 0 && otherB[i] == c) {
      countB[i]++;
    } else if (countA[i] == 0) {
      otherA[i] = c;
      countA[i] = 1;
    } else if (countB[i] == 0) {
      otherB[i] = c;
      countB[i] = 1;
    } else if (countA[i] <= countB[i]) {
      otherA[i] = c;
      countA[i]++;
    } else {
      otherB[i] = c;
      countB[i]++;
    }
  }

  /** The class predicted most often: the label unless another class was predicted more often (ties keep the label). */
  int predictedMost(int i) {
    int best = label[i];
    int bestCount = presentations[i] - wrong[i];
    if (countA[i] > bestCount) {
      best = otherA[i];
      bestCount = countA[i];
    }
    if (countB[i] > bestCount) {
      best = otherB[i];
    }
    return best;
  }

  /** Mean margin of slot {@code i}, NaN when it has none. */
  double meanMargin(int i) {
    return marginCount[i] == 0 ? Double.NaN : marginSum[i] / marginCount[i];
  }

  byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(1 + SIZE * BYTES_PER_EXAMPLE);
    out.put(FORMAT);
    out.asIntBuffer().put(presentations).put(wrong).put(forgetting).put(marginCount).put(countA).put(countB);
    out.position(out.position() + 6 * 4 * SIZE);
    out.asLongBuffer().put(firstLearned);
    out.position(out.position() + 8 * SIZE);
    out.asDoubleBuffer().put(marginSum);
    out.position(out.position() + 8 * SIZE);
    out.asFloatBuffer().put(lastLoss);
    out.position(out.position() + 4 * SIZE);
    out.put(label).put(lastPredicted).put(flipped).put(otherA).put(otherB);
    return out.array();
  }

  static ExampleStats fromBytes(byte[] bytes) {
    if (bytes.length != 1 + SIZE * BYTES_PER_EXAMPLE || bytes[0] != FORMAT) {
      throw new IllegalStateException("example-stats chunk of " + bytes.length + " bytes, format " + bytes[0]
          + ": not format " + FORMAT + " of " + (1 + SIZE * BYTES_PER_EXAMPLE) + " bytes");
    }
    ExampleStats s = new ExampleStats();
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    var ints = in.asIntBuffer();
    ints.get(s.presentations).get(s.wrong).get(s.forgetting).get(s.marginCount).get(s.countA).get(s.countB);
    in.position(in.position() + 6 * 4 * SIZE);
    in.asLongBuffer().get(s.firstLearned);
    in.position(in.position() + 8 * SIZE);
    in.asDoubleBuffer().get(s.marginSum);
    in.position(in.position() + 8 * SIZE);
    in.asFloatBuffer().get(s.lastLoss);
    in.position(in.position() + 4 * SIZE);
    in.get(s.label).get(s.lastPredicted).get(s.flipped).get(s.otherA).get(s.otherB);
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExampleStats s && Arrays.equals(toBytes(), s.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }
}
