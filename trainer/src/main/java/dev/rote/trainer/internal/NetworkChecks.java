package dev.rote.trainer.internal;

import dev.rote.contract.Labels;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;

/** What a network lets the listener publish, checked once when the listener binds to it. */
public final class NetworkChecks {

  private NetworkChecks() {}

  /** Reports what the network's telemetry will lack. */
  public static void check(NetworkView view, Degradations degradations) {
    NetworkView.LayerRef out = view.outputLayer();
    if (view.head() == NetworkView.Head.UNSUPPORTED) {
      degradations.report("output_layer", "output layer \"" + out.name() + "\" is a " + out.type()
          + "; Rote computes per-example values for an OutputLayer or a LossLayer on 2-d inputs: no per-example "
          + "label, prediction, loss or margin will be published", Degradations.NEEDS_PER_EXAMPLE);
    } else if (out.conf() instanceof FeedForwardLayer ff && ff.getNOut() > Labels.MAX_CLASSES) {
      degradations.report("classes", "output layer \"" + out.name() + "\" has " + ff.getNOut()
          + " outputs; the analyzer accepts labels and predictions in [0, " + (Labels.MAX_CLASSES - 1) + "] and rejects "
          + "batch summaries with larger ones", Degradations.NEEDS_PER_EXAMPLE);
    }
    if (view.probeLayers().isEmpty()) {
      List<String> names = new ArrayList<>();
      for (NetworkView.LayerRef l : view.layers()) {
        if (l != out) {
          names.add(l.name() + " (" + l.type() + ")");
        }
      }
      degradations.report("probe_layers", "no hidden layer has a non-negative activation (ReLU, ReLU6, sigmoid, "
          + "softplus, softmax) to probe; hidden layers: " + names, Degradations.NEEDS_PROBES);
    }
  }
}
