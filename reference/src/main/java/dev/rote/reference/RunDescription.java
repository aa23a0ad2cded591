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
import org.deeplearning4j.nn.api.Model;

/** The {@code RunMetadata} a reference run publishes when it starts: model, data, hyperparameters, noise, probes. */
final class RunDescription {

  private RunDescription() {}

  static RunMetadata.Builder of(TrainOptions options, IdxDataset data, TrainingSet set, Model net,
      int[] probe) {
    NoisyLabels labels = set.labels();
    LabelNoiseMode mode = switch (labels.mode()) {
      case RANDOM -> LabelNoiseMode.LABEL_NOISE_MODE_RANDOM;
      case SYMMETRIC -> LabelNoiseMode.LABEL_NOISE_MODE_SYMMETRIC;
      case ASYMMETRIC -> LabelNoiseMode.LABEL_NOISE_MODE_ASYMMETRIC;
      case NONE -> LabelNoiseMode.LABEL_NOISE_MODE_NONE;
    };
    ProbeSet.Builder ps = ProbeSet.newBuilder().setExamplesPerClass(options.probePerClass());
    for (int c = 0; c < data.numClasses(); c++) {
      ps.addClasses(c);
    }
    for (int i : probe) {
      ps.addExampleIds(i).addLabels(labels.labels()[i]);
    }
    RunMetadata.Builder run = RunMetadata.newBuilder()
        .setModel(ModelSummaries.of(net))
        .setDataset(DatasetInfo.newBuilder()
            .setName(data.name())
            .setSource(options.data().toAbsolutePath().toString())
            .setTrainSize(set.size())
            .setExampleIdSpace(set.subset() ? set.idSpace() : 0)
            .setTestSize(data.testSize())
            .setNumClasses(data.numClasses())
            .setInputSize(data.inputSize()))
        .putHyperparameters("model", options.model().cliName())
        .putHyperparameters("optimizer", options.optimization().optimizer().cliName())
        .putHyperparameters("learning_rate", Double.toString(options.learningRate()))
        .putHyperparameters("lr_schedule", options.optimization().schedule().cliName())
        .putHyperparameters("weight_decay", Double.toString(options.optimization().weightDecay()))
        .putHyperparameters("batch_size", Integer.toString(options.batchSize()))
        .putHyperparameters("epochs", Integer.toString(options.epochs()))
        .putHyperparameters("seed", Long.toString(options.seed()))
        .setLabelNoise(LabelNoise.newBuilder()
            .setMode(mode)
            .setFraction(options.randomLabels() ? 1.0 : options.labelNoise())
            .setSeed(options.noiseSeed())
            .setFlippedCount(set.flippedTrained())
            .addAllPairs(Arrays.stream(labels.pairs()).boxed().toList()))
        .setProbeSet(ps);
    if (set.selection().keepIds() != null) {
      run.putHyperparameters("keep_ids", set.selection().keepIds().toAbsolutePath().toString());
    }
    if (set.selection().relabel() != null) {
      run.putHyperparameters("relabel", set.selection().relabel().toAbsolutePath().toString())
          .putHyperparameters("relabeled", Integer.toString(set.relabeled()));
    }
    if (options.model() == Architecture.MLP) {
      run.putHyperparameters("hidden", Arrays.toString(options.hidden()));
    }
    return run;
  }
}
