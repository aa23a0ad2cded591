package dev.rote.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.Telemetry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingTest {

  static final RunMetadata META = RunMetadata.newBuilder().setRunId("r").putHyperparameters("batch_size", "8").build();
  static final List<Telemetry> TELEMETRY = List.of(
      Telemetry.newBuilder().setRunId("r").setStep(0).setProbes(ProbeActivations.newBuilder().addLabels(1)).build(),
      Telemetry.newBuilder().setRunId("r").setStep(1).setBatch(BatchSummary.newBuilder().setLoss(0.5)).build(),
      Telemetry.newBuilder().setRunId("r").setStep(2).setBatch(BatchSummary.newBuilder().setLoss(0.25)).build());

  @Test
  void shouldRoundTripTheMetadataAndTheTelemetryInOrder(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("r.rec.gz");
    assertThat(new Recording(META, TELEMETRY).write(file, t -> true)).isEqualTo(3);
    Recording back = Recording.read(file);
    assertThat(back.metadata()).isEqualTo(META);
    assertThat(back.telemetry()).isEqualTo(TELEMETRY);
    assertThat(back.runId()).isEqualTo("r");
  }

  @Test
  void shouldLeaveProbesOutWhenAsked(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("r.rec.gz");
    assertThat(new Recording(META, TELEMETRY).write(file, Recording.NO_PROBES)).isEqualTo(2);
    assertThat(Recording.read(file).telemetry()).extracting(Telemetry::getStep).containsExactly(1L, 2L);
  }

  @Test
  void shouldSayWhatIsWrongWithAFileThatIsNoRecording(@TempDir Path dir) throws IOException {
    Path plain = Files.write(dir.resolve("plain.txt"), "hello".getBytes());
    assertThatThrownBy(() -> Recording.read(plain)).isInstanceOf(IOException.class).hasMessageContaining("not gzip");
    Path other = dir.resolve("other.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(other))) {
      out.write("NOTROTE!".getBytes());
    }
    assertThatThrownBy(() -> Recording.read(other)).hasMessageContaining("does not start with ROTEREC1");
    Path good = dir.resolve("good.rec.gz");
    new Recording(META, TELEMETRY).write(good, t -> true);
    byte[] raw = new java.util.zip.GZIPInputStream(Files.newInputStream(good)).readAllBytes();
    Path truncated = dir.resolve("truncated.rec.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(truncated))) {
      out.write(Arrays.copyOf(raw, raw.length - 3));
    }
    assertThatThrownBy(() -> Recording.read(truncated)).hasMessageContaining("telemetry record 3 does not parse");
  }
}
