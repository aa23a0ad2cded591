package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.metrics.MetricsEndpoint;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.StopOptions;
import dev.rote.replay.RunTopics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every dashboard panel (and annotation) against a real Prometheus (Debian's
 * {@code prometheus}, installed by {@code .ci/run}) scraping a real short run of the whole loop:
 * embedded broker, analyzer, alerting and trainer, with rules that make it stop.
 */
@Tag("integration")
class PrometheusDashboardsIntegrationTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final String PROMETHEUS = "/usr/bin/prometheus";

  @Test
  void shouldAnswerEveryDashboardQueryWithSeriesFromARealRun(@TempDir Path dir) throws Exception {
    assertThat(Path.of(PROMETHEUS)).as("Debian's prometheus package (.ci/run installs it)").exists();
    Map<String, String> queries = dashboardQueries();
    assertThat(queries).as("dashboard queries").hasSizeGreaterThan(20);
    int metricsPort = freePort();
    int promPort = freePort();
    RuleSet rules = RuleSet.parse(FullLoopIntegrationTest.FAST_RULES, "test rules");
    // The endpoint asks for basic auth, and Prometheus presents it as the repo's scrape config does.
    Path password = Files.writeString(dir.resolve("metrics.password"), "scrape-secret\n");
    MetricsEndpoint.Address address = new MetricsEndpoint.Address("127.0.0.1", metricsPort,
        MetricsEndpoint.Credentials.fromFile("prometheus", password));
    try (MetricsEndpoint metrics = new MetricsEndpoint("demo", address);
        LocalPipeline pipeline = LocalPipeline.start(0, AnalyzerConfig.defaults(), rules, metrics.registry())) {
      Process prometheus = startPrometheus(dir, metricsPort, promPort);
      try {
        TrainCommand command = new TrainCommand();
        new picocli.CommandLine(command).parseArgs("--train-size", "2000", "--epochs", "16", "--hidden", "128,128",
            "--learning-rate", "0.001", "--label-noise", "0.4", "--run-id", "prom-it");
        ReferenceTrainer.Result r = TrainCommand.train(TrainCommand.prepare(command.trainer), pipeline.kafka(),
            metrics.registry(), System.out, null, StopOptions.defaults());
        assertThat(r.stop()).as("the run was stopped, so alert metrics exist").isPresent();
        Thread.sleep(6000); // a few more scrapes after the last records
        HttpClient http = HttpClient.newHttpClient();
        List<String> failures = new ArrayList<>();
        System.out.println("dashboard queries (series returned):");
        for (var e : queries.entrySet()) {
          String expr = substitute(e.getValue(), "prom-it");
          JsonNode answer = query(http, promPort, expr);
          int series = answer.path("data").path("result").size();
          System.out.printf("  %3d  %s: %s%n", series, e.getKey(), expr);
          if (!"success".equals(answer.path("status").asText())) {
            failures.add(e.getKey() + ": error " + answer.path("error").asText() + " in " + expr);
          } else if (series == 0) {
            failures.add(e.getKey() + ": no series for " + expr);
          }
        }
        assertThat(failures).as("queries that failed or returned no series").isEmpty();
        // the suspect-labels table shows the analyzer's latest published ranking, rank by rank
        List<SuspectRanking> published = RunTopics.read(pipeline.kafka(), Topics.SUSPECTS, "prom-it").values();
        assertThat(published).as("rankings on rote.suspects").isNotEmpty();
        SuspectRanking last = published.get(published.size() - 1);
        for (int rank = 1; rank <= AnalyzerMetrics.SUSPECT_RANKS; rank++) {
          JsonNode top = query(http, promPort, "rote_analyzer_suspect_example_id{run=\"prom-it\",rank=\"" + rank + "\"}");
          assertThat(top.path("data").path("result").get(0).path("value").get(1).asLong()).as("example id at rank %d", rank)
              .isEqualTo(last.getSuspects(rank - 1).getExampleId());
        }
      } finally {
        prometheus.destroy();
        prometheus.waitFor();
      }
    }
  }

  /** Every query of the dashboards: "file / panel title / refId" to expression. */
  static Map<String, String> dashboardQueries() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(ROOT.resolve("dashboards"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode d = json.readTree(f.toFile());
        collect(f.getFileName().toString(), d.path("panels"), out);
        for (JsonNode a : d.path("annotations").path("list")) {
          if (a.has("expr")) {
            out.put(f.getFileName() + " / annotation " + a.path("name").asText(), a.get("expr").asText());
          }
        }
      }
    }
    return out;
  }

  private static void collect(String file, JsonNode panels, Map<String, String> out) {
    for (JsonNode p : panels) {
      for (JsonNode t : p.path("targets")) {
        if (t.hasNonNull("expr") && !t.get("expr").asText().isBlank()) {
          out.put(file + " / " + p.path("title").asText() + " / " + t.path("refId").asText(), t.get("expr").asText());
        }
      }
      collect(file, p.path("panels"), out);
    }
  }

  static String substitute(String expr, String run) {
    return expr.replace("${run}", run).replace("$run", run).replace("$__rate_interval", "1m")
        .replace("$__interval", "5s").replace("$__range", "5m");
  }

  private static JsonNode query(HttpClient http, int port, String expr) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
        + URLEncoder.encode(expr, StandardCharsets.UTF_8));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(r.body());
  }

  private static Process startPrometheus(Path dir, int metricsPort, int promPort) throws Exception {
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: rote-demo
            basic_auth:
              username: prometheus
              password_file: %s
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(dir.resolve("metrics.password"), metricsPort));
    Process p = new ProcessBuilder(PROMETHEUS, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + promPort).redirectErrorStream(true)
        .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + promPort + "/-/ready")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return p;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    p.destroy();
    throw new IllegalStateException("prometheus not ready: " + Files.readString(dir.resolve("prometheus.log")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
