package dev.rote.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of separate OS processes on this machine: each node is a combined broker and
 * controller ({@link KafkaNodeMain}) in a child JVM of its own, with its own log directory, so a
 * node can be killed ({@code SIGKILL}) and restarted on its data like a real one. With three or more
 * nodes, topics get three replicas and {@code min.insync.replicas=2} ({@link ServerProperties}).
 *
 * <p>Layout of the cluster directory: {@code cluster.id}, and per node {@code node-N/server.properties},
 * {@code node-N/data} (the log) and {@code node-N/node.log} (its output). The nodes exit with this
 * JVM: on {@link #close()}, and on their own when this process dies.
 */
public final class KafkaCluster implements AutoCloseable {

  /** JVM options of a node process. */
  public static final List<String> NODE_JVM_OPTIONS = List.of("-Xms128m", "-Xmx768m",
      "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

  private final Path dir;
  private final boolean temporary;
  private final String clusterId;
  private final List<ServerProperties.Node> nodes;
  private final Map<Integer, Process> processes = new LinkedHashMap<>();
  private boolean closed;

  private KafkaCluster(Path dir, boolean temporary, String clusterId, List<ServerProperties.Node> nodes) {
    this.dir = dir;
    this.temporary = temporary;
    this.clusterId = clusterId;
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts {@code size} nodes and waits until every one is a registered broker.
   *
   * @param firstPort client port of node 1, the next nodes on the following ports; 0 for free ports
   * @param dir cluster directory, kept after close (a cluster started on it again keeps its topics
   *     and records); {@code null} for a temporary one deleted on close
   * @param extra server properties applied last on every node, e.g. security settings
   * @throws IllegalStateException when a node does not start within {@code timeout}, with the end of
   *     its log
   */
  public static KafkaCluster start(int size, int firstPort, Path dir, Map<String, String> extra, Duration timeout) {
    if (size < 1) {
      throw new IllegalArgumentException("nodes must be >= 1, was " + size);
    }
    if (firstPort < 0 || firstPort + size - 1 > 65535) {
      throw new IllegalArgumentException("port must be in [0, " + (65536 - size) + "], was " + firstPort);
    }
    KafkaCluster cluster;
    try {
      boolean temporary = dir == null;
      Path d = temporary ? Files.createTempDirectory("rote-cluster-") : dir.toAbsolutePath();
      Files.createDirectories(d);
      Path idFile = d.resolve("cluster.id");
      String id = Files.exists(idFile) ? Files.readString(idFile).trim() : Uuid.randomUuid().toString();
      Files.writeString(idFile, id + "\n");
      List<ServerProperties.Node> nodes = new ArrayList<>();
      int[] ports = Storage.freePorts(2 * size); // client and controller ports, all distinct
      for (int i = 1; i <= size; i++) {
        nodes.add(new ServerProperties.Node(i, firstPort == 0 ? ports[2 * i - 2] : firstPort + i - 1,
            ports[2 * i - 1]));
      }
      cluster = new KafkaCluster(d, temporary, id, nodes);
      for (ServerProperties.Node n : nodes) {
        cluster.writeConfig(n, extra);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the cluster directory: " + e.getMessage(), e);
    }
    try {
      cluster.nodes.forEach(n -> cluster.launch(n.id()));
      cluster.awaitBrokers(cluster.nodes.stream().map(ServerProperties.Node::id).collect(Collectors.toSet()),
          timeout);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void writeConfig(ServerProperties.Node n, Map<String, String> extra) throws IOException {
    Properties p = ServerProperties.of(n, nodes, nodeDir(n.id()).resolve("data"), extra);
    Files.createDirectories(nodeDir(n.id()));
    try (Writer w = Files.newBufferedWriter(config(n.id()))) {
      p.store(w, "Kafka node " + n.id() + " of a Rote cluster; run it with KafkaNodeMain");
    }
  }

  /** The {@code bootstrap.servers} value that reaches every node. */
  public String bootstrapServers() {
    return nodes.stream().map(ServerProperties.Node::address).collect(Collectors.joining(","));
  }

  public List<ServerProperties.Node> nodes() {
    return nodes;
  }

  /** The cluster directory. */
  public Path dir() {
    return dir;
  }

  /** The directory of one node: its configuration, log directory ({@code data}) and output. */
  public Path nodeDir(int id) {
    return dir.resolve("node-" + id);
  }

  /** The output of one node's process. */
  public Path nodeLog(int id) {
    return nodeDir(id).resolve("node.log");
  }

  private Path config(int id) {
    return nodeDir(id).resolve("server.properties");
  }

  /** The process id of a running node. */
  public synchronized long pid(int id) {
    return process(id).pid();
  }

  public synchronized boolean isRunning(int id) {
    Process p = processes.get(id);
    return p != null && p.isAlive();
  }

  /** Kills node {@code id} with SIGKILL, as a crash would, and waits until the process is gone. */
  public void kill(int id) {
    Process p;
    synchronized (this) {
      p = process(id);
    }
    p.destroyForcibly();
    waitFor(p, Duration.ofSeconds(30));
  }

  /** Stops node {@code id} cleanly (SIGTERM) and waits until it is gone. */
  public void stop(int id) {
    Process p;
    synchronized (this) {
      p = process(id);
    }
    p.destroy();
    if (!waitFor(p, Duration.ofSeconds(60))) {
      p.destroyForcibly();
      waitFor(p, Duration.ofSeconds(10));
    }
  }

  /**
   * Starts node {@code id} again on its log directory, with the same ports, and waits until it is a
   * registered broker again.
   */
  public void restart(int id, Duration timeout) {
    if (isRunning(id)) {
      throw new IllegalStateException("node " + id + " is running");
    }
    launch(id);
    awaitBrokers(Set.of(id), timeout);
  }

  private synchronized void launch(int id) {
    List<String> args = List.of(config(id).toString(), clusterId, "--exit-with-parent");
    processes.put(id, ChildJvm.start(KafkaNodeMain.class.getName(), NODE_JVM_OPTIONS, args, nodeLog(id)));
  }

  private synchronized Process process(int id) {
    Process p = processes.get(id);
    if (p == null) {
      throw new IllegalArgumentException("no node " + id + " in this cluster");
    }
    return p;
  }

  /** Waits until the brokers {@code ids} are registered and answer, failing early when one exits. */
  private void awaitBrokers(Set<Integer> ids, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    awaitListening(ids, deadline);
    String last = "no answer";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
      while (true) {
        for (int id : ids) {
          Process p;
          synchronized (this) {
            p = process(id);
          }
          if (!p.isAlive()) {
            throw new IllegalStateException("Kafka node " + id + " exited with code " + p.exitValue()
                + "; the end of its log (" + nodeLog(id) + "):\n" + ChildJvm.tail(nodeLog(id), 30));
          }
        }
        try {
          Collection<Node> up = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
          Set<Integer> upIds = up.stream().map(Node::id).collect(Collectors.toSet());
          if (upIds.containsAll(ids)) {
            return;
          }
          last = "registered brokers " + upIds;
        } catch (ExecutionException | TimeoutException e) {
          last = e.getCause() == null ? e.toString() : e.getCause().getMessage();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka nodes " + ids + " not ready after " + timeout.toSeconds()
              + " s (" + last + "); logs in " + dir);
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Kafka nodes " + ids, e);
    }
  }

  /** Waits until the nodes' client ports accept connections, so the admin client need not retry noisily. */
  private void awaitListening(Set<Integer> ids, long deadline) {
    for (ServerProperties.Node n : nodes) {
      if (!ids.contains(n.id())) {
        continue;
      }
      while (System.nanoTime() < deadline && isRunning(n.id())) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), n.clientPort()), 500);
          break;
        } catch (IOException e) {
          try {
            Thread.sleep(100);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops every node (SIGTERM, then SIGKILL after 30 s); deletes a temporary cluster directory. */
  @Override
  public void close() {
    List<Process> running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      running = processes.values().stream().filter(Process::isAlive).toList();
    }
    running.forEach(Process::destroy);
    for (Process p : running) {
      if (!waitFor(p, Duration.ofSeconds(30))) {
        p.destroyForcibly();
        waitFor(p, Duration.ofSeconds(10));
      }
    }
    if (temporary) {
      Storage.deleteRecursively(dir);
    }
  }
}
