package dev.rote.cli;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerService;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start an embedded Kafka broker and train the reference MLP on Fashion-MNIST with "
        + "40% label noise, with live progress.")
final class DemoCommand implements Callable<Integer> {

  static final double DEFAULT_LABEL_NOISE = 0.4;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin TrainerOptions trainer;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
      description = "Port of the embedded broker; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
      description = "Serve Prometheus metrics on this port at /metrics; 0 for none (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  private static java.nio.file.Path stateDir() {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("rote-demo-streams-");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public Integer call() {
    if (!trainer.randomLabels && !spec.commandLine().getParseResult().hasMatchedOption("--label-noise")) {
      trainer.labelNoise = DEFAULT_LABEL_NOISE;
    }
    TrainCommand.Prepared run = TrainCommand.prepare(trainer);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, null);
        MetricsEndpoint metrics = new MetricsEndpoint("demo", metricsPort)) {
      System.out.printf("embedded Kafka broker at %s%n", broker.bootstrapServers());
      KafkaSettings settings = KafkaOptions.connect(broker.bootstrapServers(), null, 6, "30d");
      try (AnalyzerService analyzer = new AnalyzerService(settings, AnalyzerConfig.defaults(), metrics.registry(),
              stateDir(), 1);
          IndicatorWatch watch = new IndicatorWatch(settings, run.options().telemetry().runId())) {
        analyzer.start(Duration.ofSeconds(60));
        System.out.println("analyzer running");
        TrainCommand.train(run, settings, metrics.registry(), System.out, watch::summary);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    return 0;
  }

}
