package dev.rote.trainer.internal;

import dev.rote.trainer.internal.Captures.LayerCapture;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Per-layer parameter, raw-gradient and update norms. */
public final class LayerNorms {

  private LayerNorms() {}

  /**
   * Statistics of every layer with parameters, read after the update (the gradient view then holds
   * the update).
   *
   * @param gradientNorms raw gradient norm of each layer (by index), read before the update
   */
  public static LayerCapture[] stats(NetworkView view, double[] gradientNorms) {
    List<LayerCapture> stats = new ArrayList<>();
    for (NetworkView.LayerRef l : view.layers()) {
      if (l.hasParams()) {
        double paramNorm = norm2(l.layer().params());
        double updateNorm = norm2(l.layer().getGradientsViewArray());
        stats.add(new LayerCapture(l.index(), l.name(), paramNorm, gradientNorms[l.index()],
            paramNorm == 0 ? 0 : updateNorm / paramNorm));
      }
    }
    return stats.toArray(LayerCapture[]::new);
  }

  /**
   * L2 norm of a layer's flat parameter or gradient view. A BLAS dot product of the contiguous view
   * with itself costs a fraction of ND4J's generic norm2 reduction.
   */
  public static double norm2(INDArray v) {
    if (v == null || v.isEmpty()) {
      return 0;
    }
    if (v.isVector() && v.elementWiseStride() == 1) {
      return Math.sqrt(Math.max(0, Nd4j.getBlasWrapper().dot(v, v)));
    }
    return v.norm2Number().doubleValue();
  }
}
