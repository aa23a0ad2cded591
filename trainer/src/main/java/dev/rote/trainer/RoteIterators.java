package dev.rote.trainer;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Wraps DL4J data iterators for training under Rote with DL4J's own loops ({@code net.fit(iterator)},
 * {@code net.fit(iterator, epochs)}, {@code EarlyStoppingTrainer}, {@code EarlyStoppingGraphTrainer}).
 * The wrapper:
 *
 * <ul>
 *   <li>ends the epoch at the next step once a stop signal for the run has arrived: {@code hasNext()}
 *       returns false from then on (remaining epochs of {@code fit(iterator, epochs)} take no step;
 *       add {@link RoteTerminationCondition} as an epoch condition of an early-stopping trainer);
 *   <li>reports {@code asyncSupported() == false}, so DL4J does not prefetch batches on another
 *       thread (an {@code AsyncDataSetIterator} reads ahead, across {@code reset()} too), which keeps
 *       the ids it hands to the listener aligned with the batch {@code fit} trains on next;
 *   <li>optionally supplies the example ids of each batch ({@link Ids}).
 * </ul>
 *
 * <pre>{@code
 * net.fit(RoteIterators.wrap(trainIterator, rote), 30);
 * }</pre>
 */
public final class RoteIterators {

  /** Where a wrapper takes example ids from. */
  public enum Ids {
    /** The batch's example metadata when it has some ({@link #METADATA}), else content ids. */
    AUTO,
    /**
     * Numbered by position since the last {@code reset()}: the data set index for an iterator that
     * does not shuffle (wrong for one that does).
     */
    POSITIONAL,
    /**
     * {@code DataSet.getExampleMetaData()}: a {@link Number} is the id; any other entry gets a dense
     * id (0, 1, ...) per distinct value by {@code equals}. Batches without metadata are reported
     * and fall back to content ids.
     */
    METADATA,
    /** None from the iterator: the listener's content ids. */
    CONTENT
  }

  private RoteIterators() {}

  /** {@link Ids#AUTO} ids. */
  public static RoteDataSetIterator wrap(DataSetIterator iterator, RoteTelemetry rote) {
    return wrap(iterator, rote, Ids.AUTO);
  }

  public static RoteDataSetIterator wrap(DataSetIterator iterator, RoteTelemetry rote, Ids ids) {
    return new RoteDataSetIterator(iterator, rote, new IdAssigner(ids, null));
  }

  /**
   * Ids from a function of the batch: one per row, stable across epochs, best dense (0..n-1).
   *
   * @throws IllegalStateException later, from {@code next()}, when the function returns a wrong number of ids
   */
  public static RoteDataSetIterator wrap(DataSetIterator iterator, RoteTelemetry rote, Function<DataSet, long[]> ids) {
    Objects.requireNonNull(ids, "ids");
    return new RoteDataSetIterator(iterator, rote, new IdAssigner(Ids.AUTO, b -> ids.apply((DataSet) b)));
  }

  /** {@link Ids#AUTO} ids for a ComputationGraph's {@code fit(MultiDataSetIterator)} (one input). */
  public static RoteMultiDataSetIterator wrap(MultiDataSetIterator iterator, RoteTelemetry rote) {
    return wrap(iterator, rote, Ids.AUTO);
  }

  public static RoteMultiDataSetIterator wrap(MultiDataSetIterator iterator, RoteTelemetry rote, Ids ids) {
    return new RoteMultiDataSetIterator(iterator, rote, new IdAssigner(ids, null));
  }

  public static RoteMultiDataSetIterator wrap(MultiDataSetIterator iterator, RoteTelemetry rote,
      Function<MultiDataSet, long[]> ids) {
    Objects.requireNonNull(ids, "ids");
    return new RoteMultiDataSetIterator(iterator, rote, new IdAssigner(Ids.AUTO,
        b -> ids.apply((MultiDataSet) b)));
  }

  /** Ids of the batches a wrapper returns, in its mode. Used on the training thread only. */
  static final class IdAssigner {
    private final Ids mode;
    private final Function<Object, long[]> function;
    private final Map<Object, Long> denseMetadata = new HashMap<>();
    private long position;

    IdAssigner(Ids mode, Function<Object, long[]> function) {
      this.mode = Objects.requireNonNull(mode, "ids");
      this.function = function;
    }

    void reset() {
      position = 0;
    }

    /** Ids of a batch of {@code rows} rows, or null for content ids. */
    long[] ids(Object batch, int rows, List<Serializable> metadata, RoteTelemetry rote) {
      long start = position;
      position += rows;
      if (function != null) {
        long[] ids = function.apply(batch);
        if (ids == null || ids.length != rows) {
          throw new IllegalStateException("the example-id function returned " + (ids == null ? "null" : ids.length
              + " ids") + " for a batch of " + rows + " examples");
        }
        return ids;
      }
      switch (mode) {
        case POSITIONAL -> {
          long[] ids = new long[rows];
          for (int i = 0; i < rows; i++) {
            ids[i] = start + i;
          }
          return ids;
        }
        case CONTENT -> {
          return null;
        }
        default -> {
          boolean has = metadata != null && metadata.size() == rows;
          if (!has) {
            if (mode == Ids.METADATA) {
              rote.listener().degradations().report("iterator_ids", "the iterator's batches carry no example "
                  + "metadata for their rows (ids from METADATA); content ids are used instead", List.of());
            }
            return null;
          }
          long[] ids = new long[rows];
          for (int i = 0; i < rows; i++) {
            Object m = metadata.get(i);
            ids[i] = m instanceof Number n ? n.longValue()
                : denseMetadata.computeIfAbsent(m, k -> (long) denseMetadata.size());
          }
          return ids;
        }
      }
    }
  }
}
