package dev.rote.cli;

import dev.rote.broker.BrokerSecurity;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.broker.KafkaCluster;
import dev.rote.broker.KafkaNodeMain;
import dev.rote.broker.ServerProperties;
import dev.rote.service.KafkaOptions;
import dev.rote.service.ServiceShell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true,
    description = "Run Kafka on 127.0.0.1 with Rote's topics created, until interrupted: one KRaft broker "
        + "inside this JVM, or with --nodes 3 a KRaft cluster of separate processes.")
final class BrokerCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
      description = "Client port (default: ${DEFAULT-VALUE}); with --nodes, node N listens on PORT + N - 1.")
  int port;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "1",
      description = "Nodes (default: ${DEFAULT-VALUE}). More than one: each node (broker and controller) runs "
          + "in a process of its own; with 3 or more, topics get 3 replicas and min.insync.replicas=2.")
  int nodes;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Log directory (with --nodes: cluster directory, one node-N directory per node), kept "
          + "between starts (default: a temporary directory deleted at exit).")
  Path dataDir;

  @Option(names = "--node", paramLabel = "NODE_DIR",
      description = "Run one node of a cluster started with --nodes, on its directory (DIR/node-N): how a "
          + "killed node is restarted. Runs until interrupted.")
  Path nodeDir;

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
  public Integer call() throws InterruptedException, java.io.IOException {
    KafkaOptions.parseRetention(retention);
    if (nodes < 1) {
      throw new IllegalArgumentException("--nodes must be >= 1, was " + nodes);
    }
    if (nodeDir != null) {
      System.out.printf("Kafka node in %s; Ctrl-C stops it.%n", nodeDir);
      KafkaNodeMain.runNode(nodeDir);
      return 0;
    }
    if (secure != null && nodes > 1) {
      throw new IllegalArgumentException("--secure runs a single node; a cluster of --nodes " + nodes
          + " runs plaintext on 127.0.0.1 (secure a cluster of your own with ./rote security provision)");
    }
    return nodes == 1 ? single() : cluster();
  }

  private int single() throws InterruptedException {
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

  private int cluster() throws InterruptedException {
    System.out.printf("starting %d Kafka nodes...%n", nodes);
    KafkaCluster cluster = KafkaCluster.start(nodes, port, dataDir, Map.of(), Duration.ofMinutes(3));
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch stopped = ServiceShell.onShutdown("rote-cluster-shutdown", () -> {
      stopping.set(true);
      cluster.close();
    });
    KafkaOptions.connect(KafkaSettings.of(cluster.bootstrapServers()), partitions, retention, Duration.ofSeconds(60));
    for (ServerProperties.Node n : cluster.nodes()) {
      System.out.printf("  node %d: %s  pid %d  data %s  log %s%n", n.id(), n.address(), cluster.pid(n.id()),
          cluster.nodeDir(n.id()).resolve("data"), cluster.nodeLog(n.id()));
    }
    System.out.printf("Kafka cluster of %d nodes ready: --bootstrap-servers %s%n", nodes, cluster.bootstrapServers());
    System.out.println("Ctrl-C stops every node this command started.");
    Set<Integer> reported = new HashSet<>();
    while (!stopped.await(1, TimeUnit.SECONDS)) {
      for (ServerProperties.Node n : cluster.nodes()) {
        if (!stopping.get() && !cluster.isRunning(n.id()) && reported.add(n.id())) {
          System.out.printf("node %d exited; restart it on its data with: ./rote broker --node %s%n", n.id(),
              cluster.nodeDir(n.id()));
        }
      }
    }
    return 0;
  }
}
