package dev.rote.alerting.cli;

import dev.rote.service.CommandLines;

/**
 * The entry point of the alerting service image: {@code rote alerting [options]}, as
 * {@code ./rote alerting} takes them, on the alerting module's classpath alone.
 */
public final class AlertingMain {

  private AlertingMain() {}

  public static void main(String[] args) {
    System.exit(CommandLines.executeService(new AlertingCommand(), args));
  }
}
