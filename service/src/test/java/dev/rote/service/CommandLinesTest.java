package dev.rote.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CommandLinesTest {

  @Command(name = "echo", mixinStandardHelpOptions = true, description = "Test command.")
  static final class Echo implements Callable<Integer> {
    @Option(names = "--fail") String fail;

    @Override
    public Integer call() {
      if (fail != null) {
        throw fail.equals("input") ? new IllegalArgumentException("bad --fail")
            : new IllegalStateException("broken", new RuntimeException("root cause"));
      }
      return 0;
    }
  }

  private static String err(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      r.run();
    } finally {
      System.setErr(old);
    }
    return e.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldExitWithTwoOnBadInputAndOneOnFailureNamingEveryCause() {
    int[] code = new int[2];
    String input = err(() -> code[0] = CommandLines.executeService(new Echo(), "echo", "--fail", "input"));
    String failure = err(() -> code[1] = CommandLines.executeService(new Echo(), "echo", "--fail", "other"));
    assertThat(code).containsExactly(2, 1);
    assertThat(input).contains("rote echo: error: bad --fail");
    assertThat(failure).contains("rote echo: error: broken: root cause");
  }

  @Test
  void shouldPrintUsageOnAnUnknownOption() {
    int[] code = new int[1];
    String out = err(() -> code[0] = CommandLines.executeService(new Echo(), "echo", "--frobnicate"));
    assertThat(code[0]).isEqualTo(2);
    assertThat(out).contains("Unknown option: '--frobnicate'").contains("Usage: rote echo");
  }
}
