package dev.rote.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker and controller) running inside this
 * JVM and listening on 127.0.0.1. The demo, {@code ./rote broker} and the integration tests all use
 * it; everything else in Rote works the same against an external cluster.
 *
 * <p>With a data directory that already holds a formatted log, the broker restarts on it and the
 * topics keep their records; with none, it uses a temporary directory deleted on {@link #close()}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean deleteOnClose;
  private final int port;
  private boolean closed;

  private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, boolean deleteOnClose, int port) {
    this.server = server;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.port = port;
  }

  /** Starts a broker on a free port with a temporary data directory. */
  public static EmbeddedKafkaBroker start() {
    return start(0, null);
  }

  /**
   * Starts a broker.
   *
   * @param port client port on 127.0.0.1; 0 picks a free one
   * @param dataDir log directory, kept after close; {@code null} for a temporary one
   * @throws IllegalStateException when the broker cannot start (port taken, directory unusable)
   */
  public static EmbeddedKafkaBroker start(int port, Path dataDir) {
    return start(port, dataDir, Map.of());
  }

  /**
   * Starts a broker with extra server properties (applied last, see {@link ServerProperties}).
   *
   * @throws IllegalStateException when the broker cannot start (port taken, directory unusable)
   */
  public static EmbeddedKafkaBroker start(int port, Path dataDir, Map<String, String> extra) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    }
    boolean temporary = dataDir == null;
    try {
      Path dir = temporary ? Files.createTempDirectory("rote-kafka-") : dataDir.toAbsolutePath();
      Files.createDirectories(dir);
      ServerProperties.Node node = new ServerProperties.Node(1, port == 0 ? Storage.freePort() : port,
          Storage.freePort());
      Properties props = ServerProperties.of(node, List.of(node), dir, extra);
      if (!Storage.formatted(dir)) {
        Storage.format(props, dir, Uuid.randomUuid().toString());
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      log.info("Kafka broker listening on {} (data in {})", node.address(), dir);
      return new EmbeddedKafkaBroker(server, dir, temporary, node.clientPort());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the embedded Kafka broker: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot start the embedded Kafka broker on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** The {@code bootstrap.servers} value that reaches this broker. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker and waits for it; deletes a temporary data directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (deleteOnClose) {
      Storage.deleteRecursively(dataDir);
    }
  }
}
