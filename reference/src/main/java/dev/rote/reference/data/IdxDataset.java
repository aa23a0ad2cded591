package dev.rote.reference.data;

import dev.rote.contract.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A classification dataset in the MNIST IDX layout: a directory holding
 * {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 * {@code t10k-images-idx3-ubyte[.gz]} and {@code t10k-labels-idx1-ubyte[.gz]}, as MNIST and
 * Fashion-MNIST ship. Pixels are kept as unsigned bytes and scaled to [0, 1] floats on demand
 * ({@link #fillFeatures}). Immutable: accessors return copies.
 */
public final class IdxDataset {

  private final String name;
  private final int numClasses;
  private final int rows;
  private final int cols;
  private final byte[] trainPixels;
  private final int[] trainLabels;
  private final byte[] testPixels;
  private final int[] testLabels;

  private IdxDataset(String name, int numClasses, int rows, int cols, byte[] trainPixels, int[] trainLabels,
      byte[] testPixels, int[] testLabels) {
    this.name = name;
    this.numClasses = numClasses;
    this.rows = rows;
    this.cols = cols;
    this.trainPixels = trainPixels;
    this.trainLabels = trainLabels;
    this.testPixels = testPixels;
    this.testLabels = testLabels;
  }

  /**
   * Loads and validates a dataset directory (the {@code --data} option). A gzipped file is
   * preferred over a plain one of the same name.
   *
   * @param numClasses labels must lie in [0, numClasses); 10 for MNIST and Fashion-MNIST
   * @throws DatasetException naming the directory or file at fault: the directory is missing or
   *     unreadable, a file is missing or malformed, image and label counts differ, a label is out of
   *     range, or training and test images differ in shape
   */
  public static IdxDataset load(Path dir, int numClasses) {
    if (numClasses < 2 || numClasses > 256) {
      throw new IllegalArgumentException("numClasses must be in [2, 256], was " + numClasses);
    }
    return read(dir, numClasses);
  }

  /**
   * Loads and validates a dataset directory whose class count is its labels': the largest label in
   * the training or test split, plus one (at least 2), so labels 0..K-1 give K classes, as in
   * MNIST, Fashion-MNIST, KMNIST or EMNIST's digits and balanced splits (a set labelled 1..K, such
   * as EMNIST letters, gets K + 1 classes, class 0 without examples). At most {@link Labels#MAX_CLASSES}.
   *
   * @throws DatasetException as {@link #load(Path, int)} does, and naming the limit when a label is
   *     {@link Labels#MAX_CLASSES} or more
   */
  public static IdxDataset load(Path dir) {
    return read(dir, 0);
  }

  /** {@code numClasses} 0: the labels' own count. */
  private static IdxDataset read(Path dir, int numClasses) {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException("dataset directory " + dir + " (--data) does not exist or is not a directory");
    }
    if (!Files.isReadable(dir)) {
      throw new DatasetException("dataset directory " + dir + " (--data) is not readable");
    }
    String[] names = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte"};
    Path[] files = new Path[names.length];
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      Path gz = dir.resolve(names[i] + ".gz");
      Path plain = dir.resolve(names[i]);
      files[i] = Files.isRegularFile(gz) ? gz : Files.isRegularFile(plain) ? plain : null;
      if (files[i] == null) {
        missing.add(names[i] + "[.gz]");
      }
    }
    if (!missing.isEmpty()) {
      throw new DatasetException("dataset directory " + dir + " (--data) lacks " + String.join(", ", missing));
    }
    IdxImages train = IdxReader.readImages(files[0]);
    int[] trainLabels = IdxReader.readLabels(files[1]);
    IdxImages test = IdxReader.readImages(files[2]);
    int[] testLabels = IdxReader.readLabels(files[3]);
    checkCounts(files[0], train.count(), files[1], trainLabels.length);
    checkCounts(files[2], test.count(), files[3], testLabels.length);
    if (numClasses == 0) {
      int largest = Math.max(maxLabel(trainLabels), maxLabel(testLabels));
      if (largest >= Labels.MAX_CLASSES) {
        throw new DatasetException(dir + " (--data) has labels up to " + largest + ": Rote monitors at most "
            + Labels.MAX_CLASSES + " classes (labels 0.." + (Labels.MAX_CLASSES - 1) + ")");
      }
      numClasses = Math.max(2, largest + 1);
    }
    checkLabels(files[1], trainLabels, numClasses);
    checkLabels(files[3], testLabels, numClasses);
    if (train.rows() != test.rows() || train.cols() != test.cols()) {
      throw new DatasetException(files[0] + " holds " + train.rows() + "x" + train.cols() + " images but "
          + files[2] + " holds " + test.rows() + "x" + test.cols());
    }
    return new IdxDataset(dir.getFileName() == null ? dir.toString() : dir.getFileName().toString(),
        numClasses, train.rows(), train.cols(), train.pixels(), trainLabels, test.pixels(), testLabels);
  }

  /**
   * The same dataset with only the first {@code n} training examples; the test split is kept.
   *
   * @throws DatasetException naming {@code --train-size} when n is outside [1, trainSize()]
   */
  public IdxDataset subsetTrain(int n) {
    if (n < 1 || n > trainLabels.length) {
      throw new DatasetException("--train-size must be in [1, " + trainLabels.length + "], was " + n
          + (n > trainLabels.length ? " (" + name + " has " + trainLabels.length + " training examples; --train-size 0 "
              + "trains on all of them)" : ""));
    }
    return new IdxDataset(name, numClasses, rows, cols, Arrays.copyOf(trainPixels, n * inputSize()),
        Arrays.copyOf(trainLabels, n), testPixels, testLabels);
  }

  /**
   * The same dataset measured on the first {@code n} test examples only (for quick runs).
   *
   * @throws DatasetException when {@code n} is not in [1, test size]
   */
  public IdxDataset subsetTest(int n) {
    if (n < 1 || n > testLabels.length) {
      throw new DatasetException("test size must be in [1, " + testLabels.length + "], was " + n);
    }
    return new IdxDataset(name, numClasses, rows, cols, trainPixels, trainLabels,
        Arrays.copyOf(testPixels, n * inputSize()), Arrays.copyOf(testLabels, n));
  }

  /**
   * Writes the features of the given examples, scaled to [0, 1], into {@code out} row-major
   * ({@code indices.length x inputSize()}): pixel byte {@code b} becomes {@code (b & 0xff) / 255f}.
   *
   * @param train the training split when true, the test split otherwise
   * @param indices example indices in that split
   * @param out at least {@code indices.length * inputSize()} floats
   * @throws IllegalArgumentException when {@code out} is too small or an index is out of range
   */
  public void fillFeatures(boolean train, int[] indices, float[] out) {
    byte[] pixels = train ? trainPixels : testPixels;
    int size = train ? trainLabels.length : testLabels.length;
    int d = inputSize();
    if (out.length < (long) indices.length * d) {
      throw new IllegalArgumentException("out holds " + out.length + " floats, needs " + (long) indices.length * d);
    }
    for (int r = 0; r < indices.length; r++) {
      if (indices[r] < 0 || indices[r] >= size) {
        throw new IllegalArgumentException((train ? "train" : "test") + " example index " + indices[r]
            + " is out of range [0, " + size + ")");
      }
      int src = indices[r] * d;
      int dst = r * d;
      for (int j = 0; j < d; j++) {
        out[dst + j] = (pixels[src + j] & 0xff) / 255f;
      }
    }
  }

  /** The dataset directory's name, e.g. {@code fashion-mnist}. */
  public String name() {
    return name;
  }

  /** Number of classes; labels lie in [0, numClasses). */
  public int numClasses() {
    return numClasses;
  }

  /** Pixel rows per image. */
  public int rows() {
    return rows;
  }

  /** Pixel columns per image. */
  public int cols() {
    return cols;
  }

  /** Features per example: {@code rows() * cols()}. */
  public int inputSize() {
    return rows * cols;
  }

  /** Number of training examples. */
  public int trainSize() {
    return trainLabels.length;
  }

  /** Number of test examples. */
  public int testSize() {
    return testLabels.length;
  }

  /** Training images as stored; a copy. */
  public IdxImages trainImages() {
    return new IdxImages(trainLabels.length, rows, cols, trainPixels.clone());
  }

  /** Test images as stored; a copy. */
  public IdxImages testImages() {
    return new IdxImages(testLabels.length, rows, cols, testPixels.clone());
  }

  /** Training labels as stored (before any noise); a copy. */
  public int[] trainLabels() {
    return trainLabels.clone();
  }

  /** Test labels; a copy. */
  public int[] testLabels() {
    return testLabels.clone();
  }

  private static void checkCounts(Path images, int imageCount, Path labels, int labelCount) {
    if (imageCount != labelCount) {
      throw new DatasetException(images + " holds " + imageCount + " images but " + labels + " holds "
          + labelCount + " labels");
    }
  }

  private static int maxLabel(int[] labels) {
    int max = 0;
    for (int l : labels) {
      max = Math.max(max, l);
    }
    return max;
  }

  private static void checkLabels(Path file, int[] labels, int numClasses) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new DatasetException(file + ": label " + labels[i] + " at index " + i
            + " is out of range [0, " + numClasses + ")");
      }
    }
  }
}
