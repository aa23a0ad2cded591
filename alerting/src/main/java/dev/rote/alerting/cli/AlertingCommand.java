package dev.rote.alerting.cli;

import dev.rote.alerting.AlertingService;
import dev.rote.alerting.RuleSet;
import dev.rote.contract.KafkaSettings;
import dev.rote.metrics.MetricsEndpoint;
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

/** {@code rote alerting}: runs the alerting service until Ctrl-C. */
@Command(name = "alerting", mixinStandardHelpOptions = true,
    description = "Run the alerting service: indicators in, alerts and stop signals out. Start more "
        + "instances with the same --application-id to scale out.")
public final class AlertingCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;
  @Mixin MetricsOptions metrics;
  @Mixin RulesOption rules;
  @Mixin EvictionOptions eviction;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9402",
      description = "Serve Prometheus metrics on this port at /metrics; 0 for none (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--application-id", paramLabel = "ID", defaultValue = AlertingService.DEFAULT_APPLICATION_ID,
      description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Local state directory (default: Kafka Streams' own).")
  Path stateDir;

  @Override
  public Integer call() throws InterruptedException {
    MetricsEndpoint.Address address = metrics.address(metricsPort);
    RuleSet set = rules.load(System.err);
    Duration evictAfter = eviction.grace();
    KafkaSettings settings = kafka.connect(Duration.ofSeconds(15));
    ServiceShell.run("alerting", address, registry -> new AlertingService(settings, set, applicationId, registry,
        stateDir, evictAfter), () -> {
          System.out.printf("alerting %s running against %s with %s%s:%n", applicationId,
              settings.bootstrapServers(), rules.describe(), ServiceShell.metricsNote(address));
          set.rules().forEach(r -> System.out.println("  " + r.describe()));
          System.out.println("Ctrl-C stops it.");
        });
    return 0;
  }
}
