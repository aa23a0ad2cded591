package dev.rote.bench;

import picocli.CommandLine.Command;

/** {@code rote bench}: the benchmarks, one subcommand each. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks; results are recorded in docs/BENCHMARKS.md.",
    subcommands = {TrainerBench.class, AnalyzerBench.class, StopLatencyBench.class, ReplayBench.class,
        RecordCommand.class, FailoverBench.class, FleetBench.class})
public final class BenchCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
