package dev.rote.trainer.internal;

import dev.rote.trainer.internal.Captures.MatrixCapture;
import dev.rote.trainer.internal.Captures.ProbeCapture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Hidden activations on the probe set as examples x units matrices: dense activations as they are,
 * convolutional ones ({@code [examples, channels, height, width]} or NHWC) averaged over space per
 * channel, so a row stays one example and a ReLU layer's values stay non-negative. Layers with
 * activations of any other rank are left out.
 */
public final class Probes {

  /** A probe set: features (one example per row), ids and labels. */
  public record Set(INDArray features, long[] ids, int[] labels) {}

  private Probes() {}

  /**
   * The first {@code perClass} examples of each class (by label) of {@code iterator}, with their
   * positions in the iterator's order as ids; the iterator is reset before (when it can be) and after.
   */
  public static Set firstPerClass(DataSetIterator iterator, int perClass) {
    if (perClass < 1) {
      throw new IllegalArgumentException("perClass must be >= 1, was " + perClass);
    }
    if (iterator.resetSupported()) {
      iterator.reset();
    }
    List<INDArray> rows = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    Map<Integer, Integer> counts = new HashMap<>();
    long position = 0;
    int classes = -1;
    while (iterator.hasNext() && (classes < 0 || counts.size() < classes
        || counts.values().stream().anyMatch(c -> c < perClass))) {
      DataSet ds = iterator.next();
      INDArray y = ds.getLabels();
      classes = (int) y.size(1);
      int[] target = Captures.argMaxRows(Captures.floats(y), (int) y.size(0), classes);
      for (int i = 0; i < target.length; i++, position++) {
        if (counts.merge(target[i], 1, Integer::sum) <= perClass) {
          rows.add(ds.getFeatures().get(NDArrayIndex.interval(i, i + 1)).dup());
          ids.add(position);
          labels.add(target[i]);
        }
      }
    }
    if (iterator.resetSupported()) {
      iterator.reset();
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("the iterator has no examples to probe");
    }
    return new Set(Nd4j.concat(0, rows.toArray(INDArray[]::new)), ids.stream().mapToLong(Long::longValue).toArray(),
        labels.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * Runs the probe set through the network in inference mode; call inside {@code scopeOutOfWorkspaces()}.
   *
   * @param trueLabels the probe examples' clean classes, or null when unknown
   */
  public static ProbeCapture capture(NetworkView view, INDArray features, long[] ids, int[] labels, int[] trueLabels) {
    List<NetworkView.LayerRef> layers = view.probeLayers();
    List<INDArray> acts = view.probeActivations(features, layers);
    List<MatrixCapture> out = new ArrayList<>(layers.size());
    for (int i = 0; i < layers.size(); i++) {
      INDArray m = summarize(acts.get(i), view.format(layers.get(i)));
      if (m != null) {
        NetworkView.LayerRef l = layers.get(i);
        out.add(new MatrixCapture(l.index(), l.name(), (int) m.rows(), (int) m.columns(), Captures.floats(m)));
      }
    }
    return new ProbeCapture(ids, labels, trueLabels, out.toArray(MatrixCapture[]::new));
  }

  /** Examples x units, or null for activations that are neither dense nor 2-d convolutional. */
  static INDArray summarize(INDArray a, CNN2DFormat format) {
    if (a == null) {
      return null;
    }
    return switch (a.rank()) {
      case 2 -> a;
      case 4 -> format == CNN2DFormat.NHWC ? a.mean(1, 2) : a.mean(2, 3);
      default -> null;
    };
  }
}
