package dev.rote.reference;

import dev.rote.reference.data.IdxDataset;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Mini-batches from a dataset by example index: features, one-hot labels, and the epoch order. */
public final class Batches {

  private Batches() {}

  /** The features of examples {@code idx} of the training or the test split, one row each. */
  public static INDArray features(IdxDataset data, boolean train, int[] idx) {
    float[] buf = new float[idx.length * data.inputSize()];
    data.fillFeatures(train, idx, buf);
    return Nd4j.create(buf, new long[] {idx.length, data.inputSize()}, 'c');
  }

  /** One row per label, 1 in the label's column. */
  public static INDArray oneHot(int[] labels, int numClasses) {
    float[] buf = new float[labels.length * numClasses];
    for (int i = 0; i < labels.length; i++) {
      buf[i * numClasses + labels[i]] = 1f;
    }
    return Nd4j.create(buf, new long[] {labels.length, numClasses}, 'c');
  }

  /** Training examples {@code idx} with {@code labels[idx[i]]} one-hot encoded. */
  public static DataSet trainingBatch(IdxDataset data, int[] idx, int[] labels) {
    return new DataSet(features(data, true, idx), oneHot(select(labels, idx), data.numClasses()));
  }

  /** Shuffles {@code order} in place for epoch {@code epoch} of a run seeded with {@code seed}. */
  public static void shuffleForEpoch(int[] order, long seed, int epoch) {
    shuffle(order, new SplittableRandom(seed * 1_000_003L + epoch));
  }

  /** Fisher-Yates. */
  static void shuffle(int[] a, SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  static int[] select(int[] values, int[] idx) {
    int[] out = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = values[idx[i]];
    }
    return out;
  }

  static boolean[] select(boolean[] values, int[] idx) {
    boolean[] out = new boolean[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = values[idx[i]];
    }
    return out;
  }

  static long[] toLongs(int[] idx) {
    long[] out = new long[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = idx[i];
    }
    return out;
  }
}
