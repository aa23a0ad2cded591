package dev.rote.trainer;

import java.util.Objects;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * A {@link MultiDataSetIterator} under Rote, for a single-input ComputationGraph's
 * {@code fit(MultiDataSetIterator)}: as {@link RoteDataSetIterator}. Made by
 * {@link RoteIterators#wrap(MultiDataSetIterator, RoteTelemetry)}.
 */
public final class RoteMultiDataSetIterator implements MultiDataSetIterator {

  private static final long serialVersionUID = 1L;

  private final MultiDataSetIterator base;
  private final transient RoteTelemetry rote;
  private final transient RoteIterators.IdAssigner ids;

  RoteMultiDataSetIterator(MultiDataSetIterator base, RoteTelemetry rote, RoteIterators.IdAssigner ids) {
    this.base = Objects.requireNonNull(base, "iterator");
    this.rote = Objects.requireNonNull(rote, "rote");
    this.ids = ids;
  }

  /** The wrapped iterator. */
  public MultiDataSetIterator unwrap() {
    return base;
  }

  /** False once a stop signal for the run has arrived, else the wrapped iterator's answer. */
  @Override
  public boolean hasNext() {
    return !rote.shouldStop() && base.hasNext();
  }

  @Override
  public MultiDataSet next() {
    return offer(base.next());
  }

  @Override
  public MultiDataSet next(int num) {
    return offer(base.next(num));
  }

  private MultiDataSet offer(MultiDataSet mds) {
    if (mds != null && mds.getFeatures() != null && mds.getFeatures().length > 0) {
      int rows = (int) mds.getFeatures(0).size(0);
      rote.listener().exampleIds().offer(ids.ids(mds, rows, mds.getExampleMetaData(), rote));
    }
    return mds;
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
  public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
    base.setPreProcessor(preProcessor);
  }

  @Override
  public MultiDataSetPreProcessor getPreProcessor() {
    return base.getPreProcessor();
  }
}
