package dev.rote.trainer.internal;

import java.util.Arrays;

/**
 * Dense example ids from the content of input rows: each row is hashed (64 bits over the exact
 * bits of its floats) and distinct hashes get ids 0, 1, 2, ... in first-seen order. Identical rows
 * share an id. Not thread-safe; the listener uses it from the sink's sender thread only, where
 * records are built in order.
 */
public final class ContentIds {

  private long[] keys = new long[1024];
  private int[] values = new int[1024];
  private int size;

  public ContentIds() {
    Arrays.fill(values, -1);
  }

  /** Ids of the {@code rows} rows of a row-major matrix. */
  public long[] ids(float[] data, int rows) {
    long[] out = new long[rows];
    int width = rows == 0 ? 0 : data.length / rows;
    for (int r = 0; r < rows; r++) {
      out[r] = idOf(hash(data, r * width, width));
    }
    return out;
  }

  /** Number of distinct rows seen. */
  public int size() {
    return size;
  }

  /** 64-bit hash of {@code len} floats from {@code from}; a murmur-style mix of their raw bits. */
  static long hash(float[] data, int from, int len) {
    long h = 0x9E3779B97F4A7C15L ^ len;
    int end = from + len;
    int i = from;
    for (; i + 1 < end; i += 2) {
      long k = (Float.floatToRawIntBits(data[i]) & 0xFFFFFFFFL) | ((long) Float.floatToRawIntBits(data[i + 1]) << 32);
      k *= 0x87C37B91114253D5L;
      k = Long.rotateLeft(k, 31);
      k *= 0x4CF5AD432745937FL;
      h ^= k;
      h = Long.rotateLeft(h, 27) * 5 + 0x52DCE729;
    }
    if (i < end) {
      long k = Float.floatToRawIntBits(data[i]) & 0xFFFFFFFFL;
      k *= 0x87C37B91114253D5L;
      k = Long.rotateLeft(k, 31);
      h ^= k * 0x4CF5AD432745937FL;
    }
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }

  private int idOf(long key) {
    int mask = keys.length - 1;
    int slot = (int) (key ^ (key >>> 32)) & mask;
    while (values[slot] >= 0) {
      if (keys[slot] == key) {
        return values[slot];
      }
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    values[slot] = size;
    if (++size * 2 > keys.length) {
      grow();
    }
    return size - 1;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    Arrays.fill(values, -1);
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] >= 0) {
        int slot = (int) (oldKeys[i] ^ (oldKeys[i] >>> 32)) & mask;
        while (values[slot] >= 0) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        values[slot] = oldValues[i];
      }
    }
  }
}
