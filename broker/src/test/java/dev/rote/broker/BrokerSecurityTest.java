package dev.rote.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.broker.SecurityFiles.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerSecurityTest {

  static Properties singleNode() {
    Properties p = new Properties();
    p.setProperty("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:9092");
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    return p;
  }

  @Test
  void shouldMoveClientsToSaslSslAndBrokersToTheirOwnCertificateListener(@TempDir Path dir) {
    BrokerSecurity security = BrokerSecurity.load(SecurityFiles.init(dir, List.of(), false).dir());
    Properties secured = security.secure(singleNode());
    assertThat(secured.getProperty("listeners"))
        .matches("SASL_SSL://127\\.0\\.0\\.1:9092,INTERNAL://127\\.0\\.0\\.1:\\d+,CONTROLLER://127\\.0\\.0\\.1:9093");
    assertThat(secured.getProperty("advertised.listeners")).matches("SASL_SSL://127.0.0.1:9092,INTERNAL://127.0.0.1:\\d+");
    assertThat(secured.getProperty("listener.security.protocol.map"))
        .isEqualTo("SASL_SSL:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL");
    assertThat(secured.getProperty("inter.broker.listener.name")).isEqualTo("INTERNAL");
    assertThat(BrokerSecurity.brokerListener(secured)).matches("127\\.0\\.0\\.1:\\d+");
    assertThat(secured.getProperty("listener.name.internal.ssl.client.auth")).isEqualTo("required");
    assertThat(secured.getProperty("listener.name.controller.ssl.client.auth")).isEqualTo("required");
    assertThat(secured.getProperty("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config"))
        .contains("ScramLoginModule required");
    assertThat(secured.getProperty("sasl.enabled.mechanisms")).isEqualTo("SCRAM-SHA-512");
    assertThat(secured.getProperty("authorizer.class.name")).isEqualTo(BrokerSecurity.AUTHORIZER);
    assertThat(secured.getProperty("super.users")).isEqualTo("User:CN=rote-broker;User:admin");
    assertThat(secured.getProperty("allow.everyone.if.no.acl.found")).isEqualTo("false");
    assertThat(singleNode()).as("the node's own properties are left alone").doesNotContainKey("super.users");
  }

  @Test
  void shouldKeepASeparateReplicationListenerForBrokersOnly(@TempDir Path dir) {
    BrokerSecurity security = BrokerSecurity.load(SecurityFiles.init(dir, List.of(), false).dir());
    Properties node = new Properties();
    node.setProperty("listeners", "CLIENT://h1:9092,REPLICATION://h1:9094,CONTROLLER://h1:9093");
    node.setProperty("advertised.listeners", "CLIENT://h1:9092,REPLICATION://h1:9094");
    node.setProperty("controller.listener.names", "CONTROLLER");
    node.setProperty("inter.broker.listener.name", "REPLICATION");
    Properties secured = security.secure(node);
    assertThat(secured.getProperty("listeners")).isEqualTo(node.getProperty("listeners"));
    assertThat(secured.getProperty("advertised.listeners")).isEqualTo(node.getProperty("advertised.listeners"));
    assertThat(secured.getProperty("listener.security.protocol.map"))
        .isEqualTo("CLIENT:SASL_SSL,REPLICATION:SSL,CONTROLLER:SSL");
    assertThat(secured.getProperty("inter.broker.listener.name")).isEqualTo("REPLICATION");
  }

  @Test
  void shouldIssueABrokerCertificateForItsNamesSignedByTheCa(@TempDir Path dir) throws Exception {
    SecurityFiles files = SecurityFiles.init(dir, List.of("kafka", "10.0.0.7"), false);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(dir.resolve("broker.p12"))) {
      ks.load(in, Files.readString(dir.resolve("broker.password")).trim().toCharArray());
    }
    X509Certificate broker = (X509Certificate) ks.getCertificate("rote-broker");
    X509Certificate ca = (X509Certificate) ks.getCertificateChain("rote-broker")[1];
    broker.verify(ca.getPublicKey());
    assertThat(broker.getSubjectX500Principal().getName()).isEqualTo(SecurityFiles.BROKER_SUBJECT);
    assertThat(broker.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
        .containsExactly("localhost", "127.0.0.1", "kafka", "10.0.0.7");
    assertThat(ca.getBasicConstraints()).isEqualTo(0);
    assertThat(files.password(Role.TRAINER)).hasSize(32).isNotEqualTo(files.password(Role.ADMIN));
    assertThatThrownBy(() -> SecurityFiles.init(dir, List.of(), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds security files");
    Files.delete(dir.resolve("admin.properties"));
    assertThatThrownBy(() -> SecurityFiles.load(dir))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admin.properties is missing");
  }

  @Test
  void shouldLetOnlyAlertingWriteControlAndTheTrainerOnlyReadIt() {
    var acls = BrokerSecurity.acls();
    assertThat(acls).filteredOn(a -> a.pattern().name().equals("rote.control")
            && a.entry().operation() == AclOperation.WRITE)
        .extracting(a -> a.entry().principal()).containsExactly("User:alerting");
    assertThat(acls).filteredOn(a -> a.entry().principal().equals("User:trainer"))
        .extracting(a -> a.pattern().name() + ":" + a.pattern().patternType() + ":" + a.entry().operation())
        .containsExactlyInAnyOrder("rote.:PREFIXED:DESCRIBE", "rote.telemetry:LITERAL:WRITE",
            "rote.runs:LITERAL:WRITE", "rote.control:LITERAL:READ");
    assertThat(acls).filteredOn(a -> a.pattern().patternType() == PatternType.PREFIXED
            && a.entry().operation() == AclOperation.ALL)
        .extracting(a -> a.entry().principal() + ":" + a.pattern().name()).containsOnly(
            "User:analyzer:rote-analyzer", "User:alerting:rote-alerting");
    assertThat(acls).noneMatch(a -> a.entry().principal().equals("User:admin"));
  }
}
