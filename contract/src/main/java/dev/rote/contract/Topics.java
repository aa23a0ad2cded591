package dev.rote.contract;

import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.contract.v1.Telemetry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The registry of every Rote topic. Keys are always the run id (UTF-8), so each run's records share
 * a partition and stay in order.
 *
 * <table>
 *   <caption>Topics</caption>
 *   <tr><th>topic</th><th>value</th><th>cleanup</th></tr>
 *   <tr><td>rote.runs</td><td>{@link RunMetadata}</td><td>compact</td></tr>
 *   <tr><td>rote.telemetry</td><td>{@link Telemetry}</td><td>delete after the retention</td></tr>
 *   <tr><td>rote.indicators</td><td>{@link Indicator}</td><td>delete after the retention</td></tr>
 *   <tr><td>rote.alerts</td><td>{@link StopSignal}</td><td>delete after the retention</td></tr>
 *   <tr><td>rote.control</td><td>{@link StopSignal}</td><td>delete after the retention</td></tr>
 *   <tr><td>rote.deadletter</td><td>the rejected record's bytes, reason in headers</td><td>delete</td></tr>
 *   <tr><td>rote.suspects</td><td>{@link SuspectRanking}</td><td>compact</td></tr>
 * </table>
 */
public final class Topics {

  /** Largest record Rote topics accept: probe activation matrices can reach several MiB. */
  public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

  public static final Serde<String> RUN_ID = Serdes.String();

  public static final Topic<String, RunMetadata> RUNS =
      new Topic<>(
          "rote.runs",
          RUN_ID,
          new ProtoSerde<>(RunMetadata.parser(), "rote.v1.RunMetadata"),
          Map.of(
              TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
              TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "60000"));

  public static final Topic<String, Telemetry> TELEMETRY =
      retained("rote.telemetry", new ProtoSerde<>(Telemetry.parser(), "rote.v1.Telemetry"));

  public static final Topic<String, Indicator> INDICATORS =
      retained("rote.indicators", new ProtoSerde<>(Indicator.parser(), "rote.v1.Indicator"));

  public static final Topic<String, StopSignal> ALERTS =
      retained("rote.alerts", new ProtoSerde<>(StopSignal.parser(), "rote.v1.StopSignal"));

  public static final Topic<String, StopSignal> CONTROL =
      retained("rote.control", new ProtoSerde<>(StopSignal.parser(), "rote.v1.StopSignal"));

  public static final Topic<byte[], byte[]> DEAD_LETTER =
      new Topic<>("rote.deadletter", Serdes.ByteArray(), Serdes.ByteArray(), Map.of());

  /** The current top of each run's suspect-label ranking; compacted, so the latest ranking per run stays. */
  public static final Topic<String, SuspectRanking> SUSPECTS =
      new Topic<>(
          "rote.suspects",
          RUN_ID,
          new ProtoSerde<>(SuspectRanking.parser(), "rote.v1.SuspectRanking"),
          Map.of(
              TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
              TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_MESSAGE_BYTES)));

  /** Every topic, in creation order. */
  public static final List<Topic<?, ?>> ALL =
      List.of(RUNS, TELEMETRY, INDICATORS, ALERTS, CONTROL, DEAD_LETTER, SUSPECTS);

  private Topics() {}

  private static <V> Topic<String, V> retained(String name, Serde<V> serde) {
    return new Topic<>(
        name,
        RUN_ID,
        serde,
        Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_MESSAGE_BYTES)));
  }
}
