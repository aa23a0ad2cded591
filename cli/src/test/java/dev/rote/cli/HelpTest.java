package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.cli.AlertingCommand;
import dev.rote.analyzer.cli.AnalyzerCommand;
import dev.rote.service.CommandLines;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --help} of every command prints its usage and nothing on stderr: no picocli warnings. */
class HelpTest {

  /** Every command path below {@code rote}: {@code []}, {@code [demo]}, ..., {@code [bench, trainer]}. */
  private static List<List<String>> commandPaths(CommandLine cmd, List<String> path) {
    List<List<String>> out = new ArrayList<>();
    out.add(path);
    cmd.getSubcommands().forEach((name, sub) -> {
      List<String> p = new ArrayList<>(path);
      p.add(name);
      out.addAll(commandPaths(sub, p));
    });
    return out;
  }

  @Test
  void shouldPrintEveryCommandsHelpWithoutWarnings() {
    List<List<String>> paths = commandPaths(new CommandLine(new Rote()), List.of());
    assertThat(paths).hasSizeGreaterThan(15).contains(List.of("experiment"), List.of("bench", "stop-latency"));
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      RoteCliTest.Run r = RoteCliTest.run(args.toArray(String[]::new));
      assertThat(r.err()).as("stderr of rote %s", args).isEmpty();
      assertThat(r.code()).as("exit code of rote %s", args).isZero();
      assertThat(r.out()).as("usage of rote %s", args).startsWith("Usage: rote" + (path.isEmpty() ? "" : " "
          + String.join(" ", path)));
    }
  }

  @Test
  void shouldRenderPercentSignsInDescriptions() {
    assertThat(RoteCliTest.run("demo", "--help").out()).containsPattern("with\\s+40%\\s+label\\s+noise");
    assertThat(RoteCliTest.run("experiment", "--help").out()).containsPattern("40%\\s+noise,\\s+one\\s+seed");
  }

  @Test
  void shouldPrintTheServiceImagesHelpLikeTheirRoteCommands() {
    for (Object service : new Object[] {new AnalyzerCommand(), new AlertingCommand()}) {
      String name = new CommandLine(service).getCommandName();
      RoteCliTest.Run r = RoteCliTest.capture(() -> CommandLines.executeService(service, name, "--help"));
      assertThat(r.err()).isEmpty();
      assertThat(r.code()).isZero();
      assertThat(r.out()).isEqualTo(RoteCliTest.run(name, "--help").out());
    }
  }
}
