package dev.rote.report;

import dev.rote.report.internal.Json;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads and writes {@link ExperimentResults} as pretty-printed UTF-8 JSON with snake_case property
 * names. Every property is written, absent values as {@code null}; reading rejects unknown properties
 * and {@code null} for numbers that cannot be absent.
 */
public final class ExperimentJson {

  private ExperimentJson() {}

  /** Writes {@code results} to {@code file}, creating parent directories and replacing any existing file. */
  public static void write(ExperimentResults results, Path file) throws IOException {
    Json.write(results, file);
  }

  /**
   * Reads results written by {@link #write}.
   *
   * @throws IOException when the file cannot be read or does not hold valid results
   */
  public static ExperimentResults read(Path file) throws IOException {
    return Json.read(file, ExperimentResults.class);
  }
}
