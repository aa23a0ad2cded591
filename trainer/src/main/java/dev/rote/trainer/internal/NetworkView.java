package dev.rote.trainer.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftPlus;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A single-input, single-output {@link MultiLayerNetwork} or {@link ComputationGraph} seen the same
 * way by the listener: its layers in forward order, its output layer, the probe layers, and where
 * the output layer's 2-d input is found in a forward pass.
 */
public abstract class NetworkView {

  /** One layer: its position among the network's layers (forward order), name, implementation and configuration. */
  public record LayerRef(int index, String name, Layer layer, org.deeplearning4j.nn.conf.layers.Layer conf) {
    public boolean hasParams() {
      return layer.numParams() > 0;
    }

    public String type() {
      return conf.getClass().getSimpleName();
    }
  }

  /** How per-example values are computed from the output layer. */
  public enum Head {
    /** A dense output layer: z = h·W + b. */
    DENSE,
    /** A loss layer without parameters: z = h. */
    LOSS_ONLY,
    /** Not supported: no per-example values. */
    UNSUPPORTED
  }

  /** Thrown for a model Rote cannot instrument at all; the message names what is unsupported. */
  public static final class UnsupportedModelException extends IllegalArgumentException {
    public UnsupportedModelException(String message) {
      super(message);
    }
  }

  private List<LayerRef> probeLayers;
  private CNN2DFormat[] formats;

  /**
   * @throws UnsupportedModelException when {@code model} is neither a MultiLayerNetwork nor a
   *     ComputationGraph with one input and one output
   */
  public static NetworkView of(Model model) {
    if (model instanceof MultiLayerNetwork net) {
      return new MlnView(net);
    }
    if (model instanceof ComputationGraph graph) {
      return new GraphView(graph);
    }
    throw new UnsupportedModelException("Rote instruments a MultiLayerNetwork or a ComputationGraph, not a "
        + (model == null ? "null model" : model.getClass().getName()));
  }

  public abstract Model model();

  /** e.g. {@code dl4j-MultiLayerNetwork}. */
  public abstract String framework();

  /** The network's training listeners. */
  public abstract java.util.Collection<org.deeplearning4j.optimize.api.TrainingListener> listeners();

  public abstract int iterationCount();

  public abstract int epochCount();

  /** Every layer, in forward (topological) order; the output layer last. */
  public abstract List<LayerRef> layers();

  public LayerRef outputLayer() {
    List<LayerRef> l = layers();
    return l.get(l.size() - 1);
  }

  /** The preprocessor in front of the output layer, or null. */
  protected abstract InputPreProcessor outputPreProcessor();

  /** The features the network is training on in the current step, from the forward-pass activations. */
  public abstract INDArray input(Object activations);

  /**
   * The activations feeding the output layer in the current forward pass (before its preprocessor),
   * from the activations given to {@code onForwardPass}, or null when they are not there.
   */
  protected abstract INDArray lastHidden(Object activations);

  /** Learning rate of a layer's updater at the current iteration, or null. */
  public abstract Double learningRate(LayerRef layer);

  /** Learning rate of the first layer with parameters, or NaN. */
  public double learningRate() {
    for (LayerRef l : layers()) {
      if (l.hasParams()) {
        Double lr = learningRate(l);
        return lr == null ? Double.NaN : lr;
      }
    }
    return Double.NaN;
  }

  /** The labels of the current step when known at the forward pass (MultiLayerNetwork), else null. */
  public abstract INDArray labelsAtForwardPass();

  /**
   * Activations of each probe layer for {@code features}, in inference mode; the network's own
   * input is left as it was.
   */
  public abstract List<INDArray> probeActivations(INDArray features, List<LayerRef> layers);

  /** The output layer's 2-d input: its preprocessor applied to the activations feeding it. */
  public INDArray outputLayerInput(Object activations) {
    INDArray h = lastHidden(activations);
    if (h == null) {
      return null;
    }
    InputPreProcessor pre = outputPreProcessor();
    if (pre != null) {
      h = pre.preProcess(h, (int) h.size(0), LayerWorkspaceMgr.noWorkspaces());
    }
    return h;
  }

  public Head head() {
    org.deeplearning4j.nn.conf.layers.Layer conf = outputLayer().conf();
    if (conf instanceof OutputLayer) {
      return Head.DENSE;
    }
    if (conf instanceof LossLayer) {
      return Head.LOSS_ONLY;
    }
    return Head.UNSUPPORTED;
  }

  /** Hidden layers whose activations are published as probes: those whose outputs are never negative. */
  public synchronized List<LayerRef> probeLayers() {
    if (probeLayers == null) {
      List<LayerRef> out = new ArrayList<>();
      List<LayerRef> all = layers();
      for (int i = 0; i < all.size() - 1; i++) {
        if (isProbeLayer(all.get(i).conf())) {
          out.add(all.get(i));
        }
      }
      probeLayers = List.copyOf(out);
    }
    return probeLayers;
  }

  /**
   * The 2-d data format of a layer's rank-4 activations: its own when it declares one, else that of
   * the nearest layer before it that does (NCHW when none does).
   */
  public synchronized CNN2DFormat format(LayerRef layer) {
    if (formats == null) {
      List<LayerRef> all = layers();
      formats = new CNN2DFormat[all.size()];
      CNN2DFormat current = CNN2DFormat.NCHW;
      for (int i = 0; i < all.size(); i++) {
        CNN2DFormat own = declaredFormat(all.get(i).conf());
        current = own != null ? own : current;
        formats[i] = current;
      }
    }
    return formats[layer.index()];
  }

  private static CNN2DFormat declaredFormat(org.deeplearning4j.nn.conf.layers.Layer conf) {
    if (conf instanceof ConvolutionLayer c) {
      return c.getCnn2dDataFormat();
    }
    if (conf instanceof SubsamplingLayer s) {
      return s.getCnn2dDataFormat();
    }
    if (conf instanceof BatchNormalization b) {
      return b.getCnn2DFormat();
    }
    return null;
  }

  static boolean isProbeLayer(org.deeplearning4j.nn.conf.layers.Layer conf) {
    // These never apply the activation function their configuration inherits (often sigmoid).
    if (conf instanceof DropoutLayer || conf instanceof BatchNormalization
        || conf instanceof org.deeplearning4j.nn.conf.layers.LocalResponseNormalization) {
      return false;
    }
    IActivation fn = conf instanceof BaseLayer b ? b.getActivationFn()
        : conf instanceof ActivationLayer a ? a.getActivationFn() : null;
    return fn != null && nonNegative(fn);
  }

  /** Whether an activation function never outputs a negative value. */
  static boolean nonNegative(IActivation fn) {
    if (fn instanceof ActivationReLU r) {
      return (r.getNegativeSlope() == null || r.getNegativeSlope() == 0)
          && (r.getThreshold() == null || r.getThreshold() >= 0);
    }
    if (fn instanceof ActivationThresholdedReLU t) {
      return t.getTheta() >= 0;
    }
    return fn instanceof ActivationReLU6 || fn instanceof ActivationSigmoid || fn instanceof ActivationHardSigmoid
        || fn instanceof ActivationSoftPlus || fn instanceof ActivationSoftmax;
  }

  /** Layer name from its configuration, or {@code layer<i>} when it has none. */
  static String name(org.deeplearning4j.nn.conf.layers.Layer conf, int index) {
    String name = conf.getLayerName();
    return name == null || name.isBlank() ? "layer" + index : name;
  }

  /** Casts a map of activations for views that need one. */
  @SuppressWarnings("unchecked")
  static Map<String, INDArray> asMap(Object activations) {
    return activations instanceof Map<?, ?> m ? (Map<String, INDArray>) m : null;
  }

  @SuppressWarnings("unchecked")
  static List<INDArray> asList(Object activations) {
    return activations instanceof List<?> l ? (List<INDArray>) l : null;
  }
}
