package dev.rote.examples;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.RunStatus;
import dev.rote.trainer.Checkpoints;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.RoteTerminationCondition;
import dev.rote.trainer.TelemetryConfig;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicReference;
import org.deeplearning4j.earlystopping.EarlyStoppingConfiguration;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.saver.InMemoryModelSaver;
import org.deeplearning4j.earlystopping.scorecalc.DataSetLossCalculator;
import org.deeplearning4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.deeplearning4j.earlystopping.termination.ScoreImprovementEpochTerminationCondition;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingTrainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.SplitTestAndTrain;
import org.nd4j.linalg.dataset.ViewIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * DL4J's {@link EarlyStoppingTrainer} with Rote's {@link RoteTerminationCondition} beside its own
 * conditions: training ends at the next step after a stop signal, or when the trainer's own
 * patience on validation loss (a validation split carved from the same, noisy, training data) or
 * its epoch limit says so. The trainer returns its best model by validation loss; Rote restores
 * its checkpoint into the trained network itself.
 */
public final class EarlyStoppingExample {

  private EarlyStoppingExample() {}

  public static void main(String[] args) {
    System.exit(Examples.main("early-stopping", args, EarlyStoppingExample::run));
  }

  public static ExampleResult run(ExampleSettings settings, PrintStream out) throws Exception {
    MnistIdx data = Examples.load(settings, out);
    SplitTestAndTrain split = data.train().splitTestAndTrain(0.9);   // 10% (of noisy labels too) for validation
    DataSet validation = split.getTest();
    MultiLayerNetwork net = PlainFitExample.network(settings.seed());   // the MLP of plain-fit
    DataSetIterator train = new ShufflingIterator(split.getTrain(), settings.batchSize(), settings.seed());

    KafkaSettings kafka = KafkaSettings.load(settings.bootstrapServers(), settings.kafkaConfig());
    try (RoteTelemetry rote = RoteTelemetry.start(TelemetryConfig.defaults(settings.runId()), kafka, null)) {
      rote.restoreOnStop(Checkpoints.defaults()).attach(net);
      rote.listener().setProbeSet(train, 32);
      net.addListeners(new TestSetEvaluation(rote, data.test(), out));
      // tag::early-stopping[]
      RoteTerminationCondition roteStop = RoteTerminationCondition.of(rote);
      EarlyStoppingConfiguration<MultiLayerNetwork> es = new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
          .iterationTerminationConditions(roteStop)                     // the next step after a stop signal
          .epochTerminationConditions(roteStop, new MaxEpochsTerminationCondition(settings.epochs()),
              new ScoreImprovementEpochTerminationCondition(5))
          .scoreCalculator(new DataSetLossCalculator(new ViewIterator(validation, 500), true))
          .evaluateEveryNEpochs(1)
          .modelSaver(new InMemoryModelSaver<>())
          .build();
      AtomicReference<EarlyStoppingResult<MultiLayerNetwork>> result = new AtomicReference<>();
      RunStatus status = rote.train(() -> result.set(new EarlyStoppingTrainer(es, net, rote.wrap(train)).fit()));
      // end::early-stopping[]
      EarlyStoppingResult<MultiLayerNetwork> r = result.get();
      out.printf("early stopping: %s (%s); best epoch %d by validation loss, its clean test accuracy %.4f%n",
          r.getTerminationReason(), r.getTerminationDetails(), r.getBestModelEpoch(),
          TestSetEvaluation.score(r.getBestModel(), data.test()).accuracy());
      return ExampleResult.of(rote, status, net, data.test(), out);
    }
  }
}
