package dev.rote.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.Telemetry;
import dev.rote.reference.data.DatasetException;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.data.NoisyLabels;
import dev.rote.trainer.InMemoryTelemetrySink;
import dev.rote.trainer.RoteTelemetry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --keep-ids} and {@code --relabel}: the noise is applied to the whole training set first, then
 * the files select and relabel; the run trains the kept examples under their own ids.
 */
class TrainingSetTest {

  @TempDir
  static Path dir;
  static IdxDataset data;
  static TrainOptions options;
  static NoisyLabels full;

  @BeforeAll
  static void writeData() throws Exception {
    data = IdxDataset.load(SyntheticIdx.write(dir, 60, 20, 3, 7), 3);
    options = SyntheticIdx.options(dir, 0.4, 2);
    full = ReferenceTrainer.labelsFor(options, data);
  }

  @Test
  void shouldKeepExactlyTheListedExamplesWithTheNoisyLabelsOfTheWholeSet(@TempDir Path tmp) throws Exception {
    Path keep = Files.writeString(tmp.resolve("keep.txt"), "# from run r\n42\n0\n7\n\n13\n59\n");

    TrainingSet set = TrainingSet.of(options, data, new TrainingSet.Selection(keep, null));

    assertThat(set.examples()).containsExactly(0, 7, 13, 42, 59);
    assertThat(set.idSpace()).isEqualTo(60);
    assertThat(set.subset()).isTrue();
    // the same 24 noisy labels as the run on all 60 examples, whichever ids are kept
    assertThat(full.flippedCount()).isEqualTo(24);
    assertThat(set.labels().labels()).containsExactly(full.labels());
    assertThat(set.labels().flipped()).containsExactly(full.flipped());
    assertThat(set.flippedTrained())
        .isEqualTo((int) IntStream.of(0, 7, 13, 42, 59).filter(i -> full.flipped()[i]).count());
  }

  @Test
  void shouldChangeExactlyTheListedLabels(@TempDir Path tmp) throws Exception {
    int flippedId = IntStream.range(0, 60).filter(i -> full.flipped()[i]).findFirst().orElseThrow();
    int cleanId = IntStream.range(0, 60).filter(i -> !full.flipped()[i]).findFirst().orElseThrow();
    int trueLabel = data.trainLabels()[flippedId];
    int otherLabel = (full.labels()[cleanId] + 1) % 3;
    Path relabel = Files.writeString(tmp.resolve("relabel.csv"), "# from run r\nexample_id,label,suggested_label,score\n"
        + flippedId + "," + full.labels()[flippedId] + "," + trueLabel + ",0.9\n"
        + cleanId + "," + full.labels()[cleanId] + "," + otherLabel + ",0.7\n");

    TrainingSet set = TrainingSet.of(options, data, new TrainingSet.Selection(null, relabel));

    assertThat(set.examples()).hasSize(60);
    assertThat(set.subset()).isFalse();
    assertThat(set.relabeled()).isEqualTo(2);
    int[] labels = set.labels().labels();
    List<Integer> changed = IntStream.range(0, 60).filter(i -> labels[i] != full.labels()[i]).boxed().toList();
    assertThat(changed).containsExactlyInAnyOrder(flippedId, cleanId);
    assertThat(labels[flippedId]).isEqualTo(trueLabel);
    assertThat(labels[cleanId]).isEqualTo(otherLabel);
    // the ground truth follows the labels trained: the fixed one is no longer flipped, the other now is
    assertThat(set.labels().flipped()[flippedId]).isFalse();
    assertThat(set.labels().flipped()[cleanId]).isTrue();
    assertThat(set.flippedTrained()).isEqualTo(full.flippedCount());
  }

  @Test
  void shouldRejectARelabelFileFromARunWithOtherLabels(@TempDir Path tmp) throws Exception {
    int id = 5;
    int wrong = (full.labels()[id] + 1) % 3;
    Path relabel = Files.writeString(tmp.resolve("relabel.csv"),
        "example_id,label,suggested_label,score\n" + id + "," + wrong + ",0,0.9\n");

    assertThatThrownBy(() -> TrainingSet.of(options, data, new TrainingSet.Selection(null, relabel)))
        .isInstanceOf(DatasetException.class)
        .hasMessage(relabel + " line 2: example 5 has label " + full.labels()[id] + " in this run, the file says "
            + wrong + ": the file comes from a run with other data or noise options (--data, --train-size, "
            + "--label-noise, --noise-mode, --noise-seed)");
  }

  @Test
  void shouldRejectARelabeledExampleThatTheKeepFileLeavesOut(@TempDir Path tmp) throws Exception {
    Path keep = Files.writeString(tmp.resolve("keep.txt"), "1\n2\n");
    Path relabel = Files.writeString(tmp.resolve("relabel.csv"),
        "example_id,label,suggested_label,score\n3," + full.labels()[3] + ",0,0.9\n");

    assertThatThrownBy(() -> TrainingSet.of(options, data, new TrainingSet.Selection(keep, relabel)))
        .isInstanceOf(DatasetException.class)
        .hasMessage(relabel + " line 2: example 3 is relabeled but " + keep + " (--keep-ids) leaves it out");
  }

  @Test
  void shouldTrainTheKeptExamplesUnderTheirOwnIdsWithEpochsOfTheKeptExamples(@TempDir Path tmp) throws Exception {
    int[] kept = IntStream.range(0, 60).filter(i -> i % 3 != 1).toArray(); // 40 of 60
    StringBuilder b = new StringBuilder();
    Arrays.stream(kept).forEach(i -> b.append(i).append('\n'));
    Path keep = Files.writeString(tmp.resolve("keep.txt"), b);
    InMemoryTelemetrySink sink = new InMemoryTelemetrySink();

    ReferenceTrainer.Result r;
    try (RoteTelemetry rote = new RoteTelemetry(options.telemetry(), sink, null, null)) {
      r = new ReferenceTrainer(options, data, new TrainingSet.Selection(keep, null))
          .run(rote, new ReferenceTrainer.Progress() {});
    }

    assertThat(r.steps()).isEqualTo(2 * 3); // 2 epochs of ceil(40 / 16) steps, not ceil(60 / 16)
    List<RunMetadata> runs = sink.values(Topics.RUNS, RunMetadata.class);
    RunMetadata meta = runs.get(runs.size() - 1);
    assertThat(meta.getDataset().getTrainSize()).isEqualTo(40);
    assertThat(meta.getDataset().getExampleIdSpace()).isEqualTo(60);
    assertThat(meta.getHyperparametersOrThrow("keep_ids")).isEqualTo(keep.toAbsolutePath().toString());
    assertThat(meta.getLabelNoise().getFlippedCount())
        .isEqualTo(Arrays.stream(kept).filter(i -> full.flipped()[i]).count());
    List<Telemetry> batches = sink.values(Topics.TELEMETRY, Telemetry.class).stream().filter(Telemetry::hasBatch)
        .toList();
    for (int epoch = 0; epoch < 2; epoch++) {
      List<Long> ids = new ArrayList<>();
      int e = epoch;
      batches.stream().filter(t -> t.getEpoch() == e).forEach(t -> {
        var x = t.getBatch().getExamples();
        for (int i = 0; i < x.getExampleIdCount(); i++) {
          int id = (int) x.getExampleId(i);
          ids.add((long) id);
          assertThat(x.getLabel(i)).as("label of %d", id).isEqualTo(full.labels()[id]);
          assertThat(x.getNoisy(i)).as("flipped %d", id).isEqualTo(full.flipped()[id]);
        }
      });
      assertThat(ids).as("epoch %d", epoch).hasSize(40);
      assertThat(new TreeSet<>(ids)).containsExactlyElementsOf(Arrays.stream(kept).mapToObj(i -> (long) i).toList());
    }
  }
}
