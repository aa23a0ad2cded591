package dev.rote.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes {@link ExperimentResults} as pretty-printed UTF-8 JSON with snake_case property
 * names. Every property is written, absent values as {@code null}; reading rejects unknown properties
 * and {@code null} for numbers that cannot be absent.
 */
public final class ExperimentJson {

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .defaultPropertyInclusion(JsonInclude.Value.construct(Include.ALWAYS, Include.ALWAYS))
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private ExperimentJson() {}

  /** Writes {@code results} to {@code file}, creating parent directories and replacing any existing file. */
  public static void write(ExperimentResults results, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    MAPPER.writeValue(file.toFile(), results);
  }

  /**
   * Reads results written by {@link #write}.
   *
   * @throws IOException when the file cannot be read or does not hold valid results
   */
  public static ExperimentResults read(Path file) throws IOException {
    return MAPPER.readValue(file.toFile(), ExperimentResults.class);
  }
}
