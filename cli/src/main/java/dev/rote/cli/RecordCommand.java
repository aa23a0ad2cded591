package dev.rote.cli;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.Telemetry;
import dev.rote.replay.Read;
import dev.rote.replay.Recording;
import dev.rote.replay.RunCatalog;
import dev.rote.replay.RunTopics;
import dev.rote.replay.Unreadable;
import dev.rote.service.KafkaOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "record", mixinStandardHelpOptions = true,
    description = {"Write a recorded run (its metadata from rote.runs and its telemetry from rote.telemetry) to a "
        + "file that ./rote replay --recording backtests without a broker.",
        "The file is gzip'd, length-delimited protobuf (see the README, Replay and backtest)."})
final class RecordCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "RUN_ID", description = "The run to record.")
  String runId;

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the recording.")
  Path out;

  @Option(names = "--no-probes", description = "Leave the probe activations out (most of the bytes; only NMF "
      + "indicators need them).")
  boolean noProbes;

  @Option(names = "--to-step", paramLabel = "N", defaultValue = "0",
      description = "Keep the telemetry up to and including step N only; 0 for all (default: ${DEFAULT-VALUE}).")
  long toStep;

  @Override
  public Integer call() throws IOException {
    KafkaSettings settings = kafka.connect(Duration.ofSeconds(15));
    Read<Map<String, RunMetadata>> catalog = RunCatalog.read(settings);
    RunMetadata metadata = catalog.value().get(runId);
    RunTopics.Slice<Telemetry> slice = RunTopics.read(settings, Topics.TELEMETRY, runId);
    if (slice.records().isEmpty()) {
      System.err.println("no telemetry of run " + runId + " in " + Topics.TELEMETRY.name()
          + (metadata == null ? " (unknown run; see ./rote runs)" : " (it has aged out: retention)"));
      return 1;
    }
    if (metadata == null) {
      System.err.println("warning: run " + runId + " has no metadata on " + Topics.RUNS.name()
          + ": rules that count in epochs cannot evaluate the recording");
      metadata = RunMetadata.newBuilder().setRunId(runId).build();
    }
    for (List<Unreadable> u : List.of(catalog.unreadable(), slice.unreadable())) {
      if (!u.isEmpty()) {
        System.err.println("warning: " + Unreadable.summary(u));
      }
    }
    Predicate<Telemetry> keep = noProbes ? Recording.NO_PROBES : t -> true;
    if (toStep > 0) {
      keep = keep.and(t -> t.getStep() <= toStep);
    }
    long written = new Recording(metadata, slice.values()).write(out, keep);
    long last = slice.values().get(slice.values().size() - 1).getStep();
    System.out.printf("recorded run %s: %d telemetry records (steps %d..%d), %.1f kB, to %s%n", runId, written,
        slice.values().get(0).getStep(), toStep > 0 ? Math.min(toStep, last) : last, Files.size(out) / 1e3, out);
    return 0;
  }
}
