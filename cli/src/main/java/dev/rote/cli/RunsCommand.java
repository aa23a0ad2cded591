package dev.rote.cli;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
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
    description = "List the runs the cluster knows, with their status.")
final class RunsCommand implements Callable<Integer> {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() {
    KafkaSettings settings = kafka.connect(Duration.ofSeconds(15));
    print(read(settings).values(), System.out);
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

  static void print(Collection<RunMetadata> runs, PrintStream out) {
    if (runs.isEmpty()) {
      out.println("no runs");
      return;
    }
    String fmt = "%-32s %-10s %8s  %-19s  %-19s  %-16s %s%n";
    out.printf(fmt, "RUN", "STATUS", "STEP", "STARTED", "UPDATED", "LABEL NOISE", "REASON");
    runs.stream().sorted(Comparator.comparingLong(RunMetadata::getStartTimeMs)).forEach(r -> out.printf(fmt,
        r.getRunId(), Console.status(r.getStatus()), r.getLastStep(),
        TIME.format(Instant.ofEpochMilli(r.getStartTimeMs())),
        TIME.format(Instant.ofEpochMilli(r.getUpdatedTimeMs())),
        noise(r), r.getStatusReason()));
  }

  private static String noise(RunMetadata r) {
    return switch (r.getLabelNoise().getMode()) {
      case LABEL_NOISE_MODE_SYMMETRIC -> "symmetric " + r.getLabelNoise().getFraction();
      case LABEL_NOISE_MODE_RANDOM -> "random labels";
      default -> "none";
    };
  }
}
