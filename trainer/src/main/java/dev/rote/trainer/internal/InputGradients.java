package dev.rote.trainer.internal;

import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * dL/dx from a {@link ComputationGraph}'s own backward pass, without a second one.
 *
 * <p>In DL4J 1.0.0-M2.1 the graph's backward pass leaves dL/dx on the input vertex until the end of
 * {@code computeGradientAndScore()} (the {@code onBackwardPass} hook sees it), but in an
 * activation-gradient workspace that is already closed by then, so reading it fails (ND4J's
 * default "scope panic" check). The backward pass chooses its workspaces by the graph's
 * <em>inference</em> workspace mode, read when it starts, after {@code onForwardPass}. Arming sets
 * that mode to {@code NONE} for the step: the activation gradients of that one backward pass are
 * then ordinary arrays, the forward pass and the update keep their workspaces, and the numbers are
 * the same. {@link #disarm()} puts the mode back; it must run at the end of the step.
 */
public final class InputGradients {

  private final ComputationGraph graph;
  private final String inputName;
  private WorkspaceMode previous;

  public InputGradients(ComputationGraph graph, String inputName) {
    this.graph = graph;
    this.inputName = inputName;
  }

  /** Sets the inference workspace mode to NONE unless it is already; idempotent. */
  public void arm() {
    var conf = graph.getConfiguration();
    if (previous == null && conf.getInferenceWorkspaceMode() != WorkspaceMode.NONE) {
      previous = conf.getInferenceWorkspaceMode();
      conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
    }
  }

  /** Whether the current backward pass leaves a readable dL/dx: armed, or the graph never uses workspaces there. */
  public boolean readable() {
    return previous != null || graph.getConfiguration().getInferenceWorkspaceMode() == WorkspaceMode.NONE;
  }

  /** Puts back the mode {@link #arm()} changed, if it changed one. */
  public void disarm() {
    if (previous != null) {
      graph.getConfiguration().setInferenceWorkspaceMode(previous);
      previous = null;
    }
  }

  /** dL/dx of the step in progress; call from {@code onBackwardPass} only. Null when the pass left none. */
  public INDArray capture() {
    return readable() ? graph.getVertex(inputName).getEpsilon() : null;
  }
}
