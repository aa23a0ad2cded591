package dev.rote.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * One Kafka node in a process of its own: {@code java dev.rote.broker.KafkaNodeMain SERVER_PROPERTIES
 * CLUSTER_ID [--exit-with-parent]}. Formats the node's log directory with the cluster id when it is
 * new, starts the node, and runs until the JVM is asked to stop (SIGTERM, Ctrl-C): a clean shutdown.
 * With {@code --exit-with-parent} it also stops when its standard input closes, i.e. when the
 * process that started it is gone. {@link KafkaCluster} starts its nodes this way; a node killed
 * with SIGKILL restarts with the same command on the same log directory.
 */
public final class KafkaNodeMain {

  private KafkaNodeMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 2) {
      System.err.println("usage: KafkaNodeMain SERVER_PROPERTIES CLUSTER_ID [--exit-with-parent]");
      System.exit(2);
    }
    run(Path.of(args[0]), args[1], args.length > 2 && args[2].equals("--exit-with-parent"));
  }

  /**
   * Runs a node of a {@link KafkaCluster} on its directory ({@code node-N}, beside the cluster's
   * {@code cluster.id}) until the JVM is asked to stop: how a killed node is restarted by hand.
   */
  public static void runNode(Path nodeDir) throws IOException, InterruptedException {
    Path config = nodeDir.resolve("server.properties");
    Path id = nodeDir.toAbsolutePath().getParent().resolve("cluster.id");
    if (!Files.exists(config) || !Files.exists(id)) {
      throw new IllegalArgumentException(nodeDir + " is not a node directory of a Rote cluster (no "
          + config.getFileName() + " or ../cluster.id)");
    }
    run(config, Files.readString(id).trim(), false);
  }

  private static void run(Path config, String clusterId, boolean exitWithParent)
      throws IOException, InterruptedException {
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(config)) {
      props.load(r);
    }
    Path logDir = Path.of(props.getProperty("log.dirs"));
    if (!Storage.formatted(logDir)) {
      Storage.format(props, logDir, clusterId);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown();
      server.awaitShutdown();
    }, "rote-kafka-node-shutdown"));
    server.startup();
    System.out.println("rote kafka node " + props.getProperty("node.id") + " started: "
        + props.getProperty("listeners"));
    if (exitWithParent) {
      Thread watch = new Thread(() -> {
        waitForEof(System.in);
        System.exit(0);
      }, "rote-kafka-node-parent-watch");
      watch.setDaemon(true);
      watch.start();
    }
    server.awaitShutdown();
  }

  private static void waitForEof(InputStream in) {
    try {
      while (in.read() >= 0) {
        // nothing is sent on this pipe: only its end matters
      }
    } catch (IOException e) {
      // closed
    }
  }
}
