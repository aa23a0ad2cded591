package dev.rote.reference.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads files in the IDX format of MNIST and Fashion-MNIST, gzipped (name ends in {@code .gz}) or
 * plain: images (magic {@code 0x00000803}: unsigned bytes, dimensions count, rows, cols) and labels
 * (magic {@code 0x00000801}: unsigned bytes, dimension count). Reading is strict: a wrong magic
 * number, a dimension below 1, fewer data bytes than the header promises and bytes after them are
 * all rejected with a {@link DatasetException} whose message names the file.
 */
public final class IdxReader {

  /** Magic number of an IDX file of unsigned-byte images with 3 dimensions. */
  public static final int IMAGES_MAGIC = 0x00000803;
  /** Magic number of an IDX file of unsigned-byte labels with 1 dimension. */
  public static final int LABELS_MAGIC = 0x00000801;

  private static final int BUFFER = 1 << 16;

  private IdxReader() {}

  /**
   * Reads an images file.
   *
   * @throws DatasetException naming the file when it is missing, unreadable or malformed
   */
  public static IdxImages readImages(Path file) {
    try (DataInputStream in = open(file)) {
      checkMagic(file, header(file, in), IMAGES_MAGIC);
      int count = dimension(file, "image count", header(file, in));
      int rows = dimension(file, "rows", header(file, in));
      int cols = dimension(file, "cols", header(file, in));
      long size = (long) count * rows * cols;
      if (size > Integer.MAX_VALUE - 8) {
        throw new DatasetException(file + ": " + count + " images of " + rows + "x" + cols + " are too many");
      }
      byte[] pixels = new byte[(int) size];
      readBody(file, in, pixels);
      return new IdxImages(count, rows, cols, pixels);
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a labels file; labels come back as ints in [0, 255].
   *
   * @throws DatasetException naming the file when it is missing, unreadable or malformed
   */
  public static int[] readLabels(Path file) {
    try (DataInputStream in = open(file)) {
      checkMagic(file, header(file, in), LABELS_MAGIC);
      int count = dimension(file, "label count", header(file, in));
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
    if (!Files.isReadable(file)) {
      throw new DatasetException(file + ": not readable");
    }
    InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new BufferedInputStream(new GZIPInputStream(in, BUFFER), BUFFER);
    }
    return new DataInputStream(in);
  }

  private static int header(Path file, DataInputStream in) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new DatasetException(file + ": truncated, the file ends inside its header");
    }
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
    int next;
    try {
      next = in.read();
    } catch (EOFException e) {
      // All data bytes arrived but the gzip trailer did not.
      throw new DatasetException(file + ": truncated, the gzip stream ends early");
    }
    if (next != -1) {
      throw new DatasetException(file + ": has bytes after the " + into.length + " the header promises");
    }
  }
}
