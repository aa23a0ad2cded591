package dev.rote.reference.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {

  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void makeDirectory() throws Exception {
    dir = Files.createDirectory(tmp.resolve("tiny-mnist"));
  }

  @Test
  void shouldLoadAGzippedDatasetDirectory() throws Exception {
    IdxDataset d = IdxDataset.load(IdxFiles.dataset(dir, new int[] {0, 2, 1}, new int[] {1, 1}), 3);
    assertThat(d.name()).isEqualTo("tiny-mnist");
    assertThat(d.numClasses()).isEqualTo(3);
    assertThat(d.trainSize()).isEqualTo(3);
    assertThat(d.testSize()).isEqualTo(2);
    assertThat(d.rows()).isEqualTo(2);
    assertThat(d.cols()).isEqualTo(3);
    assertThat(d.inputSize()).isEqualTo(6);
    assertThat(d.trainLabels()).containsExactly(0, 2, 1);
    assertThat(d.testLabels()).containsExactly(1, 1);
    assertThat(d.trainImages().count()).isEqualTo(3);
    assertThat(d.trainImages().pixels()).startsWith((byte) 0, (byte) 40, (byte) 80);
    assertThat(d.testImages().pixels()).hasSize(12).containsOnly((byte) 255);
  }

  @Test
  void shouldTakeTheClassCountFromTheLargestLabelOfEitherSplit() throws Exception {
    assertThat(IdxDataset.load(IdxFiles.dataset(dir, new int[] {0, 4, 1}, new int[] {2, 1})).numClasses())
        .as("largest label 4, in the training split").isEqualTo(5);
    Path other = Files.createDirectory(tmp.resolve("letters"));
    assertThat(IdxDataset.load(IdxFiles.dataset(other, new int[] {1, 3}, new int[] {26, 2})).numClasses())
        .as("labels 1..26, the largest in the test split: class 0 stays empty").isEqualTo(27);
    Path single = Files.createDirectory(tmp.resolve("single"));
    assertThat(IdxDataset.load(IdxFiles.dataset(single, new int[] {0, 0}, new int[] {0})).numClasses())
        .as("one label only: still two classes, the least a classifier has").isEqualTo(2);
    Path wide = Files.createDirectory(tmp.resolve("wide"));
    assertThat(IdxDataset.load(IdxFiles.dataset(wide, new int[] {127, 0}, new int[] {1})).numClasses()).isEqualTo(128);
    Path tooWide = Files.createDirectory(tmp.resolve("too-wide"));
    assertThatThrownBy(() -> IdxDataset.load(IdxFiles.dataset(tooWide, new int[] {0, 1}, new int[] {128})))
        .isInstanceOf(DatasetException.class)
        .hasMessage(tooWide + " (--data) has labels up to 128: Rote monitors at most 128 classes (labels 0..127)");
  }

  @Test
  void shouldAcceptPlainFileNames() throws Exception {
    IdxDataset d = IdxDataset.load(IdxFiles.dataset(dir, new int[] {0, 1}, new int[] {1}, ""), 2);
    assertThat(d.trainLabels()).containsExactly(0, 1);
    assertThat(d.testSize()).isEqualTo(1);
  }

  @Test
  void shouldReturnCopies() throws Exception {
    IdxDataset d = IdxDataset.load(IdxFiles.dataset(dir, new int[] {0, 1}, new int[] {1}), 2);
    d.trainLabels()[0] = 1;
    d.trainImages().pixels()[0] = 9;
    assertThat(d.trainLabels()).containsExactly(0, 1);
    assertThat(d.trainImages().pixels()[0]).isZero();
  }

  @Test
  void shouldScaleUnsignedPixelsToTheUnitInterval() throws Exception {
    IdxDataset d = IdxDataset.load(IdxFiles.dataset(dir, new int[] {0, 2, 1}, new int[] {1, 1}), 3);
    float[] out = new float[12];
    d.fillFeatures(true, new int[] {1, 0}, out);
    // Training pixel i holds (i * 40) mod 256; example 1 starts at pixel 6.
    assertThat(out[0]).isEqualTo(240 / 255f);
    assertThat(out[1]).isEqualTo(24 / 255f);
    assertThat(out[6]).isEqualTo(0f);
    assertThat(out[11]).isEqualTo(200 / 255f);
    d.fillFeatures(false, new int[] {1}, out);
    assertThat(out).startsWith(1f, 1f, 1f, 1f, 1f, 1f);
  }

  @Test
  void shouldRejectFeatureIndicesOutOfRangeAndShortBuffers() throws Exception {
    IdxDataset d = IdxDataset.load(IdxFiles.dataset(dir, new int[] {0, 2, 1}, new int[] {1, 1}), 3);
    assertThatThrownBy(() -> d.fillFeatures(false, new int[] {2}, new float[6]))
        .hasMessage("test example index 2 is out of range [0, 2)");
    assertThatThrownBy(() -> d.fillFeatures(true, new int[] {-1}, new float[6]))
        .hasMessage("train example index -1 is out of range [0, 3)");
    assertThatThrownBy(() -> d.fillFeatures(true, new int[] {0, 1}, new float[11]))
        .hasMessage("out holds 11 floats, needs 12");
  }

  @Test
  void shouldKeepTheFirstTrainingExamplesInASubset() throws Exception {
    IdxDataset d = IdxDataset.load(IdxFiles.dataset(dir, new int[] {0, 2, 1}, new int[] {1, 1}), 3);
    IdxDataset sub = d.subsetTrain(2);
    assertThat(sub.trainSize()).isEqualTo(2);
    assertThat(sub.trainLabels()).containsExactly(0, 2);
    assertThat(sub.testSize()).isEqualTo(2);
    assertThat(sub.name()).isEqualTo("tiny-mnist");
    float[] whole = new float[12];
    float[] part = new float[12];
    d.fillFeatures(true, new int[] {0, 1}, whole);
    sub.fillFeatures(true, new int[] {0, 1}, part);
    assertThat(part).containsExactly(whole);
    assertThat(d.subsetTrain(3).trainSize()).isEqualTo(3);
    assertThatThrownBy(() -> d.subsetTrain(4)).isInstanceOf(DatasetException.class)
        .hasMessage("--train-size must be in [1, 3], was 4 (tiny-mnist has 3 training examples; --train-size 0 trains on all of them)");
    assertThatThrownBy(() -> d.subsetTrain(0)).hasMessage("--train-size must be in [1, 3], was 0");
  }

  @Test
  void shouldNameAMissingDirectory() throws Exception {
    Path nope = dir.resolve("nope");
    assertThatThrownBy(() -> IdxDataset.load(nope, 10))
        .isInstanceOf(DatasetException.class)
        .hasMessage("dataset directory " + nope + " (--data) does not exist or is not a directory");
    Path file = Files.createFile(dir.resolve("file"));
    assertThatThrownBy(() -> IdxDataset.load(file, 10)).hasMessageContaining("is not a directory");
  }

  @Test
  void shouldListEveryMissingFile() throws Exception {
    IdxFiles.dataset(dir, new int[] {0}, new int[] {0});
    Files.delete(dir.resolve("train-images-idx3-ubyte.gz"));
    Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
    assertThatThrownBy(() -> IdxDataset.load(dir, 10))
        .isInstanceOf(DatasetException.class)
        .hasMessage("dataset directory " + dir
            + " (--data) lacks train-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]");
  }

  @Test
  void shouldRejectCountMismatchNamingBothFiles() throws Exception {
    IdxFiles.dataset(dir, new int[] {0, 1}, new int[] {0});
    IdxFiles.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxFiles.labels(0x801, 0, 1, 2));
    assertThatThrownBy(() -> IdxDataset.load(dir, 10))
        .isInstanceOf(DatasetException.class)
        .hasMessage(dir.resolve("train-images-idx3-ubyte.gz") + " holds 2 images but "
            + dir.resolve("train-labels-idx1-ubyte.gz") + " holds 3 labels");
  }

  @Test
  void shouldRejectALabelOutOfRangeNamingFileIndexAndValue() throws Exception {
    IdxFiles.dataset(dir, new int[] {0, 1}, new int[] {0, 9, 12});
    assertThatThrownBy(() -> IdxDataset.load(dir, 10))
        .isInstanceOf(DatasetException.class)
        .hasMessage(dir.resolve("t10k-labels-idx1-ubyte.gz") + ": label 12 at index 2 is out of range [0, 10)");
  }

  @Test
  void shouldRejectTrainAndTestImagesOfDifferentShapes() throws Exception {
    IdxFiles.dataset(dir, new int[] {0}, new int[] {0});
    IdxFiles.write(dir.resolve("t10k-images-idx3-ubyte.gz"), IdxFiles.images(0x803, 1, 3, 2, new byte[6]));
    assertThatThrownBy(() -> IdxDataset.load(dir, 10))
        .isInstanceOf(DatasetException.class)
        .hasMessage(dir.resolve("train-images-idx3-ubyte.gz") + " holds 2x3 images but "
            + dir.resolve("t10k-images-idx3-ubyte.gz") + " holds 3x2");
  }

  @Test
  void shouldLoadRealFashionMnist() {
    Path fashion = Path.of("/usr/share/datasets/fashion-mnist");
    Assumptions.assumeTrue(Files.isDirectory(fashion), "Fashion-MNIST not installed at " + fashion);
    IdxDataset d = IdxDataset.load(fashion, 10);
    assertThat(d.trainSize()).isEqualTo(60_000);
    assertThat(d.testSize()).isEqualTo(10_000);
    assertThat(d.rows()).isEqualTo(28);
    assertThat(d.cols()).isEqualTo(28);
    // load() already rejects labels outside [0, 10); counting per class would fail on them too.
    assertThat(perClass(d.trainLabels())).containsOnly(6000);
    assertThat(perClass(d.testLabels())).containsOnly(1000);
  }

  private static int[] perClass(int[] labels) {
    int[] counts = new int[10];
    for (int l : labels) {
      counts[l]++;
    }
    return counts;
  }
}
