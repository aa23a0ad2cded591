package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files checked by the tools of the field: promtool for the Prometheus scrape
 * configuration and alert rules, docker-compose for the compose file (no engine needed).
 */
class DeploymentConfigTest {

  static final Path ROOT = PrometheusDashboardsIntegrationTest.ROOT;

  record Result(int code, String output) {}

  /** The services of {@code docker-compose config}: the compose file as Compose reads it. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> composeServices() throws Exception {
    String config = exec(List.of("docker-compose", "-f", "docker-compose.yml", "config")).output();
    return (Map<String, Object>) new org.yaml.snakeyaml.Yaml().<Map<String, Object>>load(config).get("services");
  }

  static Result exec(List<String> command) throws Exception {
    return exec(command, Map.of("GRAFANA_ADMIN_PASSWORD", "test-only-password"));
  }

  static Result exec(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder b = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
    b.environment().remove("GRAFANA_ADMIN_PASSWORD");
    b.environment().putAll(env);
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  @Test
  void shouldPassPromtoolCheckConfig() throws Exception {
    Result r = exec(List.of("promtool", "check", "config", "prometheus/prometheus.yml"));
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void shouldPassPromtoolCheckRules() throws Exception {
    Result r = exec(List.of("promtool", "check", "rules", "prometheus/rules.yml"));
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS").containsPattern("\\d+ rules found");
  }

  @Test
  void shouldPassTheAlertRulesUnitTests() throws Exception {
    Result r = exec(List.of("promtool", "test", "rules", "prometheus/test-rules.yml"));
    assertThat(r.code()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void shouldBuildEveryServiceImageFromATargetOfTheOneDockerfile() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    String config = exec(List.of("docker-compose", "-f", "docker-compose.yml", "config")).output();
    for (String target : List.of("analyzer", "alerting", "trainer")) {
      assertThat(dockerfile).containsPattern("(?m)^FROM \\S+ AS " + target + "$");
      assertThat(config).containsPattern("context: \\S+\\s+target: " + target);
    }
    try (Stream<Path> dockerfiles = Files.walk(ROOT, 2)) {
      assertThat(dockerfiles.filter(p -> p.getFileName().toString().equals("Dockerfile")))
          .containsExactly(ROOT.resolve("Dockerfile"));
    }
    Matcher entryPoint = Pattern.compile("(?m)^ENTRYPOINT \\[.*\"([a-zA-Z.]+)\"\\]$").matcher(dockerfile);
    List<String> mains = new ArrayList<>();
    while (entryPoint.find()) {
      mains.add(entryPoint.group(1));
    }
    assertThat(mains).containsExactly("dev.rote.analyzer.cli.AnalyzerMain", "dev.rote.alerting.cli.AlertingMain",
        "dev.rote.cli.Rote");
    for (String main : mains) {
      assertThat(Class.forName(main).getMethod("main", String[].class)).isNotNull();
    }
  }

  @Test
  void shouldValidateTheComposeFile() throws Exception {
    Result r = exec(List.of("docker-compose", "-f", "docker-compose.yml", "config", "-q"));
    assertThat(r.code()).as(r.output()).isZero();
    Result services = exec(List.of("docker-compose", "-f", "docker-compose.yml", "config", "--services"));
    assertThat(services.output().lines()).contains("kafka-1", "kafka-2", "kafka-3", "prometheus", "grafana", "analyzer",
        "analyzer-2", "alerting", "alerting-standby", "trainer", "security-init", "kafka-setup");
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldRunTwoInstancesOfEachServiceThatPrometheusScrapes() throws Exception {
    Map<String, Object> services = composeServices();
    String prometheus = Files.readString(ROOT.resolve("prometheus/prometheus.yml"));
    for (String[] pair : new String[][] {{"analyzer", "analyzer-2", "9401"}, {"alerting", "alerting-standby", "9402"}}) {
      Map<String, Object> first = (Map<String, Object>) services.get(pair[0]);
      Map<String, Object> second = (Map<String, Object>) services.get(pair[1]);
      // The same service, so the same application id: the second joins the first's consumer group.
      assertThat(second.get("command")).as(pair[1]).isEqualTo(first.get("command"));
      assertThat(second.get("image")).as(pair[1]).isEqualTo(first.get("image"));
      assertThat((List<Object>) second.get("command")).doesNotContain("--application-id");
      assertThat(prometheus).contains("'" + pair[0] + ":" + pair[2] + "', '" + pair[1] + ":" + pair[2] + "'");
    }
  }

  @Test
  void shouldRunTheComposeStackSecuredByDefault() throws Exception {
    String config = exec(List.of("docker-compose", "-f", "docker-compose.yml", "config")).output();
    // Kafka: clients on SASL_SSL with SCRAM-SHA-512 only, brokers and controller on SSL, ACLs enforced.
    Matcher map = Pattern.compile("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: (\\S+)").matcher(config);
    assertThat(map.find()).isTrue();
    assertThat(map.group(1).split(",")).allSatisfy(l -> assertThat(l).matches("\\w+:(SASL_SSL|SSL)"));
    assertThat(config).doesNotContain("PLAINTEXT").contains("KAFKA_SASL_ENABLED_MECHANISMS: SCRAM-SHA-512")
        .contains("KAFKA_AUTHORIZER_CLASS_NAME: org.apache.kafka.metadata.authorizer.StandardAuthorizer")
        .containsPattern("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: ['\"]false")
        .containsPattern("EXTERNAL://localhost:29092")
        .containsPattern("EXTERNAL:SASL_SSL");
    // Every Rote service connects with its role's file and guards its metrics.
    for (String role : List.of("analyzer", "alerting", "trainer")) {
      assertThat(config).contains("/security/" + role + ".properties");
    }
    assertThat(config.split("--metrics-password-file", -1)).as("two analyzers, alerting, its standby, trainer").hasSize(6);
    // Prometheus: no lifecycle API, scrapes with basic auth; Grafana: no default admin password.
    assertThat(config).doesNotContain("web.enable-lifecycle").doesNotContain("GF_SECURITY_ADMIN_PASSWORD: admin")
        .contains("GF_SECURITY_ADMIN_PASSWORD: test-only-password");
    String prometheus = Files.readString(ROOT.resolve("prometheus/prometheus.yml"));
    assertThat(prometheus.split("basic_auth", -1)).as("every Rote scrape job").hasSize(4);
    assertThat(prometheus).contains("password_file: /etc/rote/security/metrics.password");
    Result noPassword = exec(List.of("docker-compose", "-f", "docker-compose.yml", "config", "-q"), Map.of());
    assertThat(noPassword.code()).as("no Grafana admin password, no stack").isNotZero();
    assertThat(noPassword.output()).contains("set GRAFANA_ADMIN_PASSWORD");
  }

  @Test
  @SuppressWarnings("unchecked")
  void shouldRunKafkaAsThreeKraftNodesWithReplicatedTopics() throws Exception {
    Map<String, Object> services = composeServices();
    for (int node = 1; node <= 3; node++) {
      Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) services.get("kafka-" + node))
          .get("environment");
      assertThat(env).containsEntry("KAFKA_NODE_ID", node)
          .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
          .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
          .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", 3)
          .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", 2)
          .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", 3)
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", 2);
      assertThat((String) env.get("KAFKA_ADVERTISED_LISTENERS")).startsWith("SASL_SSL://kafka-" + node + ":9092,");
    }
    for (String service : List.of("analyzer", "alerting", "trainer")) {
      assertThat((List<Object>) ((Map<String, Object>) services.get(service)).get("command"))
          .contains("kafka-1:9092,kafka-2:9092,kafka-3:9092");
    }
  }
}
