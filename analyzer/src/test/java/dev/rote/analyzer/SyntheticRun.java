package dev.rote.analyzer;

import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.DatasetInfo;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A run whose per-example dynamics are known: {@code examples} examples of 4 classes, every fifth
 * one's label flipped. From the second epoch on the network predicts every example's true class,
 * so flipped examples are wrong with a negative margin until epoch {@code memorizedFrom}, after
 * which it predicts their flipped label too; clean examples are right with a positive margin. In the
 * first epoch predictions are random. Batches of {@code batch} examples in a shuffled order per
 * epoch; the ground-truth noise flag rides along.
 */
record SyntheticRun(String runId, int examples, int batch, int epochs, int memorizedFrom, long seed) {

  static boolean flipped(long id) {
    return id % 5 == 0;
  }

  static int trueClass(long id) {
    return (int) (id % 4);
  }

  static int label(long id) {
    return flipped(id) ? (trueClass(id) + 1) % 4 : trueClass(id);
  }

  List<Telemetry> telemetry() {
    Random rnd = new Random(seed);
    List<Telemetry> out = new ArrayList<>();
    long step = 0;
    for (int epoch = 0; epoch < epochs; epoch++) {
      List<Long> order = new ArrayList<>();
      for (long i = 0; i < examples; i++) {
        order.add(i);
      }
      java.util.Collections.shuffle(order, rnd);
      for (int from = 0; from < examples; from += batch) {
        ExampleColumns.Builder e = ExampleColumns.newBuilder();
        for (long id : order.subList(from, Math.min(examples, from + batch))) {
          int predicted = epoch == 0 ? rnd.nextInt(4)
              : flipped(id) && epoch >= memorizedFrom ? label(id) : trueClass(id);
          boolean right = predicted == label(id);
          e.addExampleId(id).addLabel(label(id)).addPredicted(predicted)
              .addLoss(right ? 0.1f + rnd.nextFloat() * 0.1f : 2f + rnd.nextFloat())
              .addMargin(right ? 1f + rnd.nextFloat() : -1f - rnd.nextFloat())
              .addNoisy(flipped(id));
        }
        step++;
        out.add(Telemetry.newBuilder().setRunId(runId).setStep(step).setEpoch(epoch).setTimeMs(1_000 + step)
            .setBatch(BatchSummary.newBuilder().setLoss(1).setAccuracy(0.5).setBatchSize(e.getLabelCount())
                .setExamples(e)).build());
      }
    }
    return out;
  }

  RunMetadata metadata(RunStatus status) {
    return RunMetadata.newBuilder().setRunId(runId).setStatus(status)
        .setDataset(DatasetInfo.newBuilder().setTrainSize(examples).setNumClasses(4)).build();
  }
}
