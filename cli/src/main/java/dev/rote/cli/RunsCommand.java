package dev.rote.cli;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Degradation;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.StopSignal;
import dev.rote.replay.Read;
import dev.rote.replay.RunCatalog;
import dev.rote.replay.TelemetryCatalog;
import dev.rote.replay.Unreadable;
import dev.rote.service.KafkaOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "runs", mixinStandardHelpOptions = true,
    description = "List the runs the cluster knows: status, steps recorded, the oldest step still replayable "
        + "(retention), where example ids came from, the rule that stopped each stopped run, and a DEGRADED line "
        + "for each thing a run's telemetry lacks.")
final class RunsCommand implements Callable<Integer> {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() {
    KafkaSettings settings = kafka.connect(Duration.ofSeconds(15));
    Read<Map<String, RunMetadata>> runs = RunCatalog.read(settings);
    Read<Map<String, TelemetryCatalog.Span>> spans = TelemetryCatalog.spans(settings);
    Read<Map<String, StopSignal>> control = TelemetryCatalog.signals(settings, Topics.CONTROL);
    Read<Map<String, StopSignal>> alerts = TelemetryCatalog.signals(settings, Topics.ALERTS);
    Map<String, StopSignal> signals = new HashMap<>(control.value());
    signals.putAll(alerts.value());
    print(runs.value().values(), spans.value(), signals, System.out);
    for (Read<?> read : List.of(runs, spans, control, alerts)) {
      if (!read.unreadable().isEmpty()) {
        System.out.println(Unreadable.summary(read.unreadable()));
      }
    }
    return 0;
  }

  static void print(Collection<RunMetadata> runs, Map<String, TelemetryCatalog.Span> spans,
      Map<String, StopSignal> signals, PrintStream out) {
    if (runs.isEmpty()) {
      out.println("no runs");
      return;
    }
    String fmt = "%-34s %-10s %8s %8s %9s  %-19s  %-16s %-8s %-20s %s%n";
    out.printf(fmt, "RUN", "STATUS", "STEP", "RECORDS", "OLDEST", "STARTED", "LABEL NOISE", "IDS", "STOPPED BY",
        "REASON");
    List<RunMetadata> sorted = runs.stream().sorted(Comparator.comparingLong(RunMetadata::getStartTimeMs)).toList();
    sorted.forEach(r -> {
      TelemetryCatalog.Span span = spans.get(r.getRunId());
      StopSignal s = signals.get(r.getStopSignalId());
      String by = r.getStopSignalId().isEmpty() ? "-" : s == null ? r.getStopSignalId() : s.getRule();
      out.printf(fmt, r.getRunId(), Console.status(r.getStatus()), r.getLastStep(),
          span == null ? "0" : Long.toString(span.records()),
          span == null ? "gone" : Long.toString(span.oldestStep()),
          TIME.format(Instant.ofEpochMilli(r.getStartTimeMs())), noise(r),
          r.getExampleIds().isEmpty() ? "-" : r.getExampleIds(), by, r.getStatusReason());
    });
    out.println("RECORDS: telemetry records still in " + Topics.TELEMETRY.name() + "; OLDEST: the oldest step "
        + "still replayable (earlier ones aged out of the retention); IDS: where the trainer's example ids came "
        + "from (explicit, iterator, content).");
    for (RunMetadata r : sorted) {
      for (Degradation d : r.getDegradedList()) {
        out.printf("DEGRADED %s: %s: %s%s%n", r.getRunId(), d.getWhat(), d.getDetail(),
            d.getIndicatorsCount() == 0 ? "" : " (affects " + String.join(", ", d.getIndicatorsList()) + ")");
      }
    }
  }

  private static String noise(RunMetadata r) {
    return switch (r.getLabelNoise().getMode()) {
      case LABEL_NOISE_MODE_SYMMETRIC -> "symmetric " + r.getLabelNoise().getFraction();
      case LABEL_NOISE_MODE_RANDOM -> "random labels";
      default -> "none";
    };
  }
}
