package dev.rote.trainer;

import java.util.Collection;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One training step of a {@link MultiLayerNetwork} that yields the parameter gradients and the
 * gradient of the loss with respect to the input from the same backward pass, then applies the
 * update exactly as {@code net.fit(features, labels)} does (the network's own updater, iteration
 * count, listeners and constraints). Use it in place of {@code fit} on the steps where the Rote
 * listener wants per-example loss sensitivities, so they cost no second pass:
 *
 * <pre>{@code
 * if (SingleBackwardPass.wanted(net, listener)) {
 *   SingleBackwardPass.fit(net, features, labels, listener);
 * } else {
 *   net.fit(features, labels);
 * }
 * }</pre>
 */
public final class SingleBackwardPass {

  private SingleBackwardPass() {}

  /** Whether the next step of {@code net} is one where {@code listener} samples sensitivities. */
  public static boolean wanted(MultiLayerNetwork net, RoteTelemetryListener listener) {
    return listener.wantsInputGradient(net.getIterationCount());
  }

  /**
   * Runs one step on a batch.
   *
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
    net.applyConstraints(iteration, epoch);
    return inputGradient;
  }
}
