package dev.rote.service;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * How a command reaches Kafka: {@code --bootstrap-servers}, a client properties file passed through
 * unchanged, and how Rote creates its topics where they are missing ({@code --partitions},
 * {@code --retention}). A picocli mixin of every command that talks to a cluster.
 */
public final class KafkaOptions {

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers (default: from --kafka-config, else "
          + KafkaSettings.DEFAULT_BOOTSTRAP + ").")
  String bootstrapServers;

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Kafka client properties passed through unchanged (security settings included).")
  Path kafkaConfig;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
      description = "Partitions of topics Rote creates (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--retention", paramLabel = "DURATION", defaultValue = "30d",
      description = "How long run data stays replayable when Rote creates the topics, e.g. 7d, 12h, "
          + "forever (default: ${DEFAULT-VALUE}).")
  String retention;

  /**
   * Connects to the cluster at {@code bootstrapServers} (with the client properties of
   * {@code kafkaConfig}, may be null) and creates Rote's missing topics.
   */
  public static KafkaSettings connect(String bootstrapServers, Path kafkaConfig, int partitions,
      String retention) {
    KafkaOptions k = new KafkaOptions();
    k.bootstrapServers = bootstrapServers;
    k.kafkaConfig = kafkaConfig;
    k.partitions = partitions;
    k.retention = retention;
    return k.connect(Duration.ofSeconds(30));
  }

  /** The client settings of these options, without connecting. */
  public KafkaSettings settings() {
    return KafkaSettings.load(bootstrapServers, kafkaConfig);
  }

  /**
   * A retention such as {@code 30d}, {@code 12h}, {@code 90m}, {@code 3600s}, {@code 500ms}, or null
   * for {@code forever}.
   *
   * @throws IllegalArgumentException naming {@code --retention} when the text is none of these
   */
  public static Duration parseRetention(String text) {
    String t = text.trim().toLowerCase();
    if (t.equals("forever") || t.equals("-1")) {
      return null;
    }
    return CommandLines.parseDuration("--retention", text, "30d, 12h, 90m, 3600s, 500ms or forever");
  }

  /**
   * Checks that the cluster answers and creates Rote's missing topics.
   *
   * @throws IllegalStateException naming the bootstrap servers when the cluster does not answer
   */
  public KafkaSettings connect(Duration timeout) {
    return connect(settings(), partitions, retention, timeout);
  }

  /**
   * Checks that the cluster at {@code kafka} answers and creates Rote's missing topics.
   *
   * @throws IllegalStateException naming the bootstrap servers when the cluster does not answer, or
   *     saying so when the credentials may not create a missing topic
   */
  public static KafkaSettings connect(KafkaSettings kafka, int partitions, String retention, Duration timeout) {
    Duration keep = parseRetention(retention);
    Map<String, Object> props = kafka.with(Map.of(
        AdminClientConfig.CLIENT_ID_CONFIG, "rote-admin",
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()));
    try (Admin admin = Admin.create(props)) {
      admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<String> created;
      try {
        created = new TopicProvisioner(partitions, keep).ensureTopics(admin, timeout);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof AuthorizationException denied) {
          throw new IllegalStateException("Kafka at " + kafka.bootstrapServers() + " lacks some of Rote's topics and "
              + "these credentials (--kafka-config) may not create them; create them as an admin (./rote security "
              + "provision, or any command with the admin role's file): " + denied.getMessage(), denied);
        }
        throw e;
      }
      if (!created.isEmpty()) {
        LoggerFactory.getLogger(KafkaOptions.class).info("created topics {}", created);
      }
      return kafka;
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException("cannot reach Kafka at " + kafka.bootstrapServers()
          + " (--bootstrap-servers): " + (e.getCause() == null ? "no answer within " + timeout.toSeconds()
          + " s" : e.getCause().getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to Kafka", e);
    }
  }
}
