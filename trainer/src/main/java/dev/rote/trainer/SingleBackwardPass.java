package dev.rote.trainer;

import dev.rote.trainer.internal.InputGradients;
import dev.rote.trainer.internal.NetworkView;
import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One training step that yields the parameter gradients and the gradient of the loss with respect
 * to the input from the same backward pass, with the update applied exactly as {@code fit} applies
 * it (the network's own updater, iteration count, listeners and constraints), returning dL/dx.
 *
 * <p>The Rote listener no longer needs it: with a plain {@code fit} it takes its per-example
 * sensitivities from the step's own backward pass too. Use it where a training loop wants the
 * dL/dx array itself, or as before:
 *
 * <pre>{@code
 * if (SingleBackwardPass.wanted(net, listener)) {
 *   SingleBackwardPass.fit(net, features, labels, listener);
 * } else {
 *   net.fit(features, labels);
 * }
 * }</pre>
 *
 * <p>For a {@link ComputationGraph}, {@link #fit(ComputationGraph, INDArray, INDArray,
 * RoteTelemetryListener)} is the graph's own {@code fit}, returning dL/dx as well.
 */
public final class SingleBackwardPass {

  private SingleBackwardPass() {}

  /** Whether the next step of {@code net} is one where {@code listener} samples sensitivities. */
  public static boolean wanted(MultiLayerNetwork net, RoteTelemetryListener listener) {
    return listener.wantsInputGradient(net.getIterationCount());
  }

  /** Whether the next step of {@code graph} is one where {@code listener} samples sensitivities. */
  public static boolean wanted(ComputationGraph graph, RoteTelemetryListener listener) {
    return listener.wantsInputGradient(graph.getIterationCount());
  }

  /**
   * Runs one step of a MultiLayerNetwork on a batch.
   *
   * @param listener the Rote listener attached to {@code net}, or null
   * @return dL/dx, one row per example (the gradient of each example's own loss)
   */
  public static INDArray fit(
      MultiLayerNetwork net, INDArray features, INDArray labels, RoteTelemetryListener listener) {
    int iteration = net.getIterationCount();
    int epoch = net.getEpochCount();
    Collection<TrainingListener> listeners = net.getListeners();
    Pair<Gradient, INDArray> p = net.calculateGradients(features, labels, null, null);
    INDArray inputGradient = p.getSecond();
    if (listener != null) {
      listener.provideInputGradient(inputGradient);
      double loss = listener.currentBatchLoss();
      if (!Double.isNaN(loss)) {
        net.setScore(loss + net.calcRegularizationScore(true));
      }
    }
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      for (TrainingListener l : listeners) {
        l.onGradientCalculation(net);
      }
    }
    Gradient gradient = p.getFirst();
    net.getUpdater().update(net, gradient, iteration, epoch, (int) features.size(0),
        LayerWorkspaceMgr.noWorkspaces());
    net.params().subi(gradient.gradient());
    try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      for (TrainingListener l : listeners) {
        l.iterationDone(net, iteration, epoch);
      }
    }
    net.setIterationCount(iteration + 1);
    net.applyConstraints(iteration + 1, epoch);
    return inputGradient;
  }

  /**
   * Runs one step of a single-input, single-output ComputationGraph on a batch: its own
   * {@code fit}, with the input gradient of its backward pass kept (see {@link InputGradients}).
   *
   * @param listener the Rote listener attached to {@code graph}, or null (it captures the same
   *     gradient by itself)
   * @return dL/dx, one row per example (the gradient of each example's own loss), or null when the
   *     backward pass does not reach the input (frozen first layers)
   * @throws IllegalArgumentException for a graph with several inputs or outputs
   */
  public static INDArray fit(
      ComputationGraph graph, INDArray features, INDArray labels, RoteTelemetryListener listener) {
    NetworkView.of(graph);
    InputGradients gradients = new InputGradients(graph, graph.getConfiguration().getNetworkInputs().get(0));
    Capture capture = new Capture(gradients);
    // The solver copies the listener list when it is created: create it before adding the capture.
    graph.getUpdater();
    Collection<TrainingListener> listeners = graph.getListeners();
    gradients.arm();
    listeners.add(capture);
    try {
      graph.fit(new INDArray[] {features}, new INDArray[] {labels});
    } finally {
      listeners.remove(capture);
      gradients.disarm();
    }
    return capture.dLdx;
  }

  /** Keeps the graph's input gradient at the end of its backward pass. */
  private static final class Capture extends BaseTrainingListener {
    private final InputGradients gradients;
    private INDArray dLdx;

    Capture(InputGradients gradients) {
      this.gradients = gradients;
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
      gradients.armed();
    }

    @Override
    public void onBackwardPass(Model model) {
      INDArray eps = gradients.capture();
      if (eps != null) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
          dLdx = eps.dup();
        }
      }
    }
  }
}
