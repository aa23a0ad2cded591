package dev.rote.examples;

import dev.rote.contract.v1.RunStatus;
import dev.rote.trainer.RoteTelemetry;
import java.io.PrintStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * How an example's run ended.
 *
 * @param runId the run
 * @param status COMPLETED, STOPPED (a stop signal arrived and training obeyed it) or FAILED
 * @param steps training steps taken
 * @param signalAfterStep steps completed when the stop signal arrived, or -1 without one
 * @param testAccuracy clean test accuracy of the model the program ends with (after a restore)
 */
public record ExampleResult(String runId, RunStatus status, long steps, long signalAfterStep, double testAccuracy) {

  /** The result of a finished run; prints it. */
  static ExampleResult of(RoteTelemetry rote, RunStatus status, Model model, DataSet test, PrintStream out) {
    long steps = model instanceof ComputationGraph g ? g.getIterationCount()
        : ((MultiLayerNetwork) model).getIterationCount();
    long after = rote.stopSignalAfterStep().orElse(-1);
    double accuracy = TestSetEvaluation.score(model, test).accuracy();
    ExampleResult r = new ExampleResult(rote.config().runId(), status, steps, after, accuracy);
    out.println(r.describe());
    return r;
  }

  /** E.g. {@code run X: STOPPED after step 312 (stop signal arrived after step 311); test accuracy 0.8123}. */
  public String describe() {
    String how = switch (status) {
      case RUN_STATUS_STOPPED -> "STOPPED by Rote";
      case RUN_STATUS_COMPLETED -> "COMPLETED";
      default -> status.name();
    };
    String signal = signalAfterStep < 0 ? "" : " (stop signal arrived after step " + signalAfterStep + ")";
    return String.format("run %s: %s after step %d%s; clean test accuracy of the model kept: %.4f", runId, how,
        steps, signal, testAccuracy);
  }
}
