package dev.rote.reference;

import dev.rote.reference.data.IdxDataset;
import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Mini-batches over a subset of a dataset's training examples, with the given (possibly noisy)
 * labels one-hot encoded. Features are built batch by batch, so large splits cost no extra memory.
 *
 * <p>When shuffled, epoch {@code e} visits the examples in an order drawn from
 * {@code new SplittableRandom(seed * 1_000_003L + e)}, as the reference trainer does. A
 * {@link #reset()} after at least one batch was taken starts the next epoch; a reset before any
 * batch keeps the current order, so the early-stopping trainer's reset at the start of epoch 0 does
 * not skip an order.
 */
final class IndexBatches implements DataSetIterator {

  private static final long serialVersionUID = 1L;

  private final transient IdxDataset data;
  private final int[] examples;
  private final int[] labels;
  private final int batchSize;
  private final Long shuffleSeed;
  private int[] order;
  private int cursor;
  private int epoch;
  private DataSetPreProcessor preProcessor;

  /**
   * @param examples training-example indices to visit
   * @param labels labels of all training examples, indexed like the dataset
   * @param shuffleSeed seed of the per-epoch order; null for the order of {@code examples}
   */
  IndexBatches(IdxDataset data, int[] examples, int[] labels, int batchSize, Long shuffleSeed) {
    this.data = data;
    this.examples = examples.clone();
    this.labels = labels;
    this.batchSize = batchSize;
    this.shuffleSeed = shuffleSeed;
    this.order = order(0);
  }

  private int[] order(int e) {
    int[] o = examples.clone();
    if (shuffleSeed != null) {
      Batches.shuffleForEpoch(o, shuffleSeed, e);
    }
    return o;
  }

  @Override
  public boolean hasNext() {
    return cursor < order.length;
  }

  @Override
  public DataSet next() {
    return next(batchSize);
  }

  @Override
  public DataSet next(int num) {
    if (!hasNext()) {
      throw new NoSuchElementException("epoch " + epoch + " has no more batches");
    }
    int n = Math.min(num, order.length - cursor);
    int[] idx = new int[n];
    System.arraycopy(order, cursor, idx, 0, n);
    cursor += n;
    DataSet ds = Batches.trainingBatch(data, idx, labels);
    if (preProcessor != null) {
      preProcessor.preProcess(ds);
    }
    return ds;
  }

  @Override
  public void reset() {
    if (cursor > 0 && shuffleSeed != null) {
      order = order(++epoch);
    }
    cursor = 0;
  }

  @Override
  public int inputColumns() {
    return data.inputSize();
  }

  @Override
  public int totalOutcomes() {
    return data.numClasses();
  }

  @Override
  public boolean resetSupported() {
    return true;
  }

  /** False: batches are cheap to build, and a prefetching thread would only add noise to timings. */
  @Override
  public boolean asyncSupported() {
    return false;
  }

  @Override
  public int batch() {
    return batchSize;
  }

  @Override
  public void setPreProcessor(DataSetPreProcessor preProcessor) {
    this.preProcessor = preProcessor;
  }

  @Override
  public DataSetPreProcessor getPreProcessor() {
    return preProcessor;
  }

  @Override
  public List<String> getLabels() {
    return null;
  }
}
