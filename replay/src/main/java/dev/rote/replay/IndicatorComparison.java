package dev.rote.replay;

import dev.rote.contract.v1.Indicator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replayed indicators against the original run's, value by value: keyed by name, layer, class and
 * step, and identical only when the doubles are bit for bit. A key can occur twice at one step (runs
 * recorded before the analyzer emitted the generalization gap only with evaluations have a batch's and an
 * evaluation's): the n-th occurrence is compared with the n-th.
 *
 * @param compared indicators of the original run
 * @param identical original indicators the replay reproduced bit for bit
 * @param differing original indicators the replay gave another value
 * @param missing original indicators the replay did not give
 * @param extra replayed indicators the original run does not have
 */
public record IndicatorComparison(long compared, long identical, long differing, long missing, long extra) {

  public static IndicatorComparison of(List<Indicator> original, List<Indicator> replayed) {
    Map<String, Double> originals = byOccurrence(original);
    Map<String, Double> replays = byOccurrence(replayed);
    long identical = 0;
    long differing = 0;
    long extra = 0;
    for (var e : replays.entrySet()) {
      Double o = originals.get(e.getKey());
      if (o == null) {
        extra++;
      } else if (Double.doubleToLongBits(o) == Double.doubleToLongBits(e.getValue())) {
        identical++;
      } else {
        differing++;
      }
    }
    Set<String> missing = new HashSet<>(originals.keySet());
    missing.removeAll(replays.keySet());
    return new IndicatorComparison(originals.size(), identical, differing, missing.size(), extra);
  }

  private static Map<String, Double> byOccurrence(List<Indicator> indicators) {
    Map<String, Double> out = new HashMap<>();
    Map<String, Integer> occurrences = new HashMap<>();
    for (Indicator i : indicators) {
      String k = i.getName() + "|" + (i.hasLayer() ? i.getLayer() : "") + "|"
          + (i.hasClassLabel() ? i.getClassLabel() : "") + "|" + i.getStep();
      out.put(k + "#" + occurrences.merge(k, 1, Integer::sum), i.getValue());
    }
    return out;
  }
}
