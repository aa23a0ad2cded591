package dev.rote.reference.data;

/** A dataset that cannot be used, with a message naming the file, directory or option at fault. */
public final class DatasetException extends IllegalArgumentException {

  public DatasetException(String message) {
    super(message);
  }

  public DatasetException(String message, Throwable cause) {
    super(message, cause);
  }
}
