package dev.rote.replay;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.SuspectAnalysis;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.ExampleIdSpace;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.SuspectRanking;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A run's suspect-label ranking, read from the cluster: computed from the run's telemetry with the
 * analyzer's own computation ({@link SuspectAnalysis}), so every example can be ranked; or, when
 * retention deleted the telemetry, the last top of the ranking the analyzer published to
 * {@code rote.suspects}.
 */
public final class RunSuspects {

  /** Where the ranking came from. */
  public enum Source {
    /** Computed from the run's telemetry still in {@code rote.telemetry}. */
    TELEMETRY,
    /** The analyzer's last published ranking on {@code rote.suspects}: its top only. */
    TOPIC
  }

  /**
   * @param ranking the ranking: every example from telemetry; the published top from the topic
   * @param declaredTrainSize the example ids the run's metadata declares ({@code ExampleIdSpace}), 0 when unknown
   * @param gap steps retention deleted from the telemetry, whose presentations the ranking lacks
   * @param groundTruth whether the trainer published which labels it flipped
   * @param margins whether the trainer published margins (without them the score uses wrong events only)
   * @param unreadable records that could not be read and were skipped
   * @param rejected telemetry records read but left out as invalid (the analyzer dead-letters them)
   */
  public record Result(SuspectRanking ranking, Source source, long declaredTrainSize, Optional<RetentionGap> gap,
      boolean groundTruth, boolean margins, List<Unreadable> unreadable, long rejected) {}

  private RunSuspects() {}

  /**
   * Ranks every example of {@code runId} from its telemetry, or gives its last published top.
   *
   * @param catalog the runs the cluster knows ({@link RunCatalog})
   * @throws IllegalArgumentException for an unknown run, a run whose telemetry lacks per-example ids
   *     or labels (the message says which), or a run with neither telemetry nor a published ranking
   */
  public static Result read(KafkaSettings kafka, Map<String, RunMetadata> catalog, String runId) {
    RunMetadata metadata = catalog.get(runId);
    long declared = ExampleIdSpace.of(metadata);
    SuspectAnalysis analysis = new SuspectAnalysis(AnalyzerConfig.defaults(), declared);
    long[] records = {0};
    long[] firstStep = {-1};
    RunTopics.Slice<?> slice = RunTopics.scan(kafka, Topics.TELEMETRY, runId, r -> {
      if (firstStep[0] < 0) {
        firstStep[0] = r.value().getStep();
      }
      records[0]++;
      analysis.apply(r.value(), 0);
    });
    List<Unreadable> unreadable = new ArrayList<>(slice.unreadable());
    if (records[0] == 0) {
      if (metadata == null) {
        throw new IllegalArgumentException("unknown run id '" + runId + "': no record in " + Topics.RUNS.name()
            + " and no telemetry in " + Topics.TELEMETRY.name() + " (./rote runs lists the runs)");
      }
      RunTopics.Slice<SuspectRanking> published = RunTopics.read(kafka, Topics.SUSPECTS, runId);
      unreadable.addAll(published.unreadable());
      List<SuspectRanking> rankings = published.values();
      if (rankings.isEmpty()) {
        throw new IllegalArgumentException("run " + runId + " has no telemetry left in " + Topics.TELEMETRY.name()
            + " (retention) and no ranking in " + Topics.SUSPECTS.name());
      }
      SuspectRanking last = rankings.get(rankings.size() - 1);
      boolean truth = last.getSuspectsList().stream().anyMatch(s -> s.hasLabelFlipped());
      boolean margins = last.getSuspectsList().stream().anyMatch(s -> s.hasMeanMargin());
      return new Result(last, Source.TOPIC, declared, Optional.empty(), truth, margins, unreadable, 0);
    }
    List<SuspectAnalysis.Missing> missing = analysis.missing();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("run " + runId + ": cannot rank its training examples: "
          + missing.stream().map(SuspectAnalysis.Missing::message).collect(Collectors.joining("; "))
          + (analysis.rejected() > 0 ? " (" + rejected(analysis.rejected()) + ")" : ""));
    }
    Optional<RetentionGap> gap = RetentionGap.find(0, firstStep[0], slice.logStartOffset());
    return new Result(analysis.ranking(Integer.MAX_VALUE), Source.TELEMETRY, declared, gap, analysis.hasGroundTruth(),
        analysis.hasMargins(), unreadable, analysis.rejected());
  }

  /** Says that {@code n} telemetry records were left out as invalid. */
  public static String rejected(long n) {
    return n + " telemetry record" + (n == 1 ? " was" : "s were") + " left out as invalid, as the analyzer "
        + "dead-letters them (see rote.deadletter)";
  }
}
