package dev.rote.bench;

import dev.rote.contract.v1.DatasetInfo;
import dev.rote.contract.v1.LabelNoise;
import dev.rote.contract.v1.LabelNoiseMode;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.Telemetry;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The telemetry of a real reference-trainer run, recorded once ({@code ./rote bench record}) and
 * replayed under other run ids by the fleet benchmark and the fault tests: Fashion-MNIST, 10,000
 * training examples with 40 % symmetric label noise, MLP 784-512-512-10, batch 128, default
 * sampling, trained to the end without stopping. Probe records are left out (the file stays small;
 * NMF is measured by {@code ./rote bench analyzer}). Format: gzip of length-delimited
 * {@code rote.v1.Telemetry} messages, in the order the trainer published them.
 */
public final class RecordedRun {

  /** The classpath resource holding the recording. */
  public static final String RESOURCE = "/dev/rote/bench/recorded-run.bin.gz";

  private RecordedRun() {}

  /** The committed recording. */
  public static List<Telemetry> load() {
    InputStream in = RecordedRun.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException("no recorded run on the classpath (" + RESOURCE + "): record one with "
          + "./rote bench record --out bench/src/main/resources" + RESOURCE);
    }
    try (InputStream s = in) {
      return read(s);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
    }
  }

  static List<Telemetry> read(InputStream raw) throws IOException {
    List<Telemetry> out = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(new BufferedInputStream(raw))) {
      Telemetry t;
      while ((t = Telemetry.parseDelimitedFrom(in)) != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** Training examples of the recorded run. */
  public static final int TRAIN_SIZE = 10_000;

  /** Batch size of the recorded run. */
  public static final int BATCH_SIZE = 128;

  /**
   * The metadata the recorded run's trainer published on {@code rote.runs}, for run {@code runId}:
   * what the built-in rules need to count epochs ({@code dataset.train_size},
   * {@code hyperparameters["batch_size"]}) and the label noise.
   */
  public static RunMetadata metadata(String runId, long startTimeMs) {
    return RunMetadata.newBuilder().setRunId(runId).setStatus(RunStatus.RUN_STATUS_RUNNING)
        .setStartTimeMs(startTimeMs).setUpdatedTimeMs(startTimeMs)
        .setDataset(DatasetInfo.newBuilder().setName("fashion-mnist").setTrainSize(TRAIN_SIZE).setTestSize(10_000)
            .setNumClasses(10).setInputSize(784))
        .putHyperparameters("batch_size", Integer.toString(BATCH_SIZE))
        .setLabelNoise(LabelNoise.newBuilder().setMode(LabelNoiseMode.LABEL_NOISE_MODE_SYMMETRIC).setFraction(0.4)
            .setFlippedCount(Math.round(0.4 * TRAIN_SIZE)))
        .build();
  }

  /** Writes {@code records} in the recording's format. */
  public static void write(Path file, List<Telemetry> records) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    try (OutputStream out = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      for (Telemetry t : records) {
        t.writeDelimitedTo(out);
      }
    }
  }

  /**
   * The first {@code steps} steps of a run that goes on training over the same examples after the
   * recording ends: the recording, then copies of it whose step and epoch numbers continue where the
   * previous copy stopped, so that every run stays valid telemetry (steps rising, epochs advancing,
   * the same training set) however long a benchmark replays it. Records are shared, not copied,
   * where the numbers do not change.
   *
   * @param recording a recording whose steps rise (its batch summaries, say)
   */
  public static List<Telemetry> looped(List<Telemetry> recording, long steps) {
    if (recording.isEmpty()) {
      throw new IllegalArgumentException("an empty recording cannot be looped");
    }
    long stepsPerCopy = recording.get(recording.size() - 1).getStep();
    if (stepsPerCopy <= 0) {
      throw new IllegalArgumentException("the recording ends at step " + stepsPerCopy + "; looping needs steps >= 1");
    }
    int epochsPerCopy = recording.get(recording.size() - 1).getEpoch() + 1;
    List<Telemetry> out = new ArrayList<>();
    for (int copy = 0; ; copy++) {
      long stepOffset = copy * stepsPerCopy;
      int epochOffset = copy * epochsPerCopy;
      for (Telemetry t : recording) {
        long step = t.getStep() + stepOffset;
        if (step > steps) {
          return out;
        }
        out.add(copy == 0 ? t : t.toBuilder().setStep(step).setEpoch(t.getEpoch() + epochOffset).build());
      }
    }
  }

  /**
   * The record as run {@code runId} publishes it at wall-clock time {@code timeMs}: the run id of
   * the key and the record replaced, the publish time set.
   */
  public static Telemetry as(Telemetry t, String runId, long timeMs) {
    return t.toBuilder().setRunId(runId).setTimeMs(timeMs).build();
  }
}
