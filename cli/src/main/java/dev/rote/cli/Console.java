package dev.rote.cli;

import dev.rote.contract.v1.RunStatus;
import java.util.Locale;

/** Small formatting helpers for terminal output. */
final class Console {

  private Console() {}

  static String status(RunStatus s) {
    return switch (s) {
      case RUN_STATUS_RUNNING -> "running";
      case RUN_STATUS_COMPLETED -> "completed";
      case RUN_STATUS_STOPPED -> "stopped";
      case RUN_STATUS_FAILED -> "failed";
      default -> s.name().toLowerCase(Locale.ROOT);
    };
  }
}
