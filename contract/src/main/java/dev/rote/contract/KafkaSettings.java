package dev.rote.contract;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How a Rote component reaches Kafka: the user's client properties, passed through unchanged
 * (security settings included), plus the bootstrap servers when given on the command line.
 * Components add their own defaults only where the user set nothing ({@link #with}).
 *
 * @param properties the client properties as the user gave them
 */
public record KafkaSettings(Map<String, Object> properties) {

  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  public KafkaSettings {
    properties = Map.copyOf(properties);
  }

  /**
   * Reads a properties file (may be {@code null}) and applies {@code bootstrapServers} (may be
   * {@code null}) on top of it. Falls back to {@value #DEFAULT_BOOTSTRAP} when neither names one.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read
   */
  public static KafkaSettings load(String bootstrapServers, Path propertiesFile) {
    Map<String, Object> props = new HashMap<>();
    if (propertiesFile != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(propertiesFile)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read Kafka properties file " + propertiesFile + ": " + e.getMessage(), e);
      }
      p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
    }
    if (bootstrapServers != null && !bootstrapServers.isBlank()) {
      props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }
    props.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP);
    return new KafkaSettings(props);
  }

  /** Settings reaching the given bootstrap servers with no other properties. */
  public static KafkaSettings of(String bootstrapServers) {
    return load(bootstrapServers, null);
  }

  public String bootstrapServers() {
    return String.valueOf(properties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
  }

  /**
   * The user's properties with {@code defaults} added where the user gave no value.
   *
   * @return a new mutable map, ready for a Kafka client constructor
   */
  public Map<String, Object> with(Map<String, ?> defaults) {
    Map<String, Object> merged = new HashMap<>(properties);
    defaults.forEach(merged::putIfAbsent);
    return merged;
  }
}
