package dev.rote.examples;

import dev.rote.trainer.RoteTelemetry;
import java.io.PrintStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.ViewIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * At the end of every epoch: the network's accuracy and mean loss on a clean test set, published to
 * Rote ({@link RoteTelemetry#publishEvaluation}, split {@code "test"}) and printed. Rote's stop rules
 * never read it (they use no clean data); it shows on the dashboards and in {@code ./rote replay}'s
 * backtests what a stop cost or saved. Add it with {@code net.addListeners(new TestSetEvaluation(rote,
 * test, System.out))}; works for a {@link MultiLayerNetwork} and a {@link ComputationGraph}.
 */
public final class TestSetEvaluation extends BaseTrainingListener {

  private final RoteTelemetry rote;
  private final DataSet test;
  private final PrintStream out;
  private long evaluatedAtStep = -1;

  public TestSetEvaluation(RoteTelemetry rote, DataSet test, PrintStream out) {
    this.rote = rote;
    this.test = test;
    this.out = out;
  }

  // tag::evaluation[]
  @Override
  public void onEpochEnd(Model model) {
    long step = steps(model);
    if (step == evaluatedAtStep) {
      return; // an epoch that took no step: after a stop, fit(iterator, epochs) runs its remaining epochs empty
    }
    evaluatedAtStep = step;
    Score s = score(model, test);
    int epoch = model instanceof ComputationGraph g ? g.getEpochCount() : ((MultiLayerNetwork) model).getEpochCount();
    rote.publishEvaluation(step, epoch, "test", s.accuracy(), s.loss(), test.numExamples());
    out.printf("epoch %3d  step %6d  test accuracy %.4f  test loss %.4f%n", epoch, step, s.accuracy(), s.loss());
  }
  // end::evaluation[]

  /** Accuracy and mean loss of a network on a data set. */
  public record Score(double accuracy, double loss) {}

  /** Scores {@code model} on {@code data}, 500 examples at a time. */
  public static Score score(Model model, DataSet data) {
    DataSetIterator batches = new ViewIterator(data, 500);
    Evaluation eval = model instanceof ComputationGraph g ? g.evaluate(batches)
        : ((MultiLayerNetwork) model).evaluate(batches);
    batches.reset();
    double loss = 0;
    while (batches.hasNext()) {
      DataSet b = batches.next();
      double l = model instanceof ComputationGraph g ? g.score(b) : ((MultiLayerNetwork) model).score(b);
      loss += l * b.numExamples();
    }
    return new Score(eval.accuracy(), loss / data.numExamples());
  }

  private static long steps(Model model) {
    return model instanceof ComputationGraph g ? g.getIterationCount()
        : ((MultiLayerNetwork) model).getIterationCount();
  }
}
