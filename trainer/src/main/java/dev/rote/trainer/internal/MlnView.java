package dev.rote.trainer.internal;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A {@link MultiLayerNetwork}: its layers in order, the output layer last. */
final class MlnView extends NetworkView {

  private final MultiLayerNetwork net;
  private final List<LayerRef> layers;

  MlnView(MultiLayerNetwork net) {
    this.net = net;
    if (net.getLayers() == null) {
      net.init();
    }
    List<LayerRef> out = new ArrayList<>();
    for (int i = 0; i < net.getnLayers(); i++) {
      var conf = net.getLayer(i).conf().getLayer();
      out.add(new LayerRef(i, name(conf, i), net.getLayer(i), conf));
    }
    this.layers = List.copyOf(out);
  }

  @Override
  public Model model() {
    return net;
  }

  @Override
  public String framework() {
    return "dl4j-MultiLayerNetwork";
  }

  @Override
  public java.util.Collection<org.deeplearning4j.optimize.api.TrainingListener> listeners() {
    return net.getListeners();
  }

  @Override
  public int iterationCount() {
    return net.getIterationCount();
  }

  @Override
  public int epochCount() {
    return net.getEpochCount();
  }

  @Override
  public List<LayerRef> layers() {
    return layers;
  }

  @Override
  protected InputPreProcessor outputPreProcessor() {
    return net.getLayerWiseConfigurations().getInputPreProcess(layers.size() - 1);
  }

  @Override
  public INDArray input(Object activations) {
    List<INDArray> a = asList(activations);
    return a == null || a.isEmpty() ? null : a.get(0);
  }

  @Override
  protected INDArray lastHidden(Object activations) {
    List<INDArray> a = asList(activations);
    // onForwardPass gets the input and every layer's activations but the output layer's.
    return a == null || a.size() != layers.size() ? null : a.get(a.size() - 1);
  }

  @Override
  public Double learningRate(LayerRef layer) {
    return net.getLearningRate(layer.index());
  }

  @Override
  public INDArray labelsAtForwardPass() {
    return net.getLabels();
  }

  @Override
  public List<INDArray> probeActivations(INDArray features, List<LayerRef> probe) {
    INDArray input = net.getInput();
    try {
      List<INDArray> acts = net.feedForward(features, false);
      List<INDArray> out = new ArrayList<>(probe.size());
      for (LayerRef l : probe) {
        out.add(acts.get(l.index() + 1));
      }
      return out;
    } finally {
      net.setInput(input);
    }
  }
}
