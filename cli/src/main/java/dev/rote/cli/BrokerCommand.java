package dev.rote.cli;

import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.service.KafkaOptions;
import dev.rote.service.ServiceShell;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true,
    description = "Run a single-node KRaft Kafka broker inside this JVM on 127.0.0.1, with Rote's "
        + "topics created, until interrupted.")
final class BrokerCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
      description = "Client port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Log directory, kept between starts (default: a temporary directory deleted at exit).")
  Path dataDir;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
      description = "Partitions of Rote's topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--retention", paramLabel = "DURATION", defaultValue = "30d",
      description = "Retention of run data, e.g. 7d, 12h, forever (default: ${DEFAULT-VALUE}).")
  String retention;

  @Override
  public Integer call() throws InterruptedException {
    KafkaOptions.parseRetention(retention);
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, dataDir);
    CountDownLatch stopped = ServiceShell.onShutdown("rote-broker-shutdown", broker::close);
    KafkaOptions.connect(broker.bootstrapServers(), null, partitions, retention);
    System.out.printf("Kafka broker ready at %s (data in %s). Ctrl-C stops it.%n",
        broker.bootstrapServers(), broker.dataDir());
    stopped.await();
    return 0;
  }
}
