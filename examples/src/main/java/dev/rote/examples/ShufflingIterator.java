package dev.rote.examples;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mini-batches of an in-memory {@link DataSet}, in a new random order every epoch ({@link #reset()}),
 * as DL4J's MNIST iterators do when shuffling; seeded, so a run can be repeated. When the data set
 * has example metadata (one entry per example, {@link DataSet#setExampleMetaData}), each batch carries
 * its rows' entries: the ids {@code RoteIterators.wrap(iterator, rote, Ids.METADATA)} reads.
 */
public final class ShufflingIterator implements DataSetIterator {

  private static final long serialVersionUID = 1L;

  private final DataSet data;
  private final int batchSize;
  private final Random random;
  private final int[] order;
  private int position;
  private DataSetPreProcessor preProcessor;

  public ShufflingIterator(DataSet data, int batchSize, long seed) {
    this.data = data;
    this.batchSize = batchSize;
    this.random = new Random(seed);
    this.order = new int[data.numExamples()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    shuffle();
  }

  private void shuffle() {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  @Override
  public boolean hasNext() {
    return position < order.length;
  }

  @Override
  public DataSet next() {
    return next(batchSize);
  }

  @Override
  public DataSet next(int num) {
    if (!hasNext()) {
      throw new NoSuchElementException("the epoch is over; call reset()");
    }
    int n = Math.min(num, order.length - position);
    int[] rows = java.util.Arrays.copyOfRange(order, position, position + n);
    position += n;
    DataSet batch = new DataSet(Nd4j.pullRows(data.getFeatures(), 1, rows), Nd4j.pullRows(data.getLabels(), 1, rows));
    List<Serializable> metadata = data.getExampleMetaData();
    if (metadata != null && metadata.size() == order.length) {
      List<Serializable> rowsMetadata = new ArrayList<>(n);
      for (int r : rows) {
        rowsMetadata.add(metadata.get(r));
      }
      batch.setExampleMetaData(rowsMetadata);
    }
    if (preProcessor != null) {
      preProcessor.preProcess(batch);
    }
    return batch;
  }

  /** Starts a new epoch in a new order. */
  @Override
  public void reset() {
    position = 0;
    shuffle();
  }

  @Override
  public boolean resetSupported() {
    return true;
  }

  @Override
  public boolean asyncSupported() {
    return true;
  }

  @Override
  public int inputColumns() {
    return (int) data.getFeatures().size(1);
  }

  @Override
  public int totalOutcomes() {
    return (int) data.getLabels().size(1);
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
