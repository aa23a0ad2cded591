package dev.rote.reference;

import dev.rote.reference.data.IdxDataset;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A network measured on a dataset's clean test set.
 *
 * @param accuracy share of test examples whose most probable class is their label
 * @param loss mean cross-entropy, with probabilities floored at 1e-12
 */
public record TestScore(double accuracy, double loss) {

  private static final int CHUNK = 1000;

  /** Scores {@code net} (a MultiLayerNetwork or a ComputationGraph) on the test set of {@code data}, {@value #CHUNK} examples at a time. */
  public static TestScore of(Model net, IdxDataset data) {
    int n = data.testSize();
    int k = data.numClasses();
    int[] y = data.testLabels();
    long correct = 0;
    double loss = 0;
    for (int from = 0; from < n; from += CHUNK) {
      int[] idx = new int[Math.min(CHUNK, n - from)];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = from + i;
      }
      float[] p = Nets.output(net, Batches.features(data, false, idx)).castTo(DataType.FLOAT).dup('c').data()
          .asFloat();
      for (int i = 0; i < idx.length; i++) {
        int best = 0;
        for (int c = 1; c < k; c++) {
          if (p[i * k + c] > p[i * k + best]) {
            best = c;
          }
        }
        int label = y[idx[i]];
        correct += best == label ? 1 : 0;
        loss -= Math.log(Math.max(p[i * k + label], 1e-12f));
      }
    }
    return new TestScore((double) correct / n, loss / n);
  }
}
