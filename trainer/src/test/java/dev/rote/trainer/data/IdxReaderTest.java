package dev.rote.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

  private static final byte[] PIXELS = {0, 1, 2, 3, 4, 5, (byte) 200, 7, 8, 9, 10, (byte) 255};

  @TempDir Path dir;

  @Test
  void shouldReadHandMadeImagesAndLabelsPlainAndGzipped() throws Exception {
    for (String suffix : new String[] {"", ".gz"}) {
      Path images = IdxFiles.write(dir.resolve("img" + suffix), IdxFiles.images(0x803, 2, 2, 3, PIXELS));
      Path labels = IdxFiles.write(dir.resolve("lab" + suffix), IdxFiles.labels(0x801, 7, 200));

      IdxReader.Images read = IdxReader.readImages(images);
      assertThat(read.count()).isEqualTo(2);
      assertThat(read.rows()).isEqualTo(2);
      assertThat(read.cols()).isEqualTo(3);
      assertThat(read.pixels()).containsExactly(PIXELS);
      assertThat(IdxReader.readLabels(labels)).containsExactly(7, 200);
    }
  }

  @Test
  void shouldRejectAWrongMagicNumberNamingTheFile() throws Exception {
    Path labels = IdxFiles.write(dir.resolve("lab"), IdxFiles.labels(0x801, 1, 2));
    assertThatThrownBy(() -> IdxReader.readImages(labels))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(labels.toString())
        .hasMessageContaining("0x00000801")
        .hasMessageContaining("expected 0x00000803");
  }

  @Test
  void shouldRejectATruncatedFileAndTrailingBytes() throws Exception {
    byte[] full = IdxFiles.images(0x803, 2, 2, 3, PIXELS);
    Path truncated = IdxFiles.write(dir.resolve("short.gz"), Arrays.copyOf(full, full.length - 1));
    assertThatThrownBy(() -> IdxReader.readImages(truncated))
        .hasMessageContaining(truncated.toString()).hasMessageContaining("truncated");
    Path longer = IdxFiles.write(dir.resolve("long"), Arrays.copyOf(full, full.length + 3));
    assertThatThrownBy(() -> IdxReader.readImages(longer)).hasMessageContaining("bytes after");
  }

  @Test
  void shouldLoadADatasetDirectoryAndScaleFeatures() throws Exception {
    IdxDataset d = IdxDataset.load(IdxFiles.dataset(dir, new int[] {0, 2, 1}, new int[] {1, 1}), 3);
    assertThat(d.trainSize()).isEqualTo(3);
    assertThat(d.testSize()).isEqualTo(2);
    assertThat(d.inputSize()).isEqualTo(6);
    assertThat(d.trainLabels()).containsExactly(0, 2, 1);
    float[] out = new float[12];
    d.fillFeatures(true, new int[] {1, 0}, out);
    // Training pixel i holds (i * 40) mod 256 as an unsigned byte.
    assertThat(out[0]).isEqualTo(240 / 255f);
    assertThat(out[1]).isEqualTo((280 % 256) / 255f);
    assertThat(out[6]).isEqualTo(0f);
    assertThat(out[11]).isEqualTo(200 / 255f);

    IdxDataset sub = d.subsetTrain(2);
    assertThat(sub.trainSize()).isEqualTo(2);
    assertThat(sub.trainLabels()).containsExactly(0, 2);
    assertThat(sub.testSize()).isEqualTo(2);
    assertThatThrownBy(() -> d.subsetTrain(4)).hasMessageContaining("--train-size");
  }

  @Test
  void shouldNameTheMissingDirectoryOrFile() throws Exception {
    assertThatThrownBy(() -> IdxDataset.load(dir.resolve("nope"), 10))
        .isInstanceOf(DatasetException.class).hasMessageContaining("nope").hasMessageContaining("--data");
    IdxFiles.dataset(dir, new int[] {0}, new int[] {0});
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
    assertThatThrownBy(() -> IdxDataset.load(dir, 10)).hasMessageContaining("t10k-labels-idx1-ubyte.gz");
  }

  @Test
  void shouldRejectCountMismatchAndLabelsOutOfRange() throws Exception {
    IdxFiles.dataset(dir, new int[] {0, 1}, new int[] {0});
    IdxFiles.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFiles.labels(0x801, 0, 1, 2));
    assertThatThrownBy(() -> IdxDataset.load(dir, 10))
        .hasMessageContaining("2 images").hasMessageContaining("3 labels");

    IdxFiles.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFiles.labels(0x801, 0, 12));
    assertThatThrownBy(() -> IdxDataset.load(dir, 10))
        .hasMessageContaining("label 12 at index 1").hasMessageContaining("[0, 10)");
  }

  @Test
  void shouldLoadRealFashionMnist() {
    Path fashion = Path.of("/usr/share/datasets/fashion-mnist");
    Assumptions.assumeTrue(Files.isDirectory(fashion), "dataset-fashion-mnist not installed");
    IdxDataset d = IdxDataset.load(fashion, 10);
    assertThat(d.trainSize()).isEqualTo(60_000);
    assertThat(d.testSize()).isEqualTo(10_000);
    assertThat(d.rows()).isEqualTo(28);
    assertThat(d.cols()).isEqualTo(28);
    int[] perClass = new int[10];
    for (int l : d.trainLabels()) {
      perClass[l]++;
    }
    assertThat(perClass).containsOnly(6000);
  }
}
