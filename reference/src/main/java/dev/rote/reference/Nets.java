package dev.rote.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** What the reference trainer does with a network, for a {@link MultiLayerNetwork} and a single-input, single-output {@link ComputationGraph} alike. */
final class Nets {

  private Nets() {}

  /** One training step on a batch, through the network's own {@code fit}. */
  static void fit(Model net, INDArray features, INDArray labels) {
    if (net instanceof MultiLayerNetwork mln) {
      mln.fit(features, labels);
    } else if (net instanceof ComputationGraph graph) {
      graph.fit(new DataSet(features, labels));
    } else {
      throw unsupported(net);
    }
  }

  /** The network's output (class probabilities) for {@code features}, in inference mode. */
  static INDArray output(Model net, INDArray features) {
    if (net instanceof MultiLayerNetwork mln) {
      return mln.output(features, false);
    }
    if (net instanceof ComputationGraph graph) {
      return graph.outputSingle(false, features);
    }
    throw unsupported(net);
  }

  /** Counts an epoch as done (DL4J's epoch counter drives epoch-based schedules and the listener's epochs). */
  static void incrementEpochCount(Model net) {
    if (net instanceof MultiLayerNetwork mln) {
      mln.incrementEpochCount();
    } else if (net instanceof ComputationGraph graph) {
      graph.incrementEpochCount();
    } else {
      throw unsupported(net);
    }
  }

  /** Saves the network in DL4J's {@code ModelSerializer} format, with its updater state. */
  static void save(Model net, Path file) {
    try {
      ModelSerializer.writeModel(net, file.toFile(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + file, e);
    }
  }

  private static IllegalArgumentException unsupported(Model net) {
    return new IllegalArgumentException("the reference trainer trains a MultiLayerNetwork or a ComputationGraph, not a "
        + net.getClass().getName());
  }
}
