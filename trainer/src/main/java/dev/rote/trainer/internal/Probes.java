package dev.rote.trainer.internal;

import dev.rote.trainer.internal.Captures.MatrixCapture;
import dev.rote.trainer.internal.Captures.ProbeCapture;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hidden activations on the probe set as examples x units matrices: dense activations as they are,
 * convolutional ones ({@code [examples, channels, height, width]} or NHWC) averaged over space per
 * channel, so a row stays one example and a ReLU layer's values stay non-negative. Layers with
 * activations of any other rank are left out.
 */
public final class Probes {

  private Probes() {}

  /** Runs the probe set through the network in inference mode; call inside {@code scopeOutOfWorkspaces()}. */
  public static ProbeCapture capture(NetworkView view, INDArray features, long[] ids, int[] labels) {
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
    return new ProbeCapture(ids, labels, out.toArray(MatrixCapture[]::new));
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
