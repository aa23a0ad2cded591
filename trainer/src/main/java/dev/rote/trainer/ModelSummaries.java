package dev.rote.trainer;

import dev.rote.contract.v1.LayerInfo;
import dev.rote.contract.v1.ModelSummary;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Describes a DL4J network for {@link dev.rote.contract.v1.RunMetadata}. */
public final class ModelSummaries {

  private ModelSummaries() {}

  public static ModelSummary of(MultiLayerNetwork net) {
    ModelSummary.Builder b = ModelSummary.newBuilder()
        .setFramework("dl4j-MultiLayerNetwork")
        .setParameterCount(net.numParams());
    int n = net.getnLayers();
    for (int i = 0; i < n; i++) {
      var conf = net.getLayer(i).conf().getLayer();
      LayerInfo.Builder l = LayerInfo.newBuilder()
          .setIndex(i)
          .setName(RoteTelemetryListener.layerName(net, i))
          .setType(conf.getClass().getSimpleName())
          .setParameterCount(net.getLayer(i).numParams())
          .setHidden(i < n - 1);
      if (conf instanceof FeedForwardLayer ff) {
        l.setNIn(ff.getNIn()).setNOut(ff.getNOut());
      }
      if (conf instanceof BaseLayer bl && bl.getActivationFn() != null) {
        l.setActivation(bl.getActivationFn().toString());
      }
      b.addLayers(l);
    }
    return b.build();
  }
}
