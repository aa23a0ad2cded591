package dev.rote.analyzer.cli;

import dev.rote.service.CommandLines;

/**
 * The entry point of the analyzer image: {@code rote analyzer [options]}, as {@code ./rote analyzer}
 * takes them, on the analyzer module's classpath alone (no ND4J).
 */
public final class AnalyzerMain {

  private AnalyzerMain() {}

  public static void main(String[] args) {
    System.exit(CommandLines.executeService(new AnalyzerCommand(), args));
  }
}
