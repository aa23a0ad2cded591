package dev.rote.pipeline;

import dev.rote.alerting.AlertingService;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerService;
import dev.rote.broker.BrokerSecurity;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.broker.SecurityFiles;
import dev.rote.broker.SecurityFiles.Role;
import dev.rote.contract.KafkaSettings;
import dev.rote.service.KafkaOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Rote's whole server side in one process: an embedded Kafka broker with Rote's topics, the
 * analyzer and the alerting service, each a real Kafka Streams application. Behind the demo, the
 * experiment, benchmarks and the integration tests.
 */
public final class LocalPipeline implements AutoCloseable {

  private final EmbeddedKafkaBroker broker;
  private final KafkaSettings kafka;
  private final SecurityFiles security;
  private final AnalyzerService analyzer;
  private final AlertingService alerting;

  private LocalPipeline(EmbeddedKafkaBroker broker, KafkaSettings kafka, SecurityFiles security,
      AnalyzerService analyzer, AlertingService alerting) {
    this.broker = broker;
    this.kafka = kafka;
    this.security = security;
    this.analyzer = analyzer;
    this.alerting = alerting;
  }

  /**
   * @param port broker port, 0 for a free one
   * @param analyzerConfig the analyzer's settings
   * @param rules the alerting service's rules
   * @param registry where both services' meters go
   */
  public static LocalPipeline start(int port, AnalyzerConfig analyzerConfig, RuleSet rules, MeterRegistry registry)
      throws InterruptedException {
    return start(port, analyzerConfig, rules, registry, null);
  }

  /**
   * The pipeline on a secured broker ({@link BrokerSecurity}) when {@code securityDir} is given: the
   * analyzer and the alerting service connect with their roles' client files, and {@link #kafka(Role)}
   * gives every other role's settings.
   *
   * @param securityDir the files of {@code ./rote security init}, or {@code null} for a plaintext broker
   */
  public static LocalPipeline start(int port, AnalyzerConfig analyzerConfig, RuleSet rules, MeterRegistry registry,
      Path securityDir) throws InterruptedException {
    SecurityFiles security = securityDir == null ? null : SecurityFiles.load(securityDir);
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, null,
        security == null ? null : BrokerSecurity.load(securityDir));
    AnalyzerService analyzer = null;
    AlertingService alerting = null;
    try {
      KafkaSettings kafka = KafkaOptions.connect(broker.bootstrapServers(),
          security == null ? null : security.clientProperties(Role.ADMIN), 6, "30d");
      analyzer = new AnalyzerService(settings(broker, security, Role.ANALYZER, kafka), analyzerConfig, registry,
          tempDir("rote-analyzer-"), 1);
      alerting = new AlertingService(settings(broker, security, Role.ALERTING, kafka), rules,
          AlertingService.DEFAULT_APPLICATION_ID, registry, tempDir("rote-alerting-"));
      analyzer.start(Duration.ofSeconds(60));
      alerting.start(Duration.ofSeconds(60));
      return new LocalPipeline(broker, kafka, security, analyzer, alerting);
    } catch (RuntimeException | InterruptedException e) {
      if (alerting != null) {
        alerting.close(Duration.ofSeconds(5));
      }
      if (analyzer != null) {
        analyzer.close(Duration.ofSeconds(5));
      }
      broker.close();
      throw e;
    }
  }

  /** The embedded broker. */
  public EmbeddedKafkaBroker broker() {
    return broker;
  }

  private static KafkaSettings settings(EmbeddedKafkaBroker broker, SecurityFiles security, Role role,
      KafkaSettings plain) {
    return security == null ? plain : KafkaSettings.load(broker.bootstrapServers(), security.clientProperties(role));
  }

  /** How clients reach the embedded broker; on a secured broker, as the {@code admin} role. */
  public KafkaSettings kafka() {
    return kafka;
  }

  /** How a client of {@code role} reaches the embedded broker (on a plaintext broker, as {@link #kafka()}). */
  public KafkaSettings kafka(Role role) {
    return settings(broker, security, role, kafka);
  }

  public AnalyzerService analyzer() {
    return analyzer;
  }

  public AlertingService alerting() {
    return alerting;
  }

  /** A temporary directory deleted when the JVM exits, e.g. a Kafka Streams state directory. */
  public static Path tempDir(String prefix) {
    try {
      Path dir = Files.createTempDirectory(prefix);
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    alerting.close(Duration.ofSeconds(10));
    analyzer.close(Duration.ofSeconds(10));
    broker.close();
  }
}
