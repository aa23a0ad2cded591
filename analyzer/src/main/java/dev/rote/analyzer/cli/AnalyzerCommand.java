package dev.rote.analyzer.cli;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerService;
import dev.rote.analyzer.CaughtUpCommits;
import dev.rote.contract.KafkaSettings;
import dev.rote.metrics.MetricsEndpoint;
import dev.rote.service.CommandLines;
import dev.rote.service.EvictionOptions;
import dev.rote.service.KafkaOptions;
import dev.rote.service.MetricsOptions;
import dev.rote.service.ServiceShell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rote analyzer}: runs the analyzer until Ctrl-C. */
@Command(name = "analyzer", mixinStandardHelpOptions = true,
    description = "Run the Kafka Streams analyzer: telemetry in, memorization indicators out. Start more "
        + "instances with the same --application-id to scale out.")
public final class AnalyzerCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;
  @Mixin MetricsOptions metrics;
  @Mixin EvictionOptions eviction;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9401",
      description = "Serve Prometheus metrics on this port at /metrics; 0 for none (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--application-id", paramLabel = "ID", defaultValue = AnalyzerConfig.DEFAULT_APPLICATION_ID,
      description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
      description = "Stream threads in this instance (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Local state directory (default: Kafka Streams' own).")
  Path stateDir;

  @Option(names = "--window-steps", paramLabel = "N", defaultValue = "0",
      description = "Rolling window of batch indicators in steps; 0 for one epoch (default: ${DEFAULT-VALUE}).")
  int windowSteps;

  @Option(names = "--emit-every", paramLabel = "N", defaultValue = "10",
      description = "Emit batch indicators every N steps (default: ${DEFAULT-VALUE}).")
  int emitEvery;

  @Option(names = "--commit-when-caught-up", paramLabel = "DURATION", defaultValue = "200ms",
      description = "Commit right after emitting indicators for a record at most this old (analyzer clock minus "
          + "the record's timestamp, either sign) instead of waiting for commit.interval.ms; 0 for never "
          + "(default: ${DEFAULT-VALUE}).")
  String commitWhenCaughtUp;

  @Option(names = "--commit-min-interval", paramLabel = "DURATION", defaultValue = "20ms",
      description = "At most one such commit per stream thread this often (default: ${DEFAULT-VALUE}).")
  String commitMinInterval;

  @Override
  public Integer call() throws InterruptedException {
    MetricsEndpoint.Address address = metrics.address(metricsPort);
    AnalyzerConfig config = AnalyzerConfig.defaults().withApplicationId(applicationId).withWindow(windowSteps, emitEvery)
        .withEvictAfter(eviction.grace()).withCaughtUpCommits(caughtUpCommits());
    KafkaSettings settings = kafka.connect(Duration.ofSeconds(15));
    ServiceShell.run("analyzer", address, registry -> new AnalyzerService(settings, config, registry, stateDir,
        threads), () -> System.out.printf("analyzer %s running against %s%s. Ctrl-C stops it.%n", applicationId,
        settings.bootstrapServers(), ServiceShell.metricsNote(address)));
    return 0;
  }

  /**
   * The requested-commit policy of the two options.
   *
   * @throws IllegalArgumentException naming the option whose value is not a duration
   */
  CaughtUpCommits caughtUpCommits() {
    return new CaughtUpCommits(duration("--commit-when-caught-up", commitWhenCaughtUp),
        duration("--commit-min-interval", commitMinInterval));
  }

  private static Duration duration(String option, String text) {
    return text.trim().equals("0") ? Duration.ZERO : CommandLines.parseDuration(option, text, "200ms, 1s or 0");
  }
}
