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
 * The {@code ./rote} script's class-data archive for the services: a copy of it in a directory that
 * looks built (class path file, stamp, CLI jar), with a {@code java} on the PATH that writes down its
 * arguments and, asked to archive classes at exit, writes the archive.
 */
class RoteScriptCdsTest {

  @TempDir Path root;
  private Path calls;

  @BeforeEach
  void lookBuilt() throws Exception {
    Files.writeString(root.resolve("rote"), Files.readString(PrometheusDashboardsIntegrationTest.ROOT.resolve("rote")));
    Path target = Files.createDirectories(root.resolve("cli/target"));
    Files.writeString(target.resolve("classpath.txt"), "/deps/a.jar:/deps/b.jar");
    Files.writeString(target.resolve("rote-cli-0.1.0-SNAPSHOT.jar"), "jar");
    Files.writeString(target.resolve(".rote-built"), "");
    calls = root.resolve("calls.txt");
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.writeString(bin.resolve("java"), "#!/bin/bash\necho \"$*\" >> " + calls + "\n"
        + "for a in \"$@\"; do case \"$a\" in -XX:ArchiveClassesAtExit=*) echo archive > \"${a#*=}\";; esac; done\n");
    Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private List<String> run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("rote").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
    pb.environment().remove("ROTE_CDS");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return Files.readAllLines(calls);
  }

  @Test
  void shouldWriteTheArchiveOnAServicesFirstRunAndMapItAfterwards() throws Exception {
    Path archive = root.resolve("cli/target/cds/analyzer.jsa");
    assertThat(run("analyzer", "--help")).last().asString()
        .contains("-XX:ArchiveClassesAtExit=" + archive + ".")
        .contains("-cp " + root.resolve("cli/target/rote-cli-0.1.0-SNAPSHOT.jar") + ":/deps/a.jar:/deps/b.jar")
        .endsWith("dev.rote.cli.Rote analyzer --help");
    assertThat(archive).hasContent("archive");
    assertThat(root.resolve("cli/target/cds")).isDirectoryNotContaining("glob:**.tmp");
    assertThat(run("analyzer", "--help")).last().asString().contains("-XX:SharedArchiveFile=" + archive)
        .doesNotContain("ArchiveClassesAtExit");
  }

  @Test
  void shouldLeaveOtherCommandsAsTheyWere() throws Exception {
    assertThat(run("runs")).last().asString().doesNotContain("-XX:").contains("-cp " + root.resolve("cli/target/classes")
        + ":/deps/a.jar:/deps/b.jar dev.rote.cli.Rote runs");
  }
}
