package dev.rote.analyzer;

import static dev.rote.analyzer.AnalyzerTopologyTest.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.analyzer.AnalyzerTopologyTest.Harness;
import dev.rote.contract.IndicatorNames;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.LayerStats;
import dev.rote.contract.v1.Telemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Batch summaries as the trainer library publishes them for what a user's program may train: a
 * network whose output layer it cannot read per example (no rows, the network's score as loss, NaN
 * accuracy), and convolutional or graph networks (a margin column, dense content ids, named layers).
 */
class LibraryTelemetryTest {

  private static final AnalyzerConfig CONFIG = new AnalyzerConfig("t", 4, 2, new int[] {1, 2}, 50, 1e-4, 1000, 64, 0);

  /** What the library sends when it has no per-example values: batch_size 0, no columns, NaN accuracy. */
  private static Telemetry withoutRows(String run, long step) {
    return Telemetry.newBuilder().setRunId(run).setStep(step).setEpoch(0).setTimeMs(1)
        .setBatch(BatchSummary.newBuilder().setLoss(2.31).setAccuracy(Double.NaN).setLearningRate(1e-3)
            .setBatchSize(0)
            .addLayers(LayerStats.newBuilder().setIndex(0).setName("conv").setParameterNorm(3).setGradientNorm(0.5)
                .setUpdateRatio(1e-3))
            .setExamples(ExampleColumns.getDefaultInstance()))
        .build();
  }

  /** A CNN or graph batch: content ids 0..n-1 of the epoch's first-seen order, with margins. */
  private static Telemetry withMargins(String run, long step, int epoch, long firstId, int[] labels, int[] predicted) {
    ExampleColumns.Builder e = ExampleColumns.newBuilder();
    for (int i = 0; i < labels.length; i++) {
      e.addExampleId(firstId + i).addLabel(labels[i]).addPredicted(predicted[i]).addLoss(0.7f)
          .addMargin(labels[i] == predicted[i] ? 0.4f : -0.2f).addSensitivity(0.1f * (i + 1));
    }
    return Telemetry.newBuilder().setRunId(run).setStep(step).setEpoch(epoch).setTimeMs(1)
        .setBatch(BatchSummary.newBuilder().setLoss(0.7).setAccuracy(0.5).setBatchSize(labels.length)
            .addLayers(LayerStats.newBuilder().setIndex(0).setName("stem").setParameterNorm(2))
            .addLayers(LayerStats.newBuilder().setIndex(1).setName("out").setParameterNorm(1))
            .setExamples(e))
        .build();
  }

  private static List<String> reasons(Harness h) {
    return h.dead.readRecordsToList().stream()
        .map(r -> new String(r.headers().lastHeader("rote.error.reason").value(), StandardCharsets.UTF_8)).toList();
  }

  @Test
  void shouldAcceptASummaryWithoutPerExampleRowsWhoseAccuracyIsNaN() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Harness h = new Harness(CONFIG)) {
      h.metrics.bindTo(registry);
      h.send(withoutRows("unsupported-head", 1));
      h.send(withoutRows("unsupported-head", 2));

      assertThat(reasons(h)).isEmpty();
      assertThat(registry.get(AnalyzerMetrics.PROCESSED).tag("type", "batch").counter().count()).isEqualTo(2);
      assertThat(registry.get(AnalyzerMetrics.LAYER_GRADIENT_NORM).tag("run", "unsupported-head").gauge().value())
          .isEqualTo(0.5);
    }
  }

  @Test
  void shouldStillRejectANaNAccuracyWhenTheSummaryHasRows() {
    try (Harness h = new Harness(CONFIG)) {
      Telemetry rows = withMargins("r", 1, 0, 0, new int[] {0, 1}, new int[] {0, 0});
      h.send(rows.toBuilder().setBatch(rows.getBatch().toBuilder().setAccuracy(Double.NaN)).build());
      Telemetry noRowsButSized = withoutRows("r", 2);
      h.send(noRowsButSized.toBuilder().setBatch(noRowsButSized.getBatch().toBuilder().setBatchSize(8)).build());

      assertThat(reasons(h)).containsExactly("not_finite", "not_finite");
    }
  }

  @Test
  void shouldAnalyzeSummariesWithMarginsAndContentIdsWithoutDeadLettering() {
    try (Harness h = new Harness(CONFIG)) {
      // Two epochs of two steps over content ids 0..3; example 1 flips from right to wrong in epoch 1.
      h.send(withMargins("cnn", 1, 0, 0, new int[] {0, 1}, new int[] {0, 1}));
      h.send(withMargins("cnn", 2, 0, 2, new int[] {2, 3}, new int[] {2, 3}));
      h.send(withMargins("cnn", 3, 1, 0, new int[] {0, 1}, new int[] {0, 0}));
      h.send(withMargins("cnn", 4, 1, 2, new int[] {2, 3}, new int[] {2, 3}));

      assertThat(reasons(h)).isEmpty();
      var xs = h.indicators();
      assertThat(value(xs, IndicatorNames.PREDICTION_FLIPS, 4)).isEqualTo(1);
      assertThat(value(xs, IndicatorNames.FORGETTING_EVENTS, 4)).isEqualTo(1);
      assertThat(value(xs, IndicatorNames.LOSS_SENSITIVITY_GINI, 4)).isGreaterThan(0);
    }
  }

  @Test
  void shouldDeadLetterAMarginColumnOfTheWrongLength() {
    try (Harness h = new Harness(CONFIG)) {
      Telemetry t = withMargins("r", 1, 0, 0, new int[] {0, 1}, new int[] {0, 1});
      h.send(t.toBuilder().setBatch(t.getBatch().toBuilder().setExamples(t.getBatch().getExamples().toBuilder()
          .addMargin(0.1f))).build());

      assertThat(reasons(h)).containsExactly("shape_mismatch");
    }
  }
}
