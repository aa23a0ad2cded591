package dev.rote.analyzer.internal;

import dev.rote.contract.v1.ExampleColumns;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One batch summary's examples, waiting to be folded into the per-example statistics: 15 bytes per
 * example. Batches are kept as they come (one store entry per batch) and folded into the
 * {@link ExampleStats} chunks at most about once per pass over the training set, so that a batch of
 * randomly drawn examples costs one store write instead of one per chunk it touches.
 */
record PendingBatch(long step, int[] ids, byte[] labels, byte[] predicted, float[] losses, float[] margins,
    byte[] flags) {

  static final byte HAS_MARGIN = 1;
  static final byte NOISE_KNOWN = 2;
  static final byte NOISY = 4;

  private static final byte FORMAT = 1;

  /** The rows of a validated batch whose example ids are all present. */
  static PendingBatch of(long step, ExampleColumns e) {
    int n = e.getLabelCount();
    boolean margins = e.getMarginCount() == n;
    boolean noise = e.getNoisyCount() == n;
    int[] ids = new int[n];
    byte[] labels = new byte[n];
    byte[] predicted = new byte[n];
    float[] losses = new float[n];
    float[] m = new float[n];
    byte[] flags = new byte[n];
    for (int i = 0; i < n; i++) {
      ids[i] = (int) e.getExampleId(i);
      labels[i] = (byte) e.getLabel(i);
      predicted[i] = (byte) e.getPredicted(i);
      losses[i] = e.getLoss(i);
      m[i] = margins ? e.getMargin(i) : Float.NaN;
      flags[i] = (byte) ((margins ? HAS_MARGIN : 0) | (noise ? NOISE_KNOWN : 0) | (noise && e.getNoisy(i) ? NOISY : 0));
    }
    return new PendingBatch(step, ids, labels, predicted, losses, m, flags);
  }

  int size() {
    return ids.length;
  }

  /** Adds one row, given column by column as a batch holds it, to {@code slot} of {@code chunk}. */
  static void presentTo(ExampleStats chunk, int slot, long step, byte label, byte predicted, float loss,
      float margin, byte flags) {
    chunk.present(slot, step, label, predicted, loss, (flags & HAS_MARGIN) != 0 ? margin : Float.NaN,
        (flags & NOISE_KNOWN) == 0 ? -1 : (flags & NOISY) != 0 ? 1 : 0);
  }

  byte[] toBytes() {
    int n = ids.length;
    ByteBuffer out = ByteBuffer.allocate(1 + 8 + 4 + n * 15);
    out.put(FORMAT).putLong(step).putInt(n);
    out.asIntBuffer().put(ids);
    out.position(out.position() + 4 * n);
    out.asFloatBuffer().put(losses).put(margins);
    out.position(out.position() + 8 * n);
    return out.put(labels).put(predicted).put(flags).array();
  }

  static PendingBatch fromBytes(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length < 13 || in.get() != FORMAT) {
      throw new IllegalStateException("pending suspect batch of " + bytes.length + " bytes is not format " + FORMAT);
    }
    long step = in.getLong();
    int n = in.getInt();
    if (n < 0 || bytes.length != 13 + 15L * n) {
      throw new IllegalStateException("pending suspect batch of " + bytes.length + " bytes cannot hold " + n + " rows");
    }
    int[] ids = new int[n];
    float[] losses = new float[n];
    float[] margins = new float[n];
    byte[] labels = new byte[n];
    byte[] predicted = new byte[n];
    byte[] flags = new byte[n];
    in.asIntBuffer().get(ids);
    in.position(in.position() + 4 * n);
    in.asFloatBuffer().get(losses).get(margins);
    in.position(in.position() + 8 * n);
    in.get(labels).get(predicted).get(flags);
    return new PendingBatch(step, ids, labels, predicted, losses, margins, flags);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingBatch p && Arrays.equals(toBytes(), p.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }
}
