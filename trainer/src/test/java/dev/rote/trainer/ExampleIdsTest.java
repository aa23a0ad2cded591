package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.v1.Degradation;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.Telemetry;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.MultiDataSetIteratorAdapter;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/** Example ids with DL4J's own training loops: content ids, wrapper ids, and what goes wrong with them. */
class ExampleIdsTest {

  private static final int[] LABELS = {0, 1, 2, 1, 0, 2, 2, 1, 0, 0, 1, 2};
  /** Row 7 repeats row 3. */
  private static final long[] CONTENT_IDS = {0, 1, 2, 3, 4, 5, 6, 3, 7, 8, 9, 10};

  private static DataSet data() {
    INDArray x = TestNetworks.features(DataType.FLOAT, LABELS.length, 6, 21);
    x.getRow(7).assign(x.getRow(3));
    return new DataSet(x, TestNetworks.oneHot(DataType.FLOAT, LABELS, 3));
  }

  /** Three batches of four, in order. */
  private static DataSetIterator iterator(DataSet all) {
    return new ListDataSetIterator<>(all.asList(), 4);
  }

  private static List<Long> ids(List<Telemetry> batches, int epoch) {
    List<Long> out = new ArrayList<>();
    for (Telemetry t : batches) {
      if (t.getEpoch() == epoch) {
        out.addAll(t.getBatch().getExamples().getExampleIdList());
      }
    }
    return out;
  }

  private static List<Long> boxed(long[] a) {
    List<Long> out = new ArrayList<>();
    for (long v : a) {
      out.add(v);
    }
    return out;
  }

  @Test
  void shouldGiveContentIdsThatRepeatAcrossEpochsWithNetFitAndNoWrapper() {
    TestRuns run = new TestRuns(TelemetryConfig.full("content"));
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    run.rote.attach(net);

    net.fit(iterator(data()), 3);

    List<Telemetry> batches = run.batches();
    assertThat(batches).hasSize(9);
    for (int epoch = 0; epoch < 3; epoch++) {
      // The data set index in a non-shuffling iterator; the duplicated row shares the id of its twin.
      assertThat(ids(batches, epoch)).as("epoch %d", epoch).containsExactlyElementsOf(boxed(CONTENT_IDS));
    }
    assertThat(run.lastRun().getExampleIds()).isEqualTo("content");
    assertThat(run.rote.degradations()).extracting(Degradation::getWhat)
        .doesNotContain("ids_never_repeat", "epoch_count", "example_ids");
    // What rules counting in epochs need, learned from the first pass: 11 distinct examples (one row is
    // a twin of another), batches of 4.
    assertThat(run.lastRun().getDataset().getTrainSize()).isEqualTo(11);
    assertThat(run.lastRun().getHyperparametersMap()).containsEntry("batch_size", "4");
  }

  @Test
  void shouldTakePositionalMetadataOrFunctionIdsFromTheWrapper() {
    DataSet all = data();
    List<Serializable> meta = new ArrayList<>();
    for (int i = 0; i < LABELS.length; i++) {
      meta.add(100 + i);
    }
    all.setExampleMetaData(meta);
    List<Long> expected = new ArrayList<>();
    for (int i = 0; i < LABELS.length; i++) {
      expected.add((long) i);
    }

    TestRuns positional = new TestRuns(TelemetryConfig.full("positional"));
    MultiLayerNetwork a = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    positional.rote.attach(a);
    a.fit(RoteIterators.wrap(iterator(all), positional.rote, RoteIterators.Ids.POSITIONAL), 2);
    assertThat(ids(positional.batches(), 0)).containsExactlyElementsOf(expected);
    assertThat(ids(positional.batches(), 1)).containsExactlyElementsOf(expected);
    assertThat(positional.lastRun().getExampleIds()).isEqualTo("iterator");

    TestRuns metadata = new TestRuns(TelemetryConfig.full("metadata"));
    MultiLayerNetwork b = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    metadata.rote.attach(b);
    b.fit(metadata.rote.wrap(iterator(all)), 1);
    assertThat(ids(metadata.batches(), 0)).containsExactlyElementsOf(expected.stream().map(i -> i + 100).toList());

    TestRuns function = new TestRuns(TelemetryConfig.full("function"));
    MultiLayerNetwork c = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    function.rote.attach(c);
    c.fit(RoteIterators.wrap(iterator(all), function.rote,
        ds -> ds.getExampleMetaData().stream().mapToLong(m -> 2L * (Integer) m).toArray()), 1);
    assertThat(ids(function.batches(), 0)).containsExactlyElementsOf(expected.stream().map(i -> 2 * (i + 100)).toList());
  }

  @Test
  void shouldStopMidEpochAtTheStepAfterTheSignal() {
    TestRuns run = new TestRuns(TelemetryConfig.defaults("stop-mid-epoch"));
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    Checkpoints checkpoints = new Checkpoints(1, 20, true);
    run.rote.restoreOnStop(checkpoints).attach(net);
    // Three steps an epoch; the signal arrives after step 5, the second step of epoch 1.
    net.addListeners(run.signalAfterStep(5, TestRuns.signal("stop-mid-epoch", 3)));

    RunStatus status = run.rote.train(() -> net.fit(run.rote.wrap(iterator(data())), 10));

    assertThat(status).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
    assertThat(net.getIterationCount()).isEqualTo(5);
    assertThat(run.rote.listener().lastStep()).isEqualTo(5);
    assertThat(run.lastRun().getStatus()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
    assertThat(run.lastRun().getStopSignalId()).isEqualTo("stop-mid-epoch/memorization_onset");
    assertThat(run.lastRun().getRestoredStep()).isEqualTo(3);
    assertThat(run.lastRun().getStatusReason()).isEqualTo("memorization_onset: flip rate rebounded");
    assertThat(net.params().equalsWithEps(checkpoints.copyAt(3, net).params(), 0)).isTrue();
  }

  @Test
  void shouldRepeatIdsAndStopWithAGraphsMultiDataSetIterator() {
    TestRuns run = new TestRuns(TelemetryConfig.full("graph-multi"));
    ComputationGraph graph = TestNetworks.graphWithMerge(DataType.FLOAT, 6, 4, 3);
    run.rote.attach(graph);
    graph.addListeners(run.signalAfterStep(7, TestRuns.signal("graph-multi", 0)));

    RunStatus status = run.rote.train(() -> graph.fit(
        RoteIterators.wrap(new MultiDataSetIteratorAdapter(iterator(data())), run.rote), 5));

    assertThat(status).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
    assertThat(graph.getIterationCount()).isEqualTo(7);
    assertThat(ids(run.batches(), 0)).containsExactlyElementsOf(boxed(CONTENT_IDS));
    assertThat(ids(run.batches(), 1)).containsExactlyElementsOf(boxed(CONTENT_IDS));
    assertThat(run.lastRun().hasRestoredStep()).isFalse();
  }

  @Test
  void shouldWarnLoudlyWhenContentIdsNeverRepeat() {
    TestRuns run = new TestRuns(TelemetryConfig.full("augmented"));
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    run.rote.attach(net);
    DataSetIterator augmented = iterator(data());
    // Data augmentation: every batch is new noise around the data.
    augmented.setPreProcessor(ds -> ds.getFeatures().addi(Nd4j.rand(DataType.FLOAT, ds.getFeatures().shape())));

    String stderr = TestRuns.stderrOf(() -> net.fit(augmented, 3));

    assertThat(stderr).contains("ids_never_repeat").contains("RoteIterators.wrap")
        .contains("prediction_flip_rate").contains("rule:memorization_onset");
    assertThat(run.lastRun().getDegradedList()).extracting(Degradation::getWhat).contains("ids_never_repeat");
  }

  @Test
  void shouldWarnLoudlyWhenAHandWrittenLoopNeverMovesTheEpochCount() {
    TestRuns run = new TestRuns(TelemetryConfig.full("no-epochs"));
    MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 6, 5, 3);
    run.rote.attach(net);
    DataSet all = data();

    String stderr = TestRuns.stderrOf(() -> {
      for (int pass = 0; pass < 3; pass++) {
        for (DataSet batch : all.batchBy(4)) {
          net.fit(batch);
        }
      }
    });

    assertThat(stderr).contains("epoch_count").contains("net.incrementEpochCount()");
    assertThat(run.lastRun().getDegradedList()).extracting(Degradation::getWhat).contains("epoch_count");
    // The data came round again without the epoch count: the first pass's size is still learned.
    assertThat(run.lastRun().getDataset().getTrainSize()).isEqualTo(11);
    assertThat(run.lastRun().getHyperparametersMap()).containsEntry("batch_size", "4");
    assertThat(run.batches()).allSatisfy(t -> assertThat(t.getEpoch()).isZero());
  }
}
