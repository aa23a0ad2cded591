package dev.rote.trainer.internal;

import dev.rote.trainer.internal.Captures.BatchCapture;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The per-example outputs of one step, taken from the output layer's 2-d input in the forward pass
 * (its preprocessor applied, so a CNN whose output layer follows a convolution or pooling layer is
 * handled like a dense one), with the weights before the update.
 *
 * <p>Softmax cross-entropy (unweighted {@code LossMCXENT}, {@code LossNegativeLogLikelihood}): the
 * input, weights and biases are copied and everything else is computed on the sender thread (see
 * {@link OutputHead}). Any other loss: the logits are computed with ND4J on the training thread and
 * the per-example losses with the loss function's own {@code computeScoreArray}. Labels may come
 * later than the forward pass (a ComputationGraph hands them to its output layer only in the
 * backward pass). Call inside {@code scopeOutOfWorkspaces()}.
 */
public final class HeadCapture {

  /** Why the head could not be captured. */
  public static final class Unsupported extends Exception {
    public Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  private final BatchCapture.Builder batch;
  private final ILossFunction loss;
  private final IActivation activation;
  private final int classes;
  private INDArray logits;

  private HeadCapture(BatchCapture.Builder batch, ILossFunction loss, IActivation activation, int classes) {
    this.batch = batch;
    this.loss = loss;
    this.activation = activation;
    this.classes = classes;
  }

  /** Captures what the forward pass offers; labels follow with {@link #labels(INDArray)}. */
  public static HeadCapture begin(NetworkView view, Object activations, BatchCapture.Builder batch) throws Unsupported {
    NetworkView.LayerRef out = view.outputLayer();
    NetworkView.Head kind = view.head();
    if (kind == NetworkView.Head.UNSUPPORTED) {
      throw new Unsupported("output layer \"" + out.name() + "\" is a " + out.type());
    }
    INDArray h = view.outputLayerInput(activations);
    if (h == null) {
      throw new Unsupported("the input of output layer \"" + out.name() + "\" is not among the forward-pass activations");
    }
    if (h.rank() != 2 || h.size(0) != batch.rows()) {
      throw new Unsupported("the input of output layer \"" + out.name() + "\" has shape "
          + java.util.Arrays.toString(h.shape()) + ", not [examples, features]");
    }
    Layer layer = out.layer();
    ILossFunction lossFn;
    IActivation act;
    if (out.conf() instanceof BaseOutputLayer o) {
      lossFn = o.getLossFn();
      act = o.getActivationFn();
    } else {
      LossLayer l = (LossLayer) out.conf();
      lossFn = l.getLossFn();
      act = l.getActivationFn();
    }
    int rows = (int) h.size(0);
    if (kind == NetworkView.Head.LOSS_ONLY) {
      HeadCapture c = new HeadCapture(batch, lossFn, act, (int) h.size(1));
      c.logits = h.dup('c');
      return c;
    }
    INDArray w = layer.getParam("W");
    INDArray b = layer.paramTable().get("b");
    int classes = (int) w.columns();
    HeadCapture c = new HeadCapture(batch, lossFn, act, classes);
    if (lossFn instanceof LossMCXENT mcxent && mcxent.getWeights() == null && act instanceof ActivationSoftmax) {
      float[] hidden = Captures.floats(h, OutputHead.reusableHidden((int) h.length()));
      batch.head(new OutputHead(hidden, rows, (int) h.columns(), Captures.floats(w),
          b == null ? null : Captures.floats(b), classes, mcxent.getSoftmaxClipEps()));
    } else {
      INDArray z = h.castTo(w.dataType()).mmul(w);
      c.logits = b == null ? z : z.addiRowVector(b);
    }
    return c;
  }

  public int classes() {
    return classes;
  }

  /** Adds the step's labels; computes losses now unless the sender thread will. */
  public void labels(INDArray labels) throws Unsupported {
    if (labels.rank() != 2 || labels.size(0) != batch.rows() || labels.size(1) != classes) {
      throw new Unsupported("labels of shape " + java.util.Arrays.toString(labels.shape()) + " do not match "
          + batch.rows() + " examples x " + classes + " outputs");
    }
    batch.labels(Captures.floats(labels), classes);
    if (logits != null) {
      INDArray z = logits;
      logits = null;
      INDArray perExample = loss.computeScoreArray(labels.castTo(z.dataType()), z, activation, null);
      INDArray out = activation.getActivation(z.dup(), false);
      float[] zf = Captures.floats(z);
      batch.outputs(Captures.argMaxRows(Captures.floats(out), batch.rows(), classes), Captures.floats(perExample),
          OutputHead.margins(zf, batch.rows(), classes, batch.targets()));
    }
  }
}
