package dev.rote.replay;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A record a read could not use, and where it sits: the replay and the catalogs skip such records
 * (as the services dead-letter them) but never silently; they count them and say where they are.
 *
 * @param topic the record's topic
 * @param partition its partition
 * @param offset its offset
 * @param reason why it could not be read, e.g. {@code null value} or the parser's message
 */
public record Unreadable(String topic, int partition, long offset, String reason) {

  private static final int PLACES_SHOWN = 10;
  private static final int REASONS_SHOWN = 3;

  /** {@code topic/partition@offset}, as the services log a record's place. */
  public String place() {
    return topic + "/" + partition + "@" + offset;
  }

  /**
   * One line for people: {@code 3 unreadable records skipped at rote.telemetry/2@17,
   * rote.telemetry/2@18, rote.telemetry/2@40 (null value)}, the places after the tenth left out.
   *
   * @return the line, or an empty string for no records
   */
  public static String summary(List<Unreadable> records) {
    if (records.isEmpty()) {
      return "";
    }
    String places = records.stream().limit(PLACES_SHOWN).map(Unreadable::place).collect(Collectors.joining(", "));
    if (records.size() > PLACES_SHOWN) {
      places += " and " + (records.size() - PLACES_SHOWN) + " more";
    }
    Set<String> reasons = new LinkedHashSet<>();
    records.forEach(r -> reasons.add(r.reason()));
    String why = reasons.stream().limit(REASONS_SHOWN).collect(Collectors.joining("; "))
        + (reasons.size() > REASONS_SHOWN ? "; ..." : "");
    return records.size() + " unreadable record" + (records.size() == 1 ? "" : "s") + " skipped at " + places
        + " (" + why + ")";
  }
}
