package dev.rote.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks; results are recorded in docs/BENCHMARKS.md.",
    subcommands = {TrainerBench.class, AnalyzerBench.class, StopLatencyBench.class, ReplayBench.class})
final class BenchCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
