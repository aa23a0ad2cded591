package dev.rote.alerting;

/** A rules file that cannot be used; the message names the file, line and field. */
public final class RulesException extends IllegalArgumentException {

  public RulesException(String message) {
    super(message);
  }

  public RulesException(String message, Throwable cause) {
    super(message, cause);
  }
}
