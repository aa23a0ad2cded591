package dev.rote.bench;

import java.util.SplittableRandom;

/** Deterministic inputs shaped like what trainers send. */
final class SyntheticData {

  private SyntheticData() {}

  /** An m×n matrix shaped like ReLU activations: half zeros, the rest uniform in [0, 1). */
  static float[] reluLike(int m, int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] a = new float[m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextDouble() < 0.5 ? 0f : (float) rnd.nextDouble();
    }
    return a;
  }
}
