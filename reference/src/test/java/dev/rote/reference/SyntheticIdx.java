package dev.rote.reference;

import dev.rote.trainer.TelemetryConfig;
import dev.rote.reference.data.IdxReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a small learnable dataset in the IDX layout: 6x6 images of {@code classes} classes, each
 * class a random prototype (pixels uniform in [0, 255]) plus Gaussian pixel noise (sd 70, clipped),
 * so that classes overlap and memorizing noisy labels hurts clean accuracy.
 */
final class SyntheticIdx {

  static final int SIDE = 6;

  private SyntheticIdx() {}

  static Path write(Path dir, int trainSize, int testSize, int classes, long seed) throws IOException {
    Random rnd = new Random(seed);
    double[][] prototypes = new double[classes][SIDE * SIDE];
    for (double[] p : prototypes) {
      for (int j = 0; j < p.length; j++) {
        p[j] = rnd.nextDouble() * 255;
      }
    }
    split(dir, "train", trainSize, prototypes, rnd);
    split(dir, "t10k", testSize, prototypes, rnd);
    return dir;
  }

  /** Options of the reference trainer for this data: a small MLP, Adam at a rate that memorizes fast. */
  static TrainOptions options(Path dir, double labelNoise, int epochs) {
    return new TrainOptions(dir, labelNoise, 3, false, 0, epochs, 16, new int[] {64, 32}, 1e-2, 5, 1,
        TelemetryConfig.defaults("baseline-test"));
  }

  private static void split(Path dir, String prefix, int n, double[][] prototypes, Random rnd) throws IOException {
    int d = SIDE * SIDE;
    byte[] pixels = new byte[n * d];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % prototypes.length;
      for (int j = 0; j < d; j++) {
        double v = prototypes[labels[i]][j] + rnd.nextGaussian() * 70;
        pixels[i * d + j] = (byte) Math.max(0, Math.min(255, Math.round(v)));
      }
    }
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")))) {
      out.writeInt(IdxReader.IMAGES_MAGIC);
      out.writeInt(n);
      out.writeInt(SIDE);
      out.writeInt(SIDE);
      out.write(pixels);
    }
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
      out.writeInt(IdxReader.LABELS_MAGIC);
      out.writeInt(n);
      for (int l : labels) {
        out.writeByte(l);
      }
    }
  }
}
