package dev.rote.reference.experiment;

/** A matrix file that cannot be used; the message names the file, line and field. */
public final class MatrixException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public MatrixException(String message) {
    super(message);
  }

  public MatrixException(String message, Throwable cause) {
    super(message, cause);
  }
}
