package dev.rote.trainer.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads files in the IDX format of MNIST and Fashion-MNIST, gzipped ({@code .gz}) or plain:
 * images (magic {@code 0x00000803}: unsigned bytes, dimensions count, rows, cols) and labels
 * (magic {@code 0x00000801}: unsigned bytes, dimension count). Every error names the file.
 */
public final class IdxReader {

  public static final int IMAGES_MAGIC = 0x00000803;
  public static final int LABELS_MAGIC = 0x00000801;

  /** Images of one IDX file: {@code count} images of {@code rows x cols} bytes, row-major. */
  public record Images(int count, int rows, int cols, byte[] pixels) {}

  private IdxReader() {}

  public static Images readImages(Path file) {
    try (DataInputStream in = open(file)) {
      checkMagic(file, in.readInt(), IMAGES_MAGIC);
      int count = dimension(file, "image count", in.readInt());
      int rows = dimension(file, "rows", in.readInt());
      int cols = dimension(file, "cols", in.readInt());
      long size = (long) count * rows * cols;
      if (size > Integer.MAX_VALUE - 8) {
        throw new DatasetException(file + ": " + count + " images of " + rows + "x" + cols + " are too many");
      }
      byte[] pixels = new byte[(int) size];
      readBody(file, in, pixels);
      return new Images(count, rows, cols, pixels);
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Labels as ints in [0, 255]. */
  public static int[] readLabels(Path file) {
    try (DataInputStream in = open(file)) {
      checkMagic(file, in.readInt(), LABELS_MAGIC);
      int count = dimension(file, "label count", in.readInt());
      byte[] raw = new byte[count];
      readBody(file, in, raw);
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = raw[i] & 0xff;
      }
      return labels;
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new DatasetException(file + ": no such file");
    }
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (file.getFileName().toString().endsWith(".gz")) {
      raw = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
    }
    return new DataInputStream(raw);
  }

  private static void checkMagic(Path file, int found, int expected) {
    if (found != expected) {
      throw new DatasetException(String.format(
          "%s: wrong IDX magic number 0x%08x, expected 0x%08x (%s)", file, found, expected,
          expected == IMAGES_MAGIC ? "unsigned-byte images, 3 dimensions" : "unsigned-byte labels, 1 dimension"));
    }
  }

  private static int dimension(Path file, String what, int value) {
    if (value < 1) {
      throw new DatasetException(file + ": " + what + " must be >= 1, header says " + value);
    }
    return value;
  }

  private static void readBody(Path file, DataInputStream in, byte[] into) throws IOException {
    try {
      in.readFully(into);
    } catch (EOFException e) {
      throw new DatasetException(file + ": truncated, the header promises " + into.length + " data bytes");
    }
    if (in.read() != -1) {
      throw new DatasetException(file + ": has bytes after the " + into.length + " the header promises");
    }
  }
}
