package dev.rote.replay;

import java.util.List;

/**
 * What a read of a topic gave: the value built from the records that could be read, and the places
 * of those that could not.
 *
 * @param value what the readable records gave
 * @param unreadable the records skipped, in the order read
 */
public record Read<T>(T value, List<Unreadable> unreadable) {

  public Read {
    unreadable = List.copyOf(unreadable);
  }
}
