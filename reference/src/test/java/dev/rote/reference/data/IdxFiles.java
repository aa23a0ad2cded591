package dev.rote.reference.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Writes tiny hand-made IDX files for tests. */
final class IdxFiles {

  private IdxFiles() {}

  static byte[] images(int magic, int count, int rows, int cols, byte[] pixels) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    out.writeInt(magic);
    out.writeInt(count);
    out.writeInt(rows);
    out.writeInt(cols);
    out.write(pixels);
    return buf.toByteArray();
  }

  static byte[] labels(int magic, int... labels) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buf);
    out.writeInt(magic);
    out.writeInt(labels.length);
    for (int l : labels) {
      out.writeByte(l);
    }
    return buf.toByteArray();
  }

  /** Writes the content, gzipped when the name ends in {@code .gz}. */
  static Path write(Path file, byte[] content) throws IOException {
    if (file.getFileName().toString().endsWith(".gz")) {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
        out.write(content);
      }
    } else {
      Files.write(file, content);
    }
    return file;
  }

  /** Writes the content as it is, whatever the name. */
  static Path writeRaw(Path file, byte[] content) throws IOException {
    return Files.write(file, content);
  }

  /**
   * A gzipped dataset directory of 2x3-pixel images: training pixel {@code i} (counting over all
   * training images) holds {@code (i * 40) mod 256}, every test pixel holds 255.
   */
  static Path dataset(Path dir, int[] trainLabels, int[] testLabels) throws IOException {
    return dataset(dir, trainLabels, testLabels, ".gz");
  }

  /** As {@link #dataset(Path, int[], int[])}, with file names ending in {@code suffix}. */
  static Path dataset(Path dir, int[] trainLabels, int[] testLabels, String suffix) throws IOException {
    byte[] train = new byte[trainLabels.length * 6];
    for (int i = 0; i < train.length; i++) {
      train[i] = (byte) (i * 40);
    }
    byte[] test = new byte[testLabels.length * 6];
    Arrays.fill(test, (byte) 255);
    write(dir.resolve("train-images-idx3-ubyte" + suffix),
        images(IdxReader.IMAGES_MAGIC, trainLabels.length, 2, 3, train));
    write(dir.resolve("train-labels-idx1-ubyte" + suffix), labels(IdxReader.LABELS_MAGIC, trainLabels));
    write(dir.resolve("t10k-images-idx3-ubyte" + suffix),
        images(IdxReader.IMAGES_MAGIC, testLabels.length, 2, 3, test));
    write(dir.resolve("t10k-labels-idx1-ubyte" + suffix), labels(IdxReader.LABELS_MAGIC, testLabels));
    return dir;
  }
}
