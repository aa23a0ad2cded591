package dev.rote.reference.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files of {@code ./rote suspects --export-clean / --export-relabel}, written and read back. */
class ExampleSelectionTest {

  @TempDir Path dir;

  @Test
  void shouldReadBackWhatItWrites() throws Exception {
    Path keep = dir.resolve("keep.txt");
    Path relabel = dir.resolve("relabel.csv");
    ExampleSelection.writeKeepIds(keep, new long[] {4, 0, 9}, List.of("run r"));
    ExampleSelection.writeRelabels(relabel, Map.of(3L, new int[] {1, 2}), Map.of(3L, 0.8), List.of("run r"));

    assertThat(ExampleSelection.readKeepIds(keep, 10)).containsExactly(4, 0, 9);
    assertThat(ExampleSelection.readRelabels(relabel, 10, 3))
        .containsExactly(Map.entry(3, new ExampleSelection.Relabel(1, 2, 3)));
  }

  @Test
  void shouldNameTheFileAndLineOfABadKeepId() throws Exception {
    assertThatThrownBy(() -> ExampleSelection.readKeepIds(Files.writeString(dir.resolve("a"), "1\nx\n"), 10))
        .isInstanceOf(DatasetException.class).hasMessage(dir.resolve("a") + " line 2: expected an example id, was 'x'");
    assertThatThrownBy(() -> ExampleSelection.readKeepIds(Files.writeString(dir.resolve("b"), "#c\n10\n"), 10))
        .hasMessage(dir.resolve("b") + " line 2: example id 10 is outside the training set [0, 10)");
    assertThatThrownBy(() -> ExampleSelection.readKeepIds(Files.writeString(dir.resolve("c"), "3\n3\n"), 10))
        .hasMessage(dir.resolve("c") + " line 2: example id 3 is listed twice");
    assertThatThrownBy(() -> ExampleSelection.readKeepIds(Files.writeString(dir.resolve("d"), "# only\n"), 10))
        .hasMessage(dir.resolve("d") + ": lists no example ids to keep");
    assertThatThrownBy(() -> ExampleSelection.readKeepIds(dir.resolve("missing"), 10))
        .hasMessageStartingWith("cannot read " + dir.resolve("missing"));
  }

  @Test
  void shouldNameTheFileAndLineOfABadRelabelLine() throws Exception {
    String header = "example_id,label,suggested_label,score\n";
    assertThatThrownBy(() -> ExampleSelection.readRelabels(Files.writeString(dir.resolve("a"), "1,2,3\n"), 10, 3))
        .isInstanceOf(DatasetException.class)
        .hasMessage(dir.resolve("a") + " line 1: expected the header '" + header.trim() + "', was '1,2,3'");
    assertThatThrownBy(() -> ExampleSelection.readRelabels(Files.writeString(dir.resolve("b"), header + "1,0,3\n"), 10, 3))
        .hasMessage(dir.resolve("b") + " line 2: suggested_label must be a class in [0, 3), was '3'");
    assertThatThrownBy(() -> ExampleSelection.readRelabels(Files.writeString(dir.resolve("c"), header + "1,0\n"), 10, 3))
        .hasMessage(dir.resolve("c") + " line 2: expected example_id,label,suggested_label, was '1,0'");
    assertThatThrownBy(() -> ExampleSelection.readRelabels(Files.writeString(dir.resolve("d"), ""), 10, 3))
        .hasMessage(dir.resolve("d") + ": is empty, expected the header '" + header.trim() + "'");
  }
}
