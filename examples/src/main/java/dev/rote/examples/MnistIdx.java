package dev.rote.examples;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An MNIST-layout data set (MNIST, Fashion-MNIST) read from its four IDX files, gzipped or not:
 * {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 * {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}. DL4J's own MNIST iterators
 * download their files; this reads files that are already there. Pixels are scaled to [0, 1] and
 * flattened to rows of {@code rows * cols} values; labels are one-hot.
 *
 * @param train the training examples, in file order
 * @param trainLabels the training labels as trained (after label noise)
 * @param noisy how many training labels label noise changed
 * @param test the clean test examples, in file order
 */
public record MnistIdx(DataSet train, int[] trainLabels, int noisy, DataSet test) {

  /** Classes of MNIST and Fashion-MNIST. */
  public static final int CLASSES = 10;

  /** Pixels of an image, 28x28. */
  public static final int PIXELS = 28 * 28;

  private static final int IMAGES_MAGIC = 0x803;
  private static final int LABELS_MAGIC = 0x801;

  /**
   * Reads the first {@code trainSize} training and {@code testSize} test examples (0: all) and
   * replaces exactly {@code round(labelNoise * trainSize)} training labels by another class, chosen
   * uniformly (symmetric label noise).
   *
   * @throws IllegalArgumentException naming the directory or file that is missing or malformed
   */
  public static MnistIdx load(Path dir, int trainSize, int testSize, double labelNoise, long seed) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("data directory " + dir + " does not exist (Fashion-MNIST on Debian: "
          + "sudo apt-get install dataset-fashion-mnist)");
    }
    int[] labels = labels(dir, "train-labels-idx1-ubyte", trainSize);
    DataSet train = new DataSet(images(dir, "train-images-idx3-ubyte", labels.length), null);
    int[] testLabels = labels(dir, "t10k-labels-idx1-ubyte", testSize);
    DataSet test = new DataSet(images(dir, "t10k-images-idx3-ubyte", testLabels.length), oneHot(testLabels));
    int[] trained = labels.clone();
    int changed = symmetricNoise(trained, labelNoise, seed);
    train.setLabels(oneHot(trained));
    return new MnistIdx(train, trained, changed, test);
  }

  /**
   * Replaces exactly {@code round(fraction * n)} labels, chosen at random, by a different class
   * chosen uniformly among the other {@value #CLASSES}−1.
   *
   * @return how many labels changed
   */
  public static int symmetricNoise(int[] labels, double fraction, long seed) {
    Random random = new Random(seed);
    int[] order = new int[labels.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int k = (int) Math.round(fraction * labels.length);
    for (int i = 0; i < k; i++) {
      int at = order[i];
      labels[at] = (labels[at] + 1 + random.nextInt(CLASSES - 1)) % CLASSES;
    }
    return k;
  }

  private static int[] labels(Path dir, String name, int limit) {
    Path file = find(dir, name);
    try (DataInputStream in = open(file)) {
      int count = header(file, in, LABELS_MAGIC);
      int n = limit > 0 ? Math.min(limit, count) : count;
      byte[] raw = new byte[n];
      in.readFully(raw);
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = raw[i] & 0xff;
        if (labels[i] >= CLASSES) {
          throw new IllegalArgumentException(file + ": label " + labels[i] + " at " + i + " is not a class in [0, "
              + (CLASSES - 1) + "]");
        }
      }
      return labels;
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + ": truncated");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static INDArray images(Path dir, String name, int n) {
    Path file = find(dir, name);
    try (DataInputStream in = open(file)) {
      int count = header(file, in, IMAGES_MAGIC);
      int pixels = in.readInt() * in.readInt();
      if (pixels != PIXELS) {
        throw new IllegalArgumentException(file + ": images of " + pixels + " pixels; the examples expect 28x28");
      }
      if (count < n) {
        throw new IllegalArgumentException(file + ": " + count + " images for " + n + " labels");
      }
      byte[] raw = new byte[n * pixels];
      in.readFully(raw);
      float[] scaled = new float[raw.length];
      for (int i = 0; i < raw.length; i++) {
        scaled[i] = (raw[i] & 0xff) / 255f;
      }
      return Nd4j.create(scaled, new long[] {n, pixels}, 'c');
    } catch (EOFException e) {
      throw new IllegalArgumentException(file + ": truncated");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static INDArray oneHot(int[] labels) {
    INDArray y = Nd4j.zeros(DataType.FLOAT, labels.length, CLASSES);
    for (int i = 0; i < labels.length; i++) {
      y.putScalar(i, labels[i], 1f);
    }
    return y;
  }

  private static Path find(Path dir, String name) {
    for (Path p : new Path[] {dir.resolve(name + ".gz"), dir.resolve(name)}) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new IllegalArgumentException(dir + " has no " + name + " (nor " + name + ".gz)");
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in);
  }

  /** Checks the magic number and returns the item count. */
  private static int header(Path file, DataInputStream in, int magic) throws IOException {
    int found = in.readInt();
    if (found != magic) {
      throw new IllegalArgumentException(String.format("%s: IDX magic number 0x%08x, expected 0x%08x", file, found,
          magic));
    }
    return in.readInt();
  }
}
