package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.v1.RunStatus;
import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.earlystopping.EarlyStoppingConfiguration;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.saver.InMemoryModelSaver;
import org.deeplearning4j.earlystopping.scorecalc.DataSetLossCalculator;
import org.deeplearning4j.earlystopping.termination.EpochTerminationCondition;
import org.deeplearning4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingGraphTrainer;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingTrainer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * DL4J's EarlyStoppingTrainer and EarlyStoppingGraphTrainer with Rote: the wrapped iterator ends the
 * epoch at the step after a stop signal and RoteTerminationCondition ends training there, also when
 * the signal arrives in epoch 0, before DL4J has a best model (where M2.1 fails with an NPE if an
 * iteration condition fires).
 */
class EarlyStoppingWithRoteTest {

  private static final int[] LABELS = {0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 1};

  private static DataSet data() {
    return new DataSet(TestNetworks.features(DataType.FLOAT, LABELS.length, 6, 41),
        TestNetworks.oneHot(DataType.FLOAT, LABELS, 3));
  }

  private static <T extends Model> EarlyStoppingConfiguration<T> config(RoteTelemetry rote) {
    RoteTerminationCondition condition = RoteTerminationCondition.of(rote);
    return new EarlyStoppingConfiguration.Builder<T>()
        .iterationTerminationConditions(condition)
        .epochTerminationConditions(List.<EpochTerminationCondition>of(condition,
            new MaxEpochsTerminationCondition(50)))
        .scoreCalculator(new DataSetLossCalculator(new ListDataSetIterator<>(data().asList(), 16), true))
        .modelSaver(new InMemoryModelSaver<>())
        .build();
  }

  @Test
  void shouldStopEarlyStoppingTrainingAtTheStepAfterASignalInEpochZero() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("es-epoch-0"));
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    run.rote.attach(net);
    // Four steps an epoch; the signal arrives after step 2.
    net.addListeners(run.signalAfterStep(2, TestRuns.signal("es-epoch-0", 0)));
    EarlyStoppingConfiguration<MultiLayerNetwork> es = config(run.rote);

    EarlyStoppingResult<MultiLayerNetwork> result = new EarlyStoppingTrainer(es, net,
        run.rote.wrap(new ListDataSetIterator<>(data().asList(), 4))).fit();

    assertThat(result.getTerminationReason()).isEqualTo(EarlyStoppingResult.TerminationReason.EpochTerminationCondition);
    assertThat(result.getTerminationDetails()).contains("memorization_onset");
    assertThat(net.getIterationCount()).as("stopped at the step after the signal").isEqualTo(2);
    assertThat(result.getBestModel()).isNotNull();
    assertThat(result.getTotalEpochs()).isEqualTo(1);
    run.rote.finish();
    assertThat(run.lastRun().getStatus()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
  }

  @Test
  void shouldStopEarlyStoppingTrainingOfAGraphAtTheStepAfterASignalInALaterEpoch() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("es-graph"));
    ComputationGraph graph = TestNetworks.graphWithMerge(DataType.FLOAT, 6, 4, 3);
    run.rote.attach(graph);
    signalAfterStep(graph, run, 6);
    EarlyStoppingConfiguration<ComputationGraph> es = config(run.rote);

    EarlyStoppingResult<ComputationGraph> result = new EarlyStoppingGraphTrainer(es, graph,
        run.rote.wrap(new ListDataSetIterator<>(data().asList(), 4))).fit();

    assertThat(result.getTerminationReason())
        .isEqualTo(EarlyStoppingResult.TerminationReason.IterationTerminationCondition);
    assertThat(graph.getIterationCount()).isEqualTo(6);
    assertThat(result.getBestModel()).isNotNull();
    assertThat(result.getBestModelEpoch()).isZero();
  }

  @Test
  void shouldStopAGraphsEarlyStoppingInEpochZeroWithoutTheWrapperAtTheEpochsEnd() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("es-graph-plain"));
    ComputationGraph graph = TestNetworks.graphWithMerge(DataType.FLOAT, 6, 4, 3);
    run.rote.attach(graph);
    signalAfterStep(graph, run, 1);
    EarlyStoppingConfiguration<ComputationGraph> es = config(run.rote);

    EarlyStoppingResult<ComputationGraph> result = new EarlyStoppingGraphTrainer(es, graph,
        new ListDataSetIterator<>(data().asList(), 4)).fit();

    assertThat(result.getTerminationReason()).isEqualTo(EarlyStoppingResult.TerminationReason.EpochTerminationCondition);
    assertThat(graph.getIterationCount()).as("the rest of epoch 0").isEqualTo(4);
    assertThat(result.getBestModel()).isNotNull();
  }

  private static void signalAfterStep(Model model, TestRuns run, long step) {
    model.addListeners(run.signalAfterStep(step, TestRuns.signal(run.rote.config().runId(), 0)));
  }
}
