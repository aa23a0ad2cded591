package dev.rote.cli;

import dev.rote.broker.BrokerSecurity;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.service.KafkaOptions;
import dev.rote.service.ServiceShell;
import java.nio.file.Path;
import java.time.Duration;
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

  @Option(names = "--secure", paramLabel = "DIR",
      description = "Secure the broker with the files of ./rote security init in DIR: clients on SASL_SSL "
          + "(SCRAM-SHA-512) with DIR/<role>.properties, ACLs per role, TLS with client certificates between "
          + "broker and controller.")
  Path secure;

  @Override
  public Integer call() throws InterruptedException {
    KafkaOptions.parseRetention(retention);
    BrokerSecurity security = secure == null ? null : BrokerSecurity.load(secure);
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(port, dataDir, security);
    CountDownLatch stopped = ServiceShell.onShutdown("rote-broker-shutdown", broker::close);
    KafkaOptions.connect(new KafkaSettings(broker.adminClient()), partitions, retention, Duration.ofSeconds(30));
    System.out.printf("Kafka broker ready at %s (data in %s).%s Ctrl-C stops it.%n", broker.bootstrapServers(),
        broker.dataDir(), secure == null ? "" : String.format("%nSecured: SASL_SSL with SCRAM-SHA-512 and ACLs; "
            + "connect with --kafka-config %s/<role>.properties (trainer, analyzer, alerting, admin).", secure));
    stopped.await();
    return 0;
  }
}
