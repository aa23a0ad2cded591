package dev.rote.broker;

import dev.rote.broker.SecurityFiles.Role;
import dev.rote.contract.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * How a Kafka node is secured with the files of {@code ./rote security init}: the one place that
 * turns a node's plaintext server properties into secured ones ({@link #secure}) and gives a started
 * cluster its users and ACLs ({@link #provision}). The embedded broker ({@code ./rote broker --secure})
 * uses both; a multi-node cluster calls {@link #secure} on each node's properties and
 * {@link #provision} once when its brokers are up.
 *
 * <ul>
 *   <li>Clients: the client listener speaks SASL_SSL with SCRAM-SHA-512; each {@link Role} is a
 *       SCRAM user whose password is in its client properties file.
 *   <li>Brokers and controllers: SSL with client certificates ({@code ssl.client.auth=required}),
 *       as the principal {@code User:CN=rote-broker}, a super user, as is {@code User:admin}.
 *   <li>Authorization: KRaft's {@code StandardAuthorizer}; nothing is allowed without an ACL
 *       ({@link #acls}).
 * </ul>
 */
public final class BrokerSecurity {

  /** The listener inter-broker traffic moves to when clients and brokers shared one. */
  public static final String INTERNAL_LISTENER = "INTERNAL";
  /** The name of the client listener once secured. */
  public static final String CLIENT_LISTENER = "SASL_SSL";
  public static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
  /** Application-id prefixes whose Kafka Streams resources the analyzer and alerting roles own. */
  public static final String ANALYZER_PREFIX = "rote-analyzer";
  public static final String ALERTING_PREFIX = "rote-alerting";
  private static final int SCRAM_ITERATIONS = 8192;

  private final SecurityFiles files;

  private BrokerSecurity(SecurityFiles files) {
    this.files = files;
  }

  /** The security of the files in {@code dir} ({@link SecurityFiles#load}). */
  public static BrokerSecurity load(Path dir) {
    return new BrokerSecurity(SecurityFiles.load(dir));
  }

  public SecurityFiles files() {
    return files;
  }

  /**
   * A node's server properties, secured: every non-controller listener that clients use becomes
   * SASL_SSL (a {@code PLAINTEXT} listener is renamed {@value #CLIENT_LISTENER}); inter-broker and
   * controller listeners speak SSL with required client certificates. The inter-broker listener
   * counts as the brokers' own when the node has another non-controller listener for clients; when
   * it is the only one (clients and brokers shared it), inter-broker traffic moves to a new
   * {@value #INTERNAL_LISTENER} listener on the same host and a free port.
   *
   * @param node the plaintext properties: {@code listeners}, {@code listener.security.protocol.map},
   *     {@code controller.listener.names}, optionally {@code advertised.listeners} and
   *     {@code inter.broker.listener.name}
   * @return new properties; {@code node} is left as it is
   */
  public Properties secure(Properties node) {
    Properties p = new Properties();
    p.putAll(node);
    List<String> controllers = List.of(node.getProperty("controller.listener.names", "").split(","));
    String interBroker = node.getProperty("inter.broker.listener.name", "PLAINTEXT");
    Map<String, String> listeners = endpoints(node.getProperty("listeners", ""));
    Map<String, String> advertised = endpoints(node.getProperty("advertised.listeners", ""));
    Map<String, String> protocols = new LinkedHashMap<>();
    Map<String, String> securedListeners = new LinkedHashMap<>();
    Map<String, String> securedAdvertised = new LinkedHashMap<>();
    String newInterBroker = interBroker;
    for (var e : listeners.entrySet()) {
      String name = e.getKey();
      if (controllers.contains(name)) {
        securedListeners.put(name, e.getValue());
        protocols.put(name, "SSL");
        continue;
      }
      boolean brokersOnly = name.equals(interBroker) && listeners.size() - controllers.size() > 1;
      if (brokersOnly) {
        securedListeners.put(name, e.getValue());
        protocols.put(name, "SSL");
        if (advertised.containsKey(name)) {
          securedAdvertised.put(name, advertised.get(name));
        }
        continue;
      }
      String clientName = name.equals("PLAINTEXT") ? CLIENT_LISTENER : name;
      securedListeners.put(clientName, e.getValue());
      protocols.put(clientName, "SASL_SSL");
      if (advertised.containsKey(name)) {
        securedAdvertised.put(clientName, advertised.get(name));
      }
      if (name.equals(interBroker)) {
        String host = e.getValue().substring(0, e.getValue().lastIndexOf(':'));
        String internal = host + ":" + freePort();
        securedListeners.put(INTERNAL_LISTENER, internal);
        securedAdvertised.put(INTERNAL_LISTENER, internal);
        protocols.put(INTERNAL_LISTENER, "SSL");
        newInterBroker = INTERNAL_LISTENER;
      }
    }
    p.setProperty("listeners", join(securedListeners));
    if (node.containsKey("advertised.listeners")) {
      p.setProperty("advertised.listeners", join(securedAdvertised));
    }
    p.setProperty("listener.security.protocol.map", protocols.entrySet().stream()
        .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(",")));
    p.setProperty("inter.broker.listener.name", newInterBroker);
    p.remove("security.inter.broker.protocol");
    for (var e : protocols.entrySet()) {
      String prefix = "listener.name." + e.getKey().toLowerCase() + ".";
      if (e.getValue().equals("SSL")) {
        p.setProperty(prefix + "ssl.client.auth", "required");
      } else {
        p.setProperty(prefix + "scram-sha-512.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      }
    }
    p.setProperty("sasl.enabled.mechanisms", SecurityFiles.SASL_MECHANISM);
    p.putAll(sslIdentity());
    p.setProperty("authorizer.class.name", AUTHORIZER);
    p.setProperty("super.users", "User:" + SecurityFiles.BROKER_SUBJECT + ";User:" + Role.ADMIN.id());
    p.setProperty("allow.everyone.if.no.acl.found", "false");
    return p;
  }

  /** The {@code host:port} of the inter-broker listener of secured node properties ({@link #secure}). */
  public static String brokerListener(Properties secured) {
    return endpoints(secured.getProperty("listeners")).get(secured.getProperty("inter.broker.listener.name"));
  }

  /** Client properties of the broker's own identity (SSL, its certificate): a super user. */
  public Map<String, Object> brokerClient(String bootstrapServers) {
    Map<String, Object> p = new HashMap<>(sslIdentity());
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
    return p;
  }

  private Map<String, String> sslIdentity() {
    Map<String, String> p = new HashMap<>();
    p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
    p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, files.brokerKeystore().toAbsolutePath().toString());
    p.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, files.brokerPassword());
    p.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, files.brokerPassword());
    p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
    p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, files.truststore().toAbsolutePath().toString());
    p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, files.truststorePassword());
    return p;
  }

  /**
   * Creates or updates the SCRAM user of every role and creates Rote's ACLs; safe to repeat.
   *
   * @param admin a client of a super user (e.g. {@link #brokerClient})
   */
  public void provision(Admin admin, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<UserScramCredentialUpsertion> users = new ArrayList<>();
    for (Role role : Role.values()) {
      users.add(new UserScramCredentialUpsertion(role.id(),
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), files.password(role)));
    }
    admin.alterUserScramCredentials(new ArrayList<>(users)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    admin.createAcls(acls()).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Rote's ACLs. Every role may describe Rote's topics ({@code rote.} prefix), so that it sees they
   * exist; then:
   *
   * <ul>
   *   <li>{@code trainer}: write {@code rote.telemetry} and {@code rote.runs}; read {@code rote.control}.
   *   <li>{@code analyzer}: read {@code rote.telemetry} and {@code rote.runs}; write
   *       {@code rote.indicators}, {@code rote.suspects} and {@code rote.deadletter}; everything on the topics, consumer
   *       groups and transactional ids prefixed {@value #ANALYZER_PREFIX} (its Kafka Streams
   *       applications' internal topics, groups and exactly-once producers).
   *   <li>{@code alerting}: read {@code rote.indicators} and {@code rote.runs}; write
   *       {@code rote.alerts}, {@code rote.control} and {@code rote.deadletter}; everything prefixed
   *       {@value #ALERTING_PREFIX}.
   *   <li>{@code admin}: a super user (everything, ACLs included).
   * </ul>
   */
  public static List<AclBinding> acls() {
    List<AclBinding> acls = new ArrayList<>();
    for (Role role : Role.values()) {
      if (role != Role.ADMIN) {
        acls.add(allow(role, ResourceType.TOPIC, "rote.", PatternType.PREFIXED, AclOperation.DESCRIBE));
      }
    }
    acls.add(topic(Role.TRAINER, Topics.TELEMETRY.name(), AclOperation.WRITE));
    acls.add(topic(Role.TRAINER, Topics.RUNS.name(), AclOperation.WRITE));
    acls.add(topic(Role.TRAINER, Topics.CONTROL.name(), AclOperation.READ));

    acls.add(topic(Role.ANALYZER, Topics.TELEMETRY.name(), AclOperation.READ));
    acls.add(topic(Role.ANALYZER, Topics.RUNS.name(), AclOperation.READ));
    acls.add(topic(Role.ANALYZER, Topics.INDICATORS.name(), AclOperation.WRITE));
    acls.add(topic(Role.ANALYZER, Topics.DEAD_LETTER.name(), AclOperation.WRITE));
    acls.add(topic(Role.ANALYZER, Topics.SUSPECTS.name(), AclOperation.WRITE));
    acls.addAll(streamsApplication(Role.ANALYZER, ANALYZER_PREFIX));

    acls.add(topic(Role.ALERTING, Topics.INDICATORS.name(), AclOperation.READ));
    acls.add(topic(Role.ALERTING, Topics.RUNS.name(), AclOperation.READ));
    acls.add(topic(Role.ALERTING, Topics.ALERTS.name(), AclOperation.WRITE));
    acls.add(topic(Role.ALERTING, Topics.CONTROL.name(), AclOperation.WRITE));
    acls.add(topic(Role.ALERTING, Topics.DEAD_LETTER.name(), AclOperation.WRITE));
    acls.addAll(streamsApplication(Role.ALERTING, ALERTING_PREFIX));
    return acls;
  }

  private static List<AclBinding> streamsApplication(Role role, String prefix) {
    return List.of(
        allow(role, ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.ALL),
        allow(role, ResourceType.GROUP, prefix, PatternType.PREFIXED, AclOperation.ALL),
        allow(role, ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, AclOperation.ALL));
  }

  private static AclBinding topic(Role role, String topic, AclOperation op) {
    return allow(role, ResourceType.TOPIC, topic, PatternType.LITERAL, op);
  }

  private static AclBinding allow(Role role, ResourceType type, String name, PatternType pattern, AclOperation op) {
    return new AclBinding(new ResourcePattern(type, name, pattern),
        new AccessControlEntry("User:" + role.id(), "*", op, AclPermissionType.ALLOW));
  }

  /** {@code NAME://host:port,...} as name to {@code host:port}, in order. */
  private static Map<String, String> endpoints(String listeners) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String l : listeners.split(",")) {
      if (l.isBlank()) {
        continue;
      }
      int sep = l.indexOf("://");
      out.put(l.substring(0, sep).trim(), l.substring(sep + 3).trim());
    }
    return out;
  }

  private static String join(Map<String, String> endpoints) {
    return endpoints.entrySet().stream().map(e -> e.getKey() + "://" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
