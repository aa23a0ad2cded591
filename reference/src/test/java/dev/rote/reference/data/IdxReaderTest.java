package dev.rote.reference.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

  /** Two 2x3 images, hand-written; 200 and 255 check unsigned bytes. */
  private static final byte[] PIXELS = {0, 1, 2, 3, 4, 5, (byte) 200, 7, 8, 9, 10, (byte) 255};

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"", ".gz"})
  void shouldReadHandMadeImagesAndLabels(String suffix) throws Exception {
    Path images = IdxFiles.write(dir.resolve("img" + suffix), IdxFiles.images(0x803, 2, 2, 3, PIXELS));
    Path labels = IdxFiles.write(dir.resolve("lab" + suffix), IdxFiles.labels(0x801, 7, 200));

    IdxImages read = IdxReader.readImages(images);
    assertThat(read.count()).isEqualTo(2);
    assertThat(read.rows()).isEqualTo(2);
    assertThat(read.cols()).isEqualTo(3);
    assertThat(read.imageSize()).isEqualTo(6);
    assertThat(read.pixels()).containsExactly(PIXELS);
    assertThat(IdxReader.readLabels(labels)).containsExactly(7, 200);
  }

  @Test
  void shouldRejectAWrongMagicNumberNamingTheFile() throws Exception {
    Path labels = IdxFiles.write(dir.resolve("lab"), IdxFiles.labels(0x801, 1, 2));
    assertThatThrownBy(() -> IdxReader.readImages(labels))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(labels.toString())
        .hasMessageContaining("wrong IDX magic number 0x00000801, expected 0x00000803");
    Path images = IdxFiles.write(dir.resolve("img.gz"), IdxFiles.images(0x803, 2, 2, 3, PIXELS));
    assertThatThrownBy(() -> IdxReader.readLabels(images))
        .hasMessageContaining(images.toString())
        .hasMessageContaining("0x00000803, expected 0x00000801");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".gz"})
  void shouldRejectTruncatedData(String suffix) throws Exception {
    byte[] full = IdxFiles.images(0x803, 2, 2, 3, PIXELS);
    Path truncated = IdxFiles.write(dir.resolve("short" + suffix), Arrays.copyOf(full, full.length - 1));
    assertThatThrownBy(() -> IdxReader.readImages(truncated))
        .isInstanceOf(DatasetException.class)
        .hasMessage(truncated + ": truncated, the header promises 12 data bytes");
  }

  @Test
  void shouldRejectAFileEndingInsideItsHeader() throws Exception {
    Path file = IdxFiles.write(dir.resolve("header"), new byte[] {0, 0, 8, 1, 0, 0});
    assertThatThrownBy(() -> IdxReader.readLabels(file))
        .hasMessage(file + ": truncated, the file ends inside its header");
  }

  @Test
  void shouldRejectAGzipStreamCutBeforeItsTrailer() throws Exception {
    Path whole = IdxFiles.write(dir.resolve("whole.gz"), IdxFiles.labels(0x801, 1, 2, 3));
    byte[] gz = Files.readAllBytes(whole);
    // The gzip trailer is the last 8 bytes (CRC-32 and size); the deflate data stays whole.
    Path cut = IdxFiles.writeRaw(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length - 8));
    assertThatThrownBy(() -> IdxReader.readLabels(cut))
        .isInstanceOf(DatasetException.class)
        .hasMessageContaining(cut.toString())
        .hasMessageContaining("truncated");
  }

  @Test
  void shouldRejectTrailingBytes() throws Exception {
    byte[] full = IdxFiles.images(0x803, 2, 2, 3, PIXELS);
    Path longer = IdxFiles.write(dir.resolve("long"), Arrays.copyOf(full, full.length + 3));
    assertThatThrownBy(() -> IdxReader.readImages(longer))
        .hasMessage(longer + ": has bytes after the 12 the header promises");
  }

  @Test
  void shouldRejectDimensionsBelowOne() throws Exception {
    Path zeroRows = IdxFiles.write(dir.resolve("zero"), IdxFiles.images(0x803, 2, 0, 3, new byte[0]));
    assertThatThrownBy(() -> IdxReader.readImages(zeroRows))
        .hasMessage(zeroRows + ": rows must be >= 1, header says 0");
    Path negative = IdxFiles.write(dir.resolve("negative"), IdxFiles.images(0x803, -2, 2, 3, new byte[0]));
    assertThatThrownBy(() -> IdxReader.readImages(negative))
        .hasMessage(negative + ": image count must be >= 1, header says -2");
  }

  @Test
  void shouldNameAMissingFile() {
    Path missing = dir.resolve("absent.gz");
    assertThatThrownBy(() -> IdxReader.readLabels(missing))
        .isInstanceOf(DatasetException.class)
        .hasMessage(missing + ": no such file");
  }

  @Test
  void shouldNameAFileThatIsNotGzipDespiteItsName() throws Exception {
    Path fake = IdxFiles.writeRaw(dir.resolve("plain.gz"), IdxFiles.labels(0x801, 1));
    assertThatThrownBy(() -> IdxReader.readLabels(fake))
        .isInstanceOf(DatasetException.class)
        .hasMessageStartingWith("cannot read " + fake);
  }

  @Test
  void shouldValidateImagesRecord() {
    assertThatThrownBy(() -> new IdxImages(2, 2, 3, new byte[11]))
        .hasMessage("pixels must hold count * rows * cols = 12 bytes, was 11");
    assertThatThrownBy(() -> new IdxImages(1, 0, 3, new byte[0])).hasMessage("rows must be >= 1, was 0");
  }
}
