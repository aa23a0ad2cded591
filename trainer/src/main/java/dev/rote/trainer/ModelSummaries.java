package dev.rote.trainer;

import dev.rote.contract.v1.LayerInfo;
import dev.rote.contract.v1.ModelSummary;
import dev.rote.trainer.internal.NetworkView;
import java.util.Set;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;

/** Describes a DL4J network for {@link dev.rote.contract.v1.RunMetadata}. */
public final class ModelSummaries {

  private ModelSummaries() {}

  /**
   * Layers in forward order (a ComputationGraph's layer vertices in topological order, the output
   * layer last), named as in the telemetry; {@code hidden} marks the layers published as probes.
   *
   * @throws IllegalArgumentException for a model Rote cannot instrument
   */
  public static ModelSummary of(Model model) {
    NetworkView view = NetworkView.of(model);
    Set<NetworkView.LayerRef> probes = Set.copyOf(view.probeLayers());
    ModelSummary.Builder b = ModelSummary.newBuilder()
        .setFramework(view.framework())
        .setParameterCount(model.numParams());
    for (NetworkView.LayerRef l : view.layers()) {
      var conf = l.conf();
      LayerInfo.Builder info = LayerInfo.newBuilder()
          .setIndex(l.index())
          .setName(l.name())
          .setType(l.type())
          .setParameterCount(l.layer().numParams())
          .setHidden(probes.contains(l));
      if (conf instanceof FeedForwardLayer ff) {
        info.setNIn(ff.getNIn()).setNOut(ff.getNOut());
      }
      if (conf instanceof BaseLayer bl && bl.getActivationFn() != null) {
        info.setActivation(bl.getActivationFn().toString());
      } else if (conf instanceof ActivationLayer al && al.getActivationFn() != null) {
        info.setActivation(al.getActivationFn().toString());
      }
      b.addLayers(info);
    }
    return b.build();
  }
}
