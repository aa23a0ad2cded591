package dev.rote.service;

import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * How every Rote command line runs its commands: error messages that name the command and every
 * distinct cause, and exit codes 0 (ok), 1 (failure) and 2 (bad usage or input).
 */
public final class CommandLines {

  /** The version every Rote command prints with {@code --version}. */
  public static final String VERSION = "rote 0.1.0";

  private CommandLines() {}

  /** Runs {@code command} (a picocli command object) with {@code args}; returns the exit code. */
  public static int execute(Object command, String... args) {
    return execute(new CommandLine(command), args);
  }

  private static int execute(CommandLine cli, String... args) {
    cli.setExecutionExceptionHandler((e, cmd, parse) -> {
      cmd.getErr().println("rote " + cmd.getCommandName() + ": error: " + message(e));
      return e instanceof IllegalArgumentException ? 2 : 1;
    });
    cli.setParameterExceptionHandler((e, parsedArgs) -> {
      CommandLine cmd = e.getCommandLine();
      cmd.getErr().println("rote " + cmd.getCommandName() + ": " + e.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
      cmd.usage(cmd.getErr());
      return 2;
    });
    return cli.execute(args);
  }

  /**
   * Runs {@code rote SERVICE [options]} with {@code service} as the only subcommand: the entry point
   * of a service image, which carries that service's classes only, and takes the arguments that
   * {@code ./rote SERVICE} takes.
   */
  public static int executeService(Object service, String... args) {
    return execute(new CommandLine(new ServiceRoot()).addSubcommand(service), args);
  }

  /**
   * A duration written as a number and a unit: {@code 30d}, {@code 12h}, {@code 90m}, {@code 3600s},
   * {@code 500ms}.
   *
   * @throws IllegalArgumentException naming {@code option} and listing {@code examples} when the text
   *     is none of these, or negative
   */
  public static Duration parseDuration(String option, String text, String examples) {
    String t = text.trim().toLowerCase();
    try {
      Duration d;
      if (t.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else {
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        d = switch (t.charAt(t.length() - 1)) {
          case 'd' -> Duration.ofDays(n);
          case 'h' -> Duration.ofHours(n);
          case 'm' -> Duration.ofMinutes(n);
          case 's' -> Duration.ofSeconds(n);
          default -> throw new NumberFormatException();
        };
      }
      if (d.isNegative()) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(option + " must look like " + examples + ", was '" + text + "'");
    }
  }

  /** The message of {@code t} and of each distinct cause. */
  public static String message(Throwable t) {
    StringBuilder b = new StringBuilder(t.getMessage() == null ? t.toString() : t.getMessage());
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      String m = c.getMessage() == null ? c.toString() : c.getMessage();
      if (b.indexOf(m) < 0) {
        b.append(": ").append(m);
      }
    }
    return b.toString();
  }

  @Command(name = "rote", mixinStandardHelpOptions = true, version = VERSION,
      description = "Rote: a live memorization monitor for neural-network training.")
  static final class ServiceRoot implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }
}
