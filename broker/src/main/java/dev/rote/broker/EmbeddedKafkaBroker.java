package dev.rote.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
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
  private final Map<String, Object> adminClient;
  private boolean closed;

  private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, boolean deleteOnClose, int port,
      Map<String, Object> adminClient) {
    this.server = server;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.port = port;
    this.adminClient = Map.copyOf(adminClient);
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
    return start(port, dataDir, null, Map.of());
  }

  /**
   * Starts a broker, secured when {@code security} is given: clients on SASL_SSL (SCRAM-SHA-512),
   * the KRaft {@code StandardAuthorizer}, and Rote's users and ACLs created before this returns
   * (see {@link BrokerSecurity}).
   *
   * @param security the security files to use, or {@code null} for a plaintext broker
   */
  public static EmbeddedKafkaBroker start(int port, Path dataDir, BrokerSecurity security) {
    return start(port, dataDir, security, Map.of());
  }

  /**
   * Starts a broker with extra server properties (applied last, see {@link ServerProperties}).
   *
   * @throws IllegalStateException when the broker cannot start (port taken, directory unusable)
   */
  public static EmbeddedKafkaBroker start(int port, Path dataDir, Map<String, String> extra) {
    return start(port, dataDir, null, extra);
  }

  private static EmbeddedKafkaBroker start(int port, Path dataDir, BrokerSecurity security,
      Map<String, String> extra) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
    }
    boolean temporary = dataDir == null;
    try {
      Path dir = temporary ? Files.createTempDirectory("rote-kafka-") : dataDir.toAbsolutePath();
      Files.createDirectories(dir);
      int[] free = Storage.freePorts(2); // distinct client and controller ports
      int clientPort = port == 0 ? free[0] : requireFree(port);
      ServerProperties.Node node = new ServerProperties.Node(1, clientPort, free[1]);
      Properties props = ServerProperties.of(node, List.of(node), dir, extra);
      Map<String, Object> adminClient = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
          "127.0.0.1:" + clientPort);
      if (security != null) {
        props = security.secure(props);
        adminClient = security.brokerClient(BrokerSecurity.brokerListener(props));
      }
      if (!Storage.formatted(dir)) {
        Storage.format(props, dir, Uuid.randomUuid().toString());
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dir, temporary, clientPort, adminClient);
      if (security != null) {
        broker.provision(security);
      }
      log.info("Kafka broker listening on 127.0.0.1:{}{} (data in {})", clientPort,
          security == null ? "" : " (SASL_SSL)", dir);
      return broker;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the embedded Kafka broker: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot start the embedded Kafka broker on port " + port + ": " + e.getMessage(), e);
    }
  }

  private void provision(BrokerSecurity security) {
    try (Admin admin = Admin.create(adminClient)) {
      security.provision(admin, Duration.ofSeconds(60));
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      close();
      throw new IllegalStateException("cannot create the users and ACLs of the secured broker: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while securing the broker", e);
    }
  }

  /**
   * Client properties of a super user of this broker: for a plaintext broker just its bootstrap
   * servers; for a secured one the broker's own certificate over its inter-broker listener. For
   * creating topics and administration in the same process.
   */
  public Map<String, Object> adminClient() {
    return adminClient;
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

  /**
   * Fails in one clear line when {@code port} is taken, before Kafka logs a stack trace per listener
   * trying to bind it.
   */
  private static int requireFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return port;
    } catch (IOException e) {
      throw new IllegalStateException("port " + port + " on 127.0.0.1 is already in use (another broker?); "
          + "choose another with --port");
    }
  }
}
