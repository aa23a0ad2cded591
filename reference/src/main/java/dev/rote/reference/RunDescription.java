package dev.rote.reference;

import dev.rote.contract.v1.DatasetInfo;
import dev.rote.contract.v1.LabelNoise;
import dev.rote.contract.v1.LabelNoiseMode;
import dev.rote.contract.v1.ProbeSet;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.data.NoisyLabels;
import dev.rote.trainer.ModelSummaries;
import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** The {@code RunMetadata} a reference run publishes when it starts: model, data, hyperparameters, noise, probes. */
final class RunDescription {

  private RunDescription() {}

  static RunMetadata.Builder of(TrainOptions options, IdxDataset data, NoisyLabels labels, MultiLayerNetwork net,
      int[] probe) {
    LabelNoiseMode mode = options.randomLabels() ? LabelNoiseMode.LABEL_NOISE_MODE_RANDOM
        : options.labelNoise() > 0 ? LabelNoiseMode.LABEL_NOISE_MODE_SYMMETRIC
        : LabelNoiseMode.LABEL_NOISE_MODE_NONE;
    ProbeSet.Builder ps = ProbeSet.newBuilder().setExamplesPerClass(options.probePerClass());
    for (int c = 0; c < data.numClasses(); c++) {
      ps.addClasses(c);
    }
    for (int i : probe) {
      ps.addExampleIds(i).addLabels(labels.labels()[i]);
    }
    return RunMetadata.newBuilder()
        .setModel(ModelSummaries.of(net))
        .setDataset(DatasetInfo.newBuilder()
            .setName(data.name())
            .setSource(options.data().toAbsolutePath().toString())
            .setTrainSize(data.trainSize())
            .setTestSize(data.testSize())
            .setNumClasses(data.numClasses())
            .setInputSize(data.inputSize()))
        .putHyperparameters("optimizer", "adam")
        .putHyperparameters("learning_rate", Double.toString(options.learningRate()))
        .putHyperparameters("batch_size", Integer.toString(options.batchSize()))
        .putHyperparameters("epochs", Integer.toString(options.epochs()))
        .putHyperparameters("hidden", Arrays.toString(options.hidden()))
        .putHyperparameters("seed", Long.toString(options.seed()))
        .setLabelNoise(LabelNoise.newBuilder()
            .setMode(mode)
            .setFraction(options.randomLabels() ? 1.0 : options.labelNoise())
            .setSeed(options.noiseSeed())
            .setFlippedCount(labels.flippedCount()))
        .setProbeSet(ps);
  }
}
