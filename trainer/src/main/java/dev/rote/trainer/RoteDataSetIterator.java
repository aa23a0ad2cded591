package dev.rote.trainer;

import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A {@link DataSetIterator} under Rote: it stops at the next step after a stop signal, is never
 * prefetched asynchronously, and hands each batch's example ids to the listener. Made by
 * {@link RoteIterators#wrap(DataSetIterator, RoteTelemetry)}; everything else is the wrapped
 * iterator's.
 */
public final class RoteDataSetIterator implements DataSetIterator {

  private static final long serialVersionUID = 1L;

  private final DataSetIterator base;
  private final transient RoteTelemetry rote;
  private final transient RoteIterators.IdAssigner ids;

  RoteDataSetIterator(DataSetIterator base, RoteTelemetry rote, RoteIterators.IdAssigner ids) {
    this.base = Objects.requireNonNull(base, "iterator");
    this.rote = Objects.requireNonNull(rote, "rote");
    this.ids = ids;
  }

  /** The wrapped iterator. */
  public DataSetIterator unwrap() {
    return base;
  }

  /** False once a stop signal for the run has arrived, else the wrapped iterator's answer. */
  @Override
  public boolean hasNext() {
    return !rote.shouldStop() && base.hasNext();
  }

  @Override
  public DataSet next() {
    return offer(base.next());
  }

  @Override
  public DataSet next(int num) {
    return offer(base.next(num));
  }

  private DataSet offer(DataSet ds) {
    if (ds != null && ds.getFeatures() != null) {
      int rows = (int) ds.getFeatures().size(0);
      rote.listener().exampleIds().offer(ids.ids(ds, rows, ds.getExampleMetaData(), rote));
    }
    return ds;
  }

  @Override
  public void reset() {
    base.reset();
    ids.reset();
  }

  /** False: batches are read on the training thread, in step with training. */
  @Override
  public boolean asyncSupported() {
    return false;
  }

  @Override
  public boolean resetSupported() {
    return base.resetSupported();
  }

  @Override
  public int inputColumns() {
    return base.inputColumns();
  }

  @Override
  public int totalOutcomes() {
    return base.totalOutcomes();
  }

  @Override
  public int batch() {
    return base.batch();
  }

  @Override
  public void setPreProcessor(DataSetPreProcessor preProcessor) {
    base.setPreProcessor(preProcessor);
  }

  @Override
  public DataSetPreProcessor getPreProcessor() {
    return base.getPreProcessor();
  }

  @Override
  public List<String> getLabels() {
    return base.getLabels();
  }
}
