package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.cli.RoteCliTest.Run;
import dev.rote.reference.data.IdxDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad {@code --keep-ids} / {@code --relabel} files: exit 2 with the file and line, before connecting anywhere. */
class TrainSelectionCliTest {

  static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

  static Run train(String... selection) {
    String[] args = new String[selection.length + 5];
    args[0] = "train";
    args[1] = "--train-size";
    args[2] = "100";
    args[3] = "--bootstrap-servers";
    args[4] = "127.0.0.1:1";
    System.arraycopy(selection, 0, args, 5, selection.length);
    return RoteCliTest.run(args);
  }

  @Test
  void shouldNameTheLineOfAMalformedKeepIdsFile(@TempDir Path dir) throws Exception {
    Path keep = Files.writeString(dir.resolve("keep.txt"), "# run r\n1\nabc\n");

    Run r = train("--keep-ids", keep.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(keep + " line 3: expected an example id, was 'abc'").doesNotContain("cannot reach Kafka");
  }

  @Test
  void shouldRejectAnIdOutsideTheTrainingSet(@TempDir Path dir) throws Exception {
    Path keep = Files.writeString(dir.resolve("keep.txt"), "1\n100\n");

    Run r = train("--keep-ids", keep.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(keep + " line 2: example id 100 is outside the training set [0, 100)");
  }

  @Test
  void shouldRefuseARelabelFileFromARunWithOtherNoise(@TempDir Path dir) throws Exception {
    int label = IdxDataset.load(FASHION, 10).trainLabels()[0];
    int other = (label + 1) % 10;
    Path relabel = Files.writeString(dir.resolve("relabel.csv"),
        "example_id,label,suggested_label,score\n0," + other + "," + label + ",0.9\n");

    Run r = train("--relabel", relabel.toString()); // no --label-noise: example 0 keeps its label

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(relabel + " line 2: example 0 has label " + label + " in this run, the file says "
        + other + ": the file comes from a run with other data or noise options");
  }

  @Test
  void shouldRefuseARelabelFileWithoutItsHeader(@TempDir Path dir) throws Exception {
    Path relabel = Files.writeString(dir.resolve("relabel.csv"), "0,1,2\n");

    Run r = train("--relabel", relabel.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(relabel + " line 1: expected the header 'example_id,label,suggested_label,score'");
  }

  @Test
  void shouldRefuseToRetrainRecordedRuns() {
    Run r = RoteCliTest.run("suspects-experiment", "--retrain", "--recording", "x.rec.gz");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--retrain trains on the data set and cannot be combined with --recording");
  }
}
