package dev.rote.replay;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.Telemetry;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A recorded run in a file: its metadata and its telemetry in the order the trainer produced it, so
 * a backtest, a test fixture or a benchmark can replay it without a broker ({@code ./rote record}
 * writes one, {@code ./rote replay --recording} backtests one).
 *
 * <p>Format: gzip of the 8 ASCII bytes {@code ROTEREC1}, then the run's {@code rote.v1.RunMetadata}
 * and its {@code rote.v1.Telemetry} records, each as a varint length followed by the message's
 * standard protobuf encoding ({@code writeDelimitedTo}, readable by any protobuf implementation).
 *
 * @param metadata the run's latest metadata (an empty message with the run id when none was found)
 * @param telemetry the run's telemetry records, in order
 */
public record Recording(RunMetadata metadata, List<Telemetry> telemetry) {

  private static final byte[] MAGIC = "ROTEREC1".getBytes(StandardCharsets.US_ASCII);

  /** Telemetry without probe activations: what fixtures keep (probes are most of the bytes). */
  public static final Predicate<Telemetry> NO_PROBES = t -> !t.hasProbes();

  public Recording {
    telemetry = List.copyOf(telemetry);
  }

  /** The run id of the recording. */
  public String runId() {
    return metadata.getRunId();
  }

  /** Writes the recording, keeping the telemetry records {@code keep} accepts; returns how many it wrote. */
  public long write(Path file, Predicate<Telemetry> keep) throws IOException {
    long written = 0;
    try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), 1 << 16)) {
      out.write(MAGIC);
      metadata.writeDelimitedTo(out);
      for (Telemetry t : telemetry) {
        if (keep.test(t)) {
          t.writeDelimitedTo(out);
          written++;
        }
      }
    }
    return written;
  }

  /**
   * Reads a recording.
   *
   * @throws IOException when the file cannot be read or is not a complete Rote recording (naming
   *     the record that failed)
   */
  public static Recording read(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(file), 1 << 16))) {
      return read(in, file.toString());
    } catch (java.util.zip.ZipException e) {
      throw new IOException(file + " is not a Rote recording (not gzip: " + e.getMessage() + ")", e);
    }
  }

  /** Reads a recording from a stream (gunzipped already); {@code source} names it in messages. */
  static Recording read(InputStream in, String source) throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IOException(source + " is not a Rote recording (it does not start with ROTEREC1)");
    }
    RunMetadata metadata;
    try {
      metadata = RunMetadata.parseDelimitedFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(source + ": the run metadata does not parse: " + e.getMessage(), e);
    }
    if (metadata == null) {
      throw new EOFException(source + ": ends before the run metadata");
    }
    List<Telemetry> telemetry = new ArrayList<>();
    while (true) {
      Telemetry t;
      try {
        t = Telemetry.parseDelimitedFrom(in);
      } catch (InvalidProtocolBufferException e) {
        throw new IOException(source + ": telemetry record " + (telemetry.size() + 1) + " does not parse ("
            + e.getMessage() + "); the file is damaged or truncated", e);
      }
      if (t == null) {
        break;
      }
      telemetry.add(t);
    }
    return new Recording(metadata, telemetry);
  }
}
