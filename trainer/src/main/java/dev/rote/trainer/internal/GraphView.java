package dev.rote.trainer.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link ComputationGraph} with one input and one output layer: its layer vertices in
 * topological order, the output layer last.
 */
final class GraphView extends NetworkView {

  private final ComputationGraph graph;
  private final String inputName;
  private final String outputName;
  private final String outputFeed;
  private final List<LayerRef> layers;

  GraphView(ComputationGraph graph) {
    this.graph = graph;
    var conf = graph.getConfiguration();
    List<String> inputs = conf.getNetworkInputs();
    List<String> outputs = conf.getNetworkOutputs();
    if (inputs.size() != 1 || outputs.size() != 1) {
      throw new UnsupportedModelException("a ComputationGraph with " + inputs.size() + " input(s) " + inputs
          + " and " + outputs.size() + " output(s) " + outputs + " is not supported: Rote needs exactly one "
          + "input and one output layer (per-example loss, prediction and dL/dx are defined per input row "
          + "and output row)");
    }
    if (graph.getVertices() == null) {
      graph.init();
    }
    this.inputName = inputs.get(0);
    this.outputName = outputs.get(0);
    GraphVertex out = graph.getVertex(outputName);
    if (!(out instanceof LayerVertex) || !out.hasLayer()) {
      throw new UnsupportedModelException("the output of this ComputationGraph, \"" + outputName + "\" ("
          + (out == null ? "missing" : out.getClass().getSimpleName()) + "), is not a layer: Rote needs an "
          + "output layer to compute per-example losses");
    }
    List<String> feeding = conf.getVertexInputs().get(outputName);
    this.outputFeed = feeding == null || feeding.isEmpty() ? null : feeding.get(0);
    List<LayerRef> refs = new ArrayList<>();
    GraphVertex[] vertices = graph.getVertices();
    for (int idx : graph.topologicalSortOrder()) {
      GraphVertex v = vertices[idx];
      if (v.hasLayer() && !v.getVertexName().equals(outputName)) {
        refs.add(new LayerRef(refs.size(), v.getVertexName(), v.getLayer(), v.getLayer().conf().getLayer()));
      }
    }
    refs.add(new LayerRef(refs.size(), outputName, out.getLayer(), out.getLayer().conf().getLayer()));
    this.layers = List.copyOf(refs);
  }

  @Override
  public Model model() {
    return graph;
  }

  @Override
  public String framework() {
    return "dl4j-ComputationGraph";
  }

  @Override
  public java.util.Collection<org.deeplearning4j.optimize.api.TrainingListener> listeners() {
    return graph.getListeners();
  }

  @Override
  public int iterationCount() {
    return graph.getIterationCount();
  }

  @Override
  public int epochCount() {
    return graph.getEpochCount();
  }

  @Override
  public List<LayerRef> layers() {
    return layers;
  }

  public String inputName() {
    return inputName;
  }

  @Override
  protected InputPreProcessor outputPreProcessor() {
    return ((LayerVertex) graph.getVertex(outputName)).getLayerPreProcessor();
  }

  @Override
  public INDArray input(Object activations) {
    Map<String, INDArray> a = asMap(activations);
    return a == null ? null : a.get(inputName);
  }

  @Override
  protected INDArray lastHidden(Object activations) {
    Map<String, INDArray> a = asMap(activations);
    return a == null || outputFeed == null ? null : a.get(outputFeed);
  }

  @Override
  public Double learningRate(LayerRef layer) {
    return graph.getLearningRate(layer.name());
  }

  @Override
  public INDArray labelsAtForwardPass() {
    return null; // ComputationGraph keeps its labels private; the output layer has them at the backward pass
  }

  /** dL/dx of the step in progress, valid during {@code onBackwardPass} when captured (see {@link InputGradients}). */
  INDArray inputEpsilon() {
    return graph.getVertex(inputName).getEpsilon();
  }

  @Override
  public List<INDArray> probeActivations(INDArray features, List<LayerRef> probe) {
    INDArray[] inputs = graph.getInputs();
    try {
      Map<String, INDArray> acts = graph.feedForward(new INDArray[] {features}, false, true);
      List<INDArray> out = new ArrayList<>(probe.size());
      for (LayerRef l : probe) {
        out.add(acts.get(l.name()));
      }
      return out;
    } finally {
      if (inputs != null) {
        graph.setInputs(inputs);
      }
    }
  }
}
