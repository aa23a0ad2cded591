package dev.rote.examples;

import dev.rote.contract.v1.RunStatus;
import dev.rote.trainer.Checkpoints;
import dev.rote.trainer.RoteIterators;
import dev.rote.trainer.RoteTelemetry;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.ViewIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The other ways of training under Rote that the README shows, as compiled (and tested) code: a
 * hand-written training loop with explicit example ids, and data augmentation with ids carried in
 * the examples' metadata. Each method is the body of a user's program once {@code rote} is started.
 */
public final class LibraryUsage {

  private LibraryUsage() {}

  /**
   * A hand-written loop: shuffles {@code data} every epoch, declares each batch's example ids
   * (their indices in {@code data}), checks for a stop signal before every step and counts epochs.
   */
  public static RunStatus handWrittenLoop(RoteTelemetry rote, MultiLayerNetwork net, DataSet data, int epochs,
      int batchSize, long seed) {
    // tag::hand-written-loop[]
    rote.restoreOnStop(new Checkpoints(10, 64)).attach(net);        // a checkpoint every 10 steps, 64 at most
    rote.listener().setProbeSet(new ViewIterator(data, 1000), 32);
    List<Integer> order = IntStream.range(0, data.numExamples()).boxed().collect(Collectors.toList());
    Random random = new Random(seed);
    return rote.train(() -> {
      for (int epoch = 0; epoch < epochs && !rote.shouldStop(); epoch++) {
        Collections.shuffle(order, random);
        for (int from = 0; from < order.size() && !rote.shouldStop(); from += batchSize) {  // stop before a step
          int[] rows = order.subList(from, Math.min(from + batchSize, order.size())).stream()
              .mapToInt(Integer::intValue).toArray();
          rote.listener().beginBatch(Arrays.stream(rows).asLongStream().toArray(), null);  // ids: the row indices
          net.fit(data.get(rows));
        }
        net.incrementEpochCount();                                   // the analyzer's window is one epoch
      }
    });
    // end::hand-written-loop[]
  }

  /**
   * Data augmentation: every epoch presents new inputs, so content ids would never repeat; each
   * example's index travels with it as example metadata, and the wrapper takes the ids from there.
   */
  public static RunStatus augmented(RoteTelemetry rote, MultiLayerNetwork net, DataSet data, int epochs,
      int batchSize, long seed) {
    // tag::augmentation[]
    data.setExampleMetaData(IntStream.range(0, data.numExamples()).boxed().collect(Collectors.toList()));
    DataSetIterator train = new ShufflingIterator(data, batchSize, seed);   // batches carry their rows' metadata
    train.setPreProcessor(batch -> batch.getFeatures().addi(Nd4j.randn(batch.getFeatures().dataType(),
        batch.getFeatures().shape()).muli(0.05)));                         // augmentation: noise on every input
    rote.attach(net);
    rote.listener().setProbeSet(new ViewIterator(data, 1000), 32);
    return rote.train(() -> net.fit(RoteIterators.wrap(train, rote, RoteIterators.Ids.METADATA), epochs));
    // end::augmentation[]
  }
}
