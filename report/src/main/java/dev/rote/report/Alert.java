package dev.rote.report;

import java.util.Objects;

/**
 * An alert the alerting service raised during a run.
 *
 * @param step the training step it refers to, {@code >= 0}
 * @param rule the name of the rule that fired
 * @param action what the rule asked for, e.g. {@code "STOP"} or {@code "WARN"}
 * @param reason the human-readable reason the rule gave
 */
public record Alert(long step, String rule, String action, String reason) {

  public Alert {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, was " + step);
    }
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(reason, "reason");
  }
}
