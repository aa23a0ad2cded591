package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The deployment files checked by the tools of the field: promtool for the Prometheus scrape
 * configuration and alert rules, docker-compose for the compose file (no engine needed).
 */
class DeploymentConfigTest {

  static final Path ROOT = PrometheusDashboardsIntegrationTest.ROOT;

  record Result(int code, String output) {}

  static Result exec(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
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
  void shouldValidateTheComposeFile() throws Exception {
    Result r = exec(List.of("docker-compose", "-f", "docker-compose.yml", "config", "-q"));
    assertThat(r.code()).as(r.output()).isZero();
    Result services = exec(List.of("docker-compose", "-f", "docker-compose.yml", "config", "--services"));
    assertThat(services.output().lines()).contains("kafka", "prometheus", "grafana", "analyzer", "alerting", "trainer");
  }
}
