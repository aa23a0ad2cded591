package dev.rote.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistIdxTest {

  private static void write(Path file, int magic, int count, int dims, int fill) throws IOException {
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      out.writeInt(magic);
      out.writeInt(count);
      int size = count;
      if (dims == 3) {
        out.writeInt(28);
        out.writeInt(28);
        size *= 28 * 28;
      }
      for (int i = 0; i < size; i++) {
        out.writeByte(dims == 3 ? fill : i % 10);
      }
    }
  }

  private static Path dataset(Path dir, int train, int test) throws IOException {
    write(dir.resolve("train-images-idx3-ubyte"), 0x803, train, 3, 255);
    write(dir.resolve("train-labels-idx1-ubyte"), 0x801, train, 1, 0);
    write(dir.resolve("t10k-images-idx3-ubyte"), 0x803, test, 3, 0);
    write(dir.resolve("t10k-labels-idx1-ubyte"), 0x801, test, 1, 0);
    return dir;
  }

  @Test
  void shouldReadTheFirstExamplesScaledAndOneHot(@TempDir Path dir) throws IOException {
    MnistIdx d = MnistIdx.load(dataset(dir, 30, 20), 25, 0, 0, 1);

    assertThat(d.train().numExamples()).isEqualTo(25);
    assertThat(d.test().numExamples()).isEqualTo(20);
    assertThat(d.train().getFeatures().columns()).isEqualTo(784);
    assertThat(d.train().getFeatures().maxNumber().floatValue()).isEqualTo(1f);
    assertThat(d.trainLabels()[13]).isEqualTo(3);
    assertThat(d.train().getLabels().getFloat(13, 3)).isEqualTo(1f);
    assertThat(d.noisy()).isZero();
  }

  @Test
  void shouldChangeExactlyTheRoundedFractionOfLabelsToAnotherClass() {
    int[] labels = new int[1000];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 10;
    }
    int[] noisy = labels.clone();

    int changed = MnistIdx.symmetricNoise(noisy, 0.4, 3);

    int differ = 0;
    for (int i = 0; i < labels.length; i++) {
      differ += labels[i] != noisy[i] ? 1 : 0;
      assertThat(noisy[i]).isBetween(0, 9);
    }
    assertThat(changed).isEqualTo(400);
    assertThat(differ).isEqualTo(400);
  }

  @Test
  void shouldNameTheDirectoryOrFileThatIsMissingOrMalformed(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> MnistIdx.load(dir.resolve("nope"), 0, 0, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope").hasMessageContaining("apt-get");
    assertThatThrownBy(() -> MnistIdx.load(dir, 0, 0, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("train-labels-idx1-ubyte");
    dataset(dir, 5, 5);
    write(dir.resolve("t10k-labels-idx1-ubyte"), 0x803, 5, 1, 0);
    assertThatThrownBy(() -> MnistIdx.load(dir, 0, 0, 0, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t10k-labels-idx1-ubyte")
        .hasMessageContaining("magic");
  }
}
