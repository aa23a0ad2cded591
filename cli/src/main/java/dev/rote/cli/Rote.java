package dev.rote.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./rote} command line. */
@Command(name = "rote", mixinStandardHelpOptions = true, version = "rote 0.1.0",
    description = "Rote: a live memorization monitor for neural-network training.",
    subcommands = {
        DemoCommand.class, BrokerCommand.class, TrainCommand.class, AnalyzerCommand.class, AlertingCommand.class,
        StopCommand.class,
        RunsCommand.class, ReplayCommand.class, ReproduceCommand.class, ExperimentCommand.class,
        BenchCommand.class
    })
public final class Rote implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code: 0 ok, 1 failure, 2 bad usage or input. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Rote());
    cli.setExecutionExceptionHandler((e, cmd, parse) -> {
      Throwable t = e;
      cmd.getErr().println("rote " + cmd.getCommandName() + ": error: " + message(t));
      return t instanceof IllegalArgumentException ? 2 : 1;
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

  /** The message of {@code t} and of each distinct cause. */
  static String message(Throwable t) {
    StringBuilder b = new StringBuilder(t.getMessage() == null ? t.toString() : t.getMessage());
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      String m = c.getMessage() == null ? c.toString() : c.getMessage();
      if (b.indexOf(m) < 0) {
        b.append(": ").append(m);
      }
    }
    return b.toString();
  }
}
