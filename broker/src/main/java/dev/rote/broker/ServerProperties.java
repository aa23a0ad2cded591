package dev.rote.broker;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The one place that builds a Rote Kafka node's server properties: a KRaft node that is both broker
 * and controller, listening on 127.0.0.1, in a cluster of one or more such nodes. Every broker Rote
 * starts (the in-JVM {@link EmbeddedKafkaBroker}, the nodes of a {@link KafkaCluster}) gets its
 * configuration here; extra properties (security listeners, SASL, ACLs, tuning) are applied last and
 * win over Rote's.
 *
 * <p>Replication follows the cluster's size: with three or more nodes, Kafka's internal topics and
 * the topics Rote creates have three replicas and {@code min.insync.replicas=2}, so a producer with
 * {@code acks=all} keeps writing while one node is down; with one node, everything has one replica.
 */
public final class ServerProperties {

  /** Largest record a Rote broker accepts: probe matrices and Streams state records are large. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  /** One node of a cluster: its id and the ports it listens on, on 127.0.0.1. */
  public record Node(int id, int clientPort, int controllerPort) {
    public Node {
      if (id < 0) {
        throw new IllegalArgumentException("node id must be >= 0, was " + id);
      }
      if (clientPort < 1 || clientPort > 65535 || controllerPort < 1 || controllerPort > 65535) {
        throw new IllegalArgumentException(
            "ports must be in [1, 65535], were " + clientPort + " and " + controllerPort);
      }
    }

    /** This node's client address, {@code 127.0.0.1:PORT}. */
    public String address() {
      return "127.0.0.1:" + clientPort;
    }
  }

  private ServerProperties() {}

  /**
   * The server properties of {@code node} in the cluster of {@code voters} (every node, this one
   * included; all are controllers).
   *
   * @param logDir the node's log directory
   * @param extra properties applied last, e.g. security settings; may be empty
   */
  public static Properties of(Node node, List<Node> voters, Path logDir, Map<String, String> extra) {
    Objects.requireNonNull(logDir, "logDir");
    if (voters.stream().noneMatch(v -> v.id() == node.id())) {
      throw new IllegalArgumentException("node " + node.id() + " is not among the voters " + voters);
    }
    int size = voters.size();
    String replicas = Integer.toString(Math.min(3, size));
    String minIsr = size >= 3 ? "2" : "1";
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(node.id()));
    p.put("controller.quorum.voters", voters.stream()
        .map(v -> v.id() + "@127.0.0.1:" + v.controllerPort()).collect(Collectors.joining(",")));
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + node.clientPort() + ",CONTROLLER://127.0.0.1:"
        + node.controllerPort());
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + node.clientPort());
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    // Internal topics follow the cluster's size, or groups and transactions hang on a small one.
    p.put("offsets.topic.replication.factor", replicas);
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", replicas);
    p.put("transaction.state.log.min.isr", minIsr);
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", replicas);
    p.put("share.coordinator.state.topic.min.isr", minIsr);
    p.put("default.replication.factor", replicas);
    p.put("min.insync.replicas", minIsr);
    p.put("group.initial.rebalance.delay.ms", "0");
    // A transaction whose producer died is aborted once it times out, but the broker looks for such
    // transactions only every 10 s by default: up to 10 s more that read_committed readers wait.
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    p.put("auto.create.topics.enable", "false");
    p.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    p.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    p.put("num.partitions", "1");
    p.putAll(extra);
    return p;
  }
}
