package dev.rote.cli;

import dev.rote.alerting.cli.AlertingCommand;
import dev.rote.analyzer.cli.AnalyzerCommand;
import dev.rote.bench.BenchCommand;
import dev.rote.service.CommandLines;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./rote} command line. */
@Command(name = "rote", mixinStandardHelpOptions = true, version = CommandLines.VERSION,
    description = "Rote: a live memorization monitor for neural-network training.",
    subcommands = {
        DemoCommand.class, BrokerCommand.class, TrainCommand.class, AnalyzerCommand.class, AlertingCommand.class,
        StopCommand.class, ExampleCommand.class, SecurityCommand.class,
        RunsCommand.class, RecordCommand.class, ReplayCommand.class, SuspectsCommand.class, ReproduceCommand.class,
        ExperimentCommand.class, SuspectsExperimentCommand.class,
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
    return CommandLines.execute(new Rote(), args);
  }
}
