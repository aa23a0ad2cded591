package dev.rote.trainer.internal;

import java.util.Map;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ||dL_i/dx_i||_1 from a {@link MultiLayerNetwork}'s own backward pass in a plain {@code fit}.
 *
 * <p>In DL4J 1.0.0-M2.1 the network's backward pass computes dL/dx (the first layer's input
 * gradient) and then drops it, but first hands it to the first layer's input preprocessor, if it has
 * one, to map back to the input's shape. Arming puts a pass-through preprocessor in front of the
 * first layer (wrapping the one already there, if any) for the rest of the step, after the forward
 * pass: on the way back it reduces the gradient to per-row L1 norms, while its workspace is still
 * open. {@link #disarm()} puts the configuration back; it must run at the end of the step, so the
 * tap is never seen by anything but that backward pass (nor saved with the model).
 */
public final class MlnInputGradients {

  private final MultiLayerNetwork net;
  private boolean armed;
  private InputPreProcessor original;
  private float[] norms;

  public MlnInputGradients(MultiLayerNetwork net) {
    this.net = net;
  }

  /** Installs the tap; call from {@code onForwardPass}. */
  public void arm() {
    if (armed) {
      return;
    }
    Map<Integer, InputPreProcessor> pre = net.getLayerWiseConfigurations().getInputPreProcessors();
    original = pre.get(0);
    pre.put(0, new Tap(original));
    armed = true;
    norms = null;
  }

  /** Per-row L1 norms of dL/dx captured by the step's backward pass, or null. */
  public float[] take() {
    float[] n = norms;
    norms = null;
    return n;
  }

  /** Puts the first layer's own preprocessor (or none) back. */
  public void disarm() {
    if (!armed) {
      return;
    }
    Map<Integer, InputPreProcessor> pre = net.getLayerWiseConfigurations().getInputPreProcessors();
    if (original == null) {
      pre.remove(0);
    } else {
      pre.put(0, original);
    }
    original = null;
    armed = false;
  }

  /** Passes activations and gradients through {@code inner} (or unchanged), keeping the gradient's row norms. */
  private final class Tap implements InputPreProcessor {
    private static final long serialVersionUID = 1L;
    private final InputPreProcessor inner;

    Tap(InputPreProcessor inner) {
      this.inner = inner;
    }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
      return inner == null ? input : inner.preProcess(input, miniBatchSize, workspaceMgr);
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
      INDArray dLdx = inner == null ? output : inner.backprop(output, miniBatchSize, workspaceMgr);
      if (dLdx != null) {
        norms = Captures.rowNorm1(dLdx);
      }
      return dLdx;
    }

    @Override
    public InputPreProcessor clone() {
      return inner == null ? this : new Tap(inner.clone());
    }

    @Override
    public InputType getOutputType(InputType inputType) {
      return inner == null ? inputType : inner.getOutputType(inputType);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
        int minibatchSize) {
      return inner == null ? new Pair<>(maskArray, currentMaskState)
          : inner.feedForwardMaskArray(maskArray, currentMaskState, minibatchSize);
    }
  }

  /**
   * dL/dx by a second backward pass (the fallback when the step's own pass did not reach the
   * input). The network's gradient view, which holds the step's update, is put back afterwards for
   * the listeners after the caller; call with the caller's own hooks off.
   */
  public static INDArray secondPass(MultiLayerNetwork net) {
    INDArray x = net.getInput();
    INDArray y = net.getLabels();
    if (x == null || y == null) {
      return null;
    }
    INDArray view = net.getGradientsViewArray();
    INDArray saved = view == null ? null : view.dup();
    try {
      return net.calculateGradients(x, y, null, null).getSecond();
    } finally {
      if (saved != null) {
        view.assign(saved);
      }
    }
  }
}
