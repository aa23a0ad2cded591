package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoteCliTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    return capture(() -> Rote.execute(args));
  }

  /** Runs a command line that returns its exit code, with stdout and stderr captured. */
  static synchronized Run capture(IntSupplier commandLine) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = commandLine.getAsInt();
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void shouldPrintUsageForAnUnknownOption() {
    Run r = run("train", "--frobnicate");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option: '--frobnicate'").contains("Usage: rote train");
  }

  @Test
  void shouldNameTheMissingDatasetDirectoryBeforeConnecting(@TempDir Path dir) {
    Run r = run("train", "--data", dir.resolve("missing").toString(), "--bootstrap-servers", "127.0.0.1:1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("missing").contains("--data").doesNotContain("cannot reach Kafka");
  }

  @Test
  void shouldNameAWrongMagicNumber(@TempDir Path dir) throws Exception {
    for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
      try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve(f)))) {
        out.write(new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
      }
    }
    Run r = run("train", "--data", dir.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("train-images-idx3-ubyte.gz").contains("wrong IDX magic number 0x00000801");
  }

  @Test
  void shouldRejectANoiseFractionOutsideTheUnitInterval() {
    Run r = run("train", "--label-noise", "-0.1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--label-noise must be in [0, 1], was -0.1");
  }

  @Test
  void shouldFailClearlyWhenTheBrokerIsUnreachable() {
    Run r = run("runs", "--bootstrap-servers", "127.0.0.1:1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("cannot reach Kafka at 127.0.0.1:1 (--bootstrap-servers)");
  }

  @Test
  void shouldRefuseAGracePeriodThatIsNoDurationBeforeReachingKafka() {
    for (String service : List.of("analyzer", "alerting")) {
      Run r = run(service, "--evict-after", "soon", "--bootstrap-servers", "127.0.0.1:1");
      assertThat(r.code()).as(service).isEqualTo(2);
      assertThat(r.err()).as(service).contains("--evict-after must look like 10m, 1h, 30s, 500ms or 0, was 'soon'")
          .doesNotContain("cannot reach Kafka");
    }
  }

  @Test
  void shouldRefuseToStartWithAnInvalidRulesFileNamingLineAndField(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "rules:\n  - name: a\n    monitor: prediction_flip_rate\n    patience: -2\n");
    Run r = run("alerting", "--rules", rules.toString(), "--bootstrap-servers", "127.0.0.1:1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(rules + " line 4: patience: must be N (evaluations), N evaluations, N steps or N epochs with N >= 0, was '-2'")
        .doesNotContain("cannot reach Kafka");
  }

  @Test
  void shouldReportARuleOnAnUnknownIndicatorAndGoOn(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "rules:\n  - name: a\n    monitor: val_los\n");
    Run r = run("alerting", "--rules", rules.toString(), "--bootstrap-servers", "127.0.0.1:1");
    assertThat(r.err()).contains("warning: " + rules + " line 2: rule 'a' monitors 'val_los', which the "
        + "analyzer does not publish").contains("cannot reach Kafka");
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void shouldSayInOneLineThatTheBrokerPortIsTaken() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run r = run("broker", "--port", Integer.toString(taken.getLocalPort()));
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err().lines()).singleElement().asString()
          .isEqualTo("rote broker: error: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use "
              + "(another broker?); choose another with --port");
    }
  }

  @Test
  void shouldTakeKafkaClientFilesAndGuardMetricsOnEveryCommandThatNeedsThem() {
    java.util.List<String> checked = new java.util.ArrayList<>();
    java.util.Deque<picocli.CommandLine> todo = new java.util.ArrayDeque<>(
        new picocli.CommandLine(new Rote()).getSubcommands().values());
    while (!todo.isEmpty()) {
      picocli.CommandLine c = todo.pop();
      todo.addAll(c.getSubcommands().values());
      var spec = c.getCommandSpec();
      // security provision connects as the broker's own certificate, before any role's user exists.
      if (spec.findOption("--bootstrap-servers") != null && !spec.qualifiedName().equals("rote security provision")) {
        assertThat(spec.findOption("--kafka-config")).as(spec.qualifiedName()).isNotNull();
        checked.add(spec.name());
      }
      if (spec.findOption("--metrics-port") != null) {
        assertThat(spec.findOption("--metrics-host")).as(spec.qualifiedName()).isNotNull();
        assertThat(spec.findOption("--metrics-host").defaultValue()).isEqualTo("127.0.0.1");
        assertThat(spec.findOption("--metrics-password-file")).as(spec.qualifiedName()).isNotNull();
        checked.add(spec.name() + " metrics");
      }
    }
    assertThat(checked).contains("train", "trainer", "analyzer", "alerting", "stop", "runs", "replay", "analyzer metrics",
        "alerting metrics", "train metrics", "demo metrics", "replay metrics");
  }
}
