package dev.rote.reference.data;

/**
 * Images of one IDX file: {@code count} images of {@code rows x cols} unsigned bytes, stored
 * row-major one image after the other in {@code pixels}.
 *
 * @param count number of images, >= 1
 * @param rows pixel rows per image, >= 1
 * @param cols pixel columns per image, >= 1
 * @param pixels {@code count * rows * cols} bytes; read them unsigned ({@code b & 0xff})
 */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {

  public IdxImages {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, was " + count);
    }
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be >= 1, was " + rows);
    }
    if (cols < 1) {
      throw new IllegalArgumentException("cols must be >= 1, was " + cols);
    }
    if (pixels.length != (long) count * rows * cols) {
      throw new IllegalArgumentException("pixels must hold count * rows * cols = "
          + (long) count * rows * cols + " bytes, was " + pixels.length);
    }
  }

  /** Pixels per image: {@code rows * cols}. */
  public int imageSize() {
    return rows * cols;
  }
}
