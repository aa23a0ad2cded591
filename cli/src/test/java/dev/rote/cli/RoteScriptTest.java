package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./rote} script without the data set: a copy of it whose default data directory is
 * missing, with a {@code mvn} on the PATH that only says it was called, so nothing is built.
 */
class RoteScriptTest {

  static final String MISSING = "Fashion-MNIST is missing: sudo apt-get install dataset-fashion-mnist "
      + "(or pass --data DIR)";

  @TempDir Path dir;
  private Path script;

  record Result(int code, String err) {}

  @BeforeEach
  void copyTheScript() throws Exception {
    String text = Files.readString(PrometheusDashboardsIntegrationTest.ROOT.resolve("rote"));
    assertThat(text).contains("DEFAULT_DATA=/usr/share/datasets/fashion-mnist\n");
    script = dir.resolve("rote");
    Files.writeString(script, text.replace("DEFAULT_DATA=/usr/share/datasets/fashion-mnist\n",
        "DEFAULT_DATA=" + dir.resolve("no-such-dataset") + "\n"));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho 'mvn was called'\nexit 1\n");
    Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Result run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), err);
  }

  @Test
  void shouldSayHowToInstallTheDataSetBeforeAnyBuild() throws Exception {
    for (String[] args : new String[][] {{"demo"}, {"train", "--epochs", "2"}, {"experiment", "--quick"},
        {"reproduce"}, {"bench", "trainer"}, {"example", "plain-fit"}}) {
      Result r = run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).isEqualTo("rote " + args[0] + ": " + MISSING + "\n");
    }
  }

  @Test
  void shouldGoOnToTheBuildWithDataHelpOrACommandThatReadsNoData() throws Exception {
    for (String[] args : new String[][] {{"demo", "--data", "/elsewhere"}, {"train", "--data=/elsewhere"},
        {"demo", "--help"}, {"runs"}, {"bench", "analyzer"}, {"experiment", "--render", "x.json"},
        {"example", "cnn", "--data", "/elsewhere"}}) {
      Result r = run(args);
      assertThat(r.err()).as(String.join(" ", args)).doesNotContain("Fashion-MNIST is missing")
          .contains("rote: build failed");
    }
  }
}
