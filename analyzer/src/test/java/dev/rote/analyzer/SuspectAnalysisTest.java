package dev.rote.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.analyzer.math.Auroc;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Suspect;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.contract.v1.Telemetry;
import org.junit.jupiter.api.Test;

class SuspectAnalysisTest {

  @Test
  void shouldKeepFlippedLabelsOnTopAfterTheNetworkMemorizedThem() {
    SyntheticRun run = new SyntheticRun("m", 200, 20, 12, 4, 11);
    SuspectAnalysis analysis = new SuspectAnalysis(AnalyzerConfig.defaults(), 200);
    run.telemetry().forEach(t -> analysis.apply(t, 10));

    SuspectRanking all = analysis.ranking(Integer.MAX_VALUE);
    double[] scores = all.getSuspectsList().stream().mapToDouble(Suspect::getScore).toArray();
    boolean[] flipped = new boolean[scores.length];
    for (int i = 0; i < scores.length; i++) {
      flipped[i] = all.getSuspects(i).getLabelFlipped();
    }
    // memorized from epoch 4 of 12: wrong in epochs 1-3, right after; the last loss no longer tells them apart
    assertThat(Auroc.of(scores, flipped)).isEqualTo(1.0);
    assertThat(all.getSuspectsList()).filteredOn(Suspect::getLabelFlipped).allSatisfy(s -> {
      assertThat(s.getWrong()).isBetween(3, 4);
      assertThat(s.getLastLoss()).isLessThan(0.5f);
      assertThat(s.getFirstLearnedStep()).isGreaterThan(0);
    });
    assertThat(analysis.hasGroundTruth()).isTrue();
    assertThat(analysis.hasMargins()).isTrue();
    assertThat(analysis.missing()).isEmpty();
  }

  @Test
  void shouldSayWhichPerExampleTelemetryARunLacks() {
    SuspectAnalysis none = new SuspectAnalysis(AnalyzerConfig.defaults(), 0);
    assertThat(none.missing()).extracting(SuspectAnalysis.Missing::what).containsExactly("batch_summaries");

    SuspectAnalysis noRows = new SuspectAnalysis(AnalyzerConfig.defaults(), 0);
    noRows.apply(batch(ExampleColumns.newBuilder()), 10);
    assertThat(noRows.missing()).extracting(SuspectAnalysis.Missing::what).containsExactly("labels");

    SuspectAnalysis noIds = new SuspectAnalysis(AnalyzerConfig.defaults(), 0);
    noIds.apply(batch(ExampleColumns.newBuilder().addLabel(1).addPredicted(2).addLoss(0.3f)), 10);
    assertThat(noIds.missing()).singleElement().satisfies(m -> {
      assertThat(m.what()).isEqualTo("example_id");
      assertThat(m.message()).contains("ExampleColumns.example_id is empty");
    });
    assertThat(noIds.ranking(10).getSuspectsList()).isEmpty();
    assertThat(noIds.hasMargins()).isFalse();
  }

  @Test
  void shouldSkipRecordsTheAnalyzerRejects() {
    SuspectAnalysis analysis = new SuspectAnalysis(AnalyzerConfig.defaults(), 10);
    analysis.apply(batch(ExampleColumns.newBuilder().addExampleId(12).addLabel(1).addPredicted(2).addLoss(0.3f)), 5);
    analysis.apply(batch(ExampleColumns.newBuilder().addExampleId(1).addLabel(1).addPredicted(2).addLoss(Float.NaN)), 5);
    analysis.apply(batch(ExampleColumns.newBuilder().addExampleId(2).addLabel(1).addPredicted(2).addLoss(0.3f)), 5);

    assertThat(analysis.rejected()).isEqualTo(2);
    assertThat(analysis.ranking(5).getSuspectsList()).extracting(Suspect::getExampleId).containsExactly(2L);
  }

  private static Telemetry batch(ExampleColumns.Builder e) {
    return Telemetry.newBuilder().setRunId("x").setStep(1).setBatch(BatchSummary.newBuilder().setLoss(1)
        .setExamples(e)).build();
  }
}
