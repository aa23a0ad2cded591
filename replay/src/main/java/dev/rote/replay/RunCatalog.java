package dev.rote.replay;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The catalog of runs: the latest {@code RunMetadata} of every run on the compacted {@code rote.runs}. */
public final class RunCatalog {

  private RunCatalog() {}

  /**
   * Run id to its latest metadata, in the order runs first appear; a tombstone removes a run.
   * Records that do not parse are noted.
   */
  public static Read<Map<String, RunMetadata>> read(KafkaSettings kafka) {
    Map<String, RunMetadata> runs = new LinkedHashMap<>();
    List<Unreadable> unreadable = new ArrayList<>();
    TopicScan.all(kafka, Topics.RUNS.name(), "rote-runs", r -> {
      if (r.key() == null) {
        return;
      }
      if (r.value() == null) {
        runs.remove(r.key());
        return;
      }
      RunMetadata m = TopicScan.parse(Topics.RUNS, r, unreadable);
      if (m != null) {
        runs.put(r.key(), m);
      }
    });
    return new Read<>(runs, unreadable);
  }
}
