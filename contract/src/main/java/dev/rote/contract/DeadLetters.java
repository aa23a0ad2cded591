package dev.rote.contract;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Headers of a record on {@code rote.deadletter}. The value and key are the rejected record's own;
 * the headers say who rejected it, why, and where it came from.
 *
 * <table>
 *   <caption>Dead-letter headers (UTF-8 strings)</caption>
 *   <tr><td>rote.error.source</td><td>the service that rejected it: analyzer, alerting</td></tr>
 *   <tr><td>rote.error.reason</td><td>a short, bounded code (also a metric tag), e.g. deserialization</td></tr>
 *   <tr><td>rote.error.message</td><td>the full explanation</td></tr>
 *   <tr><td>rote.error.topic, rote.error.partition, rote.error.offset</td><td>where it was read</td></tr>
 * </table>
 */
public final class DeadLetters {

  public static final String SOURCE = "rote.error.source";
  public static final String REASON = "rote.error.reason";
  public static final String MESSAGE = "rote.error.message";
  public static final String TOPIC = "rote.error.topic";
  public static final String PARTITION = "rote.error.partition";
  public static final String OFFSET = "rote.error.offset";

  private DeadLetters() {}

  /**
   * @param topic the topic the record was read from, or null when unknown (then partition and
   *     offset are left out too)
   */
  public static Headers headers(String source, String reason, String message, String topic, int partition,
      long offset) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(REASON, utf8(reason));
    headers.add(MESSAGE, utf8(message));
    headers.add(SOURCE, utf8(source));
    if (topic != null) {
      headers.add(TOPIC, utf8(topic));
      headers.add(PARTITION, utf8(Integer.toString(partition)));
      headers.add(OFFSET, utf8(Long.toString(offset)));
    }
    return headers;
  }

  /** The value of a header as a string, or null when absent. */
  public static String header(Headers headers, String name) {
    var h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
