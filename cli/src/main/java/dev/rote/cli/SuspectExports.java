package dev.rote.cli;

import dev.rote.contract.v1.Suspect;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.reference.data.ExampleSelection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

/**
 * The files of {@code ./rote suspects --export-clean} and {@code --export-relabel}, from a ranking of
 * every example: the ids to keep (all but the examples scored above the threshold) and the suggested
 * labels of the suspects whose most predicted class differs from their label. The suspects
 * experiment writes the same files and retrains on them.
 */
final class SuspectExports {

  /**
   * What was written.
   *
   * @param suspects the examples scored above the threshold, by id
   * @param keep the ids kept, ascending (empty when no keep file was asked for)
   * @param relabels example id to {label, suggested label} (empty when no relabel file was asked for)
   */
  record Written(Map<Long, Suspect> suspects, long[] keep, Map<Long, int[]> relabels) {}

  private SuspectExports() {}

  /**
   * @param declared the run's declared example ids ({@code ExampleIdSpace}), 0 when unknown
   * @param subset whether the run trained on a subset of its id space: then only the ids it ranked are kept
   * @param keepFile where to write the ids to keep, or null
   * @param relabelFile where to write the relabel suggestions, or null
   */
  static Written write(SuspectRanking ranking, long declared, boolean subset, double threshold, Path keepFile,
      Path relabelFile) throws IOException {
    TreeMap<Long, Suspect> suspects = new TreeMap<>();
    ranking.getSuspectsList().stream().filter(s -> s.getScore() > threshold)
        .forEach(s -> suspects.put(s.getExampleId(), s));
    List<String> comments = List.of("run " + ranking.getRunId() + ", step " + ranking.getStep() + ", score "
        + ranking.getScore() + ", threshold " + threshold, suspects.size() + " suspects of " + ranking.getExamples()
        + " examples ranked" + (declared > 0 ? " (" + declared + " declared)" : ""));
    long[] keep = new long[0];
    if (keepFile != null) {
      if (declared > 0 && !subset) {
        keep = LongStream.range(0, declared).filter(id -> !suspects.containsKey(id)).toArray();
      } else {
        keep = ranking.getSuspectsList().stream().mapToLong(Suspect::getExampleId)
            .filter(id -> !suspects.containsKey(id)).sorted().toArray();
      }
      ExampleSelection.writeKeepIds(keepFile, keep, comments);
    }
    Map<Long, int[]> labels = new LinkedHashMap<>();
    if (relabelFile != null) {
      Map<Long, Double> scores = new LinkedHashMap<>();
      suspects.values().stream().filter(s -> s.getPredictedLabel() != s.getLabel()).forEach(s -> {
        labels.put(s.getExampleId(), new int[] {s.getLabel(), s.getPredictedLabel()});
        scores.put(s.getExampleId(), s.getScore());
      });
      ExampleSelection.writeRelabels(relabelFile, labels, scores, comments);
    }
    return new Written(suspects, keep, labels);
  }
}
