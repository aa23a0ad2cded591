package dev.rote.cli;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.StopSignal;
import dev.rote.service.KafkaOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "runs", mixinStandardHelpOptions = true,
    description = "List the runs the cluster knows: status, steps recorded, the oldest step still replayable "
        + "(retention), and the rule that stopped each stopped run.")
final class RunsCommand implements Callable<Integer> {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() {
    KafkaSettings settings = kafka.connect(Duration.ofSeconds(15));
    Map<String, TelemetryCatalog.Span> spans = TelemetryCatalog.spans(settings, Topics.TELEMETRY.name());
    Map<String, StopSignal> signals = TelemetryCatalog.signals(settings, Topics.CONTROL.name());
    signals.putAll(TelemetryCatalog.signals(settings, Topics.ALERTS.name()));
    print(read(settings).values(), spans, signals, System.out);
    return 0;
  }

  /** The latest metadata of every run on the compacted runs topic. */
  static Map<String, RunMetadata> read(KafkaSettings settings) {
    Map<String, Object> props = settings.with(Map.of(
        ConsumerConfig.CLIENT_ID_CONFIG, "rote-runs",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Map<String, RunMetadata> runs = new LinkedHashMap<>();
    try (var consumer = new KafkaConsumer<>(props, Topics.RUNS.keySerde().deserializer(),
        Topics.RUNS.valueSerde().deserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(Topics.RUNS.name(), Duration.ofSeconds(15))
          .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts, Duration.ofSeconds(15)));
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        try {
          for (var r : consumer.poll(Duration.ofMillis(500))) {
            if (r.value() == null) {
              runs.remove(r.key());
            } else {
              runs.put(r.key(), r.value());
            }
          }
        } catch (RecordDeserializationException e) {
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    }
    return runs;
  }

  static void print(Collection<RunMetadata> runs, Map<String, TelemetryCatalog.Span> spans,
      Map<String, StopSignal> signals, PrintStream out) {
    if (runs.isEmpty()) {
      out.println("no runs");
      return;
    }
    String fmt = "%-34s %-10s %8s %8s %9s  %-19s  %-16s %-20s %s%n";
    out.printf(fmt, "RUN", "STATUS", "STEP", "RECORDS", "OLDEST", "STARTED", "LABEL NOISE", "STOPPED BY", "REASON");
    runs.stream().sorted(Comparator.comparingLong(RunMetadata::getStartTimeMs)).forEach(r -> {
      TelemetryCatalog.Span span = spans.get(r.getRunId());
      StopSignal s = signals.get(r.getStopSignalId());
      String by = r.getStopSignalId().isEmpty() ? "-" : s == null ? r.getStopSignalId() : s.getRule();
      out.printf(fmt, r.getRunId(), Console.status(r.getStatus()), r.getLastStep(),
          span == null ? "0" : Long.toString(span.records()),
          span == null ? "gone" : Long.toString(span.oldestStep()),
          TIME.format(Instant.ofEpochMilli(r.getStartTimeMs())), noise(r), by, r.getStatusReason());
    });
    out.println("RECORDS: telemetry records still in " + Topics.TELEMETRY.name() + "; OLDEST: the oldest step "
        + "still replayable (earlier ones aged out of the retention).");
  }

  private static String noise(RunMetadata r) {
    return switch (r.getLabelNoise().getMode()) {
      case LABEL_NOISE_MODE_SYMMETRIC -> "symmetric " + r.getLabelNoise().getFraction();
      case LABEL_NOISE_MODE_RANDOM -> "random labels";
      default -> "none";
    };
  }
}
