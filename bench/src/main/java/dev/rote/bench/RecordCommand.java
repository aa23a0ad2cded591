package dev.rote.bench;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.Telemetry;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.TrainOptions;
import dev.rote.reference.cli.ModelOptions;
import dev.rote.reference.cli.TrainerOptions;
import dev.rote.reference.data.IdxDataset;
import dev.rote.trainer.InMemoryTelemetrySink;
import dev.rote.trainer.RoteTelemetry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rote bench record}: records a real reference-trainer run's telemetry for {@link RecordedRun}. */
@Command(name = "record", mixinStandardHelpOptions = true,
    description = "Train the reference MLP without Kafka and write its telemetry (probes left out) to a file "
        + "in the format of the committed recording the fleet benchmark replays.")
final class RecordCommand implements Callable<Integer> {

  @Mixin TrainerOptions trainer;

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where the recording goes.")
  Path out;

  @Override
  public Integer call() throws Exception {
    TrainOptions options = trainer.toOptions();
    IdxDataset data = ModelOptions.loadDataset(options.data());
    if (options.trainSize() > 0) {
      data = data.subsetTrain(options.trainSize());
    }
    ReferenceTrainer rt = new ReferenceTrainer(options, data, trainer.selection());
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();
    try (RoteTelemetry rote = new RoteTelemetry(options.telemetry(), sink, null, null)) {
      rt.run(rote, new ReferenceTrainer.Progress() {
        @Override
        public void onEpoch(ReferenceTrainer.EpochReport e) {
          System.out.printf("epoch %3d/%d  step %6d  loss %.4f  test acc %.4f%n", e.epoch(), e.epochs(), e.step(),
              e.trainLoss(), e.testAccuracy());
        }
      });
    }
    List<Telemetry> records = sink.values(Topics.TELEMETRY, Telemetry.class).stream()
        .filter(t -> !t.hasProbes()).toList();
    RecordedRun.write(out, records);
    System.out.printf("wrote %d telemetry records (%d batch summaries) to %s%n", records.size(),
        records.stream().filter(Telemetry::hasBatch).count(), out);
    return 0;
  }
}
