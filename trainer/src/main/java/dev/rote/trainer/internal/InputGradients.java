package dev.rote.trainer.internal;

import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 *
 * <p>In that mixed mode DL4J M2.1 also points the activations workspace ({@code WS_ALL_LAYERS_ACT})
 * back at itself as the workspace to return to when it closes (the backward pass sets the "previous
 * workspace" of what it takes for an activation-gradient workspace, which is then the open
 * activations workspace), so after the step every array would be created in a closed workspace.
 * {@link #armed()} records where it should return to and {@link #capture()} puts that back, while
 * the workspace is still open.
 */
public final class InputGradients {

  private final ComputationGraph graph;
  private final String inputName;
  private static final String ACTIVATIONS_WORKSPACE = "WS_ALL_LAYERS_ACT";

  private WorkspaceMode previous;
  private MemoryWorkspace activations;
  private MemoryWorkspace activationsParent;

  public InputGradients(ComputationGraph graph, String inputName) {
    this.graph = graph;
    this.inputName = inputName;
  }

  /**
   * Sets the inference workspace mode to NONE unless it is already (idempotent), then
   * {@link #armed()}. Call from {@code onForwardPass}, or before the step.
   */
  public void arm() {
    var conf = graph.getConfiguration();
    if (previous == null && conf.getInferenceWorkspaceMode() != WorkspaceMode.NONE) {
      previous = conf.getInferenceWorkspaceMode();
      conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
    }
  }

  /**
   * Records where the open activations workspace returns to when it closes; call from
   * {@code onForwardPass} of an armed step.
   */
  public void armed() {
    var workspaces = Nd4j.getWorkspaceManager();
    if (readable() && activations == null && workspaces.checkIfWorkspaceExistsAndActive(ACTIVATIONS_WORKSPACE)) {
      activations = workspaces.getWorkspaceForCurrentThread(ACTIVATIONS_WORKSPACE);
      activationsParent = activations.getParentWorkspace();
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

  /**
   * dL/dx of the step in progress; call from {@code onBackwardPass} only (it also repairs the
   * activations workspace, see above). Null when the pass left none.
   */
  public INDArray capture() {
    if (activations != null) {
      activations.setPreviousWorkspace(activationsParent);
      activations = null;
      activationsParent = null;
    }
    return readable() ? graph.getVertex(inputName).getEpsilon() : null;
  }
}
