package dev.rote.service;

import dev.rote.contract.EpochLength;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The latest {@code RunMetadata} of each run, as published on {@code rote.runs}: what a service
 * knows about a run beyond its telemetry (training-set size, batch size, status, ...). In the
 * analyzer and the alerting service it is the global store {@value RunMetadataTopology#STORE},
 * which every instance holds in full ({@link #of(ProcessingContext)}); replays and tests use a map
 * ({@link #of(Map)}).
 */
@FunctionalInterface
public interface RunDirectory {

  /** A directory that knows no run. */
  RunDirectory EMPTY = runId -> Optional.empty();

  /** The run's latest metadata, if any was published (and not deleted by a tombstone). */
  Optional<RunMetadata> metadata(String runId);

  /** Steps per epoch of the run, or what its metadata lacks (naming the field). */
  default EpochLength epochLength(String runId) {
    return EpochLength.of(metadata(runId).orElse(null));
  }

  /** The run's status, if its metadata is known. */
  default Optional<RunStatus> status(String runId) {
    return metadata(runId).map(RunMetadata::getStatus);
  }

  /** The run's training-set size ({@code dataset.train_size}), if its metadata gives one. */
  default OptionalLong trainSize(String runId) {
    return metadata(runId).filter(m -> m.hasDataset() && m.getDataset().getTrainSize() > 0)
        .map(m -> OptionalLong.of(m.getDataset().getTrainSize())).orElse(OptionalLong.empty());
  }

  /** A directory over a fixed map of run id to metadata (read at each call: later puts count). */
  static RunDirectory of(Map<String, RunMetadata> runs) {
    return runId -> Optional.ofNullable(runs.get(runId));
  }

  /** A directory over a key-value store of run id to metadata. */
  static RunDirectory of(ReadOnlyKeyValueStore<String, RunMetadata> store) {
    return runId -> runId == null ? Optional.empty() : Optional.ofNullable(store.get(runId));
  }

  /**
   * The directory of a processor whose topology has the run-metadata store
   * ({@link RunMetadataTopology#addTo}); call it in {@code init}.
   */
  static RunDirectory of(ProcessingContext context) {
    ReadOnlyKeyValueStore<String, RunMetadata> store = context.getStateStore(RunMetadataTopology.STORE);
    return of(store);
  }
}
