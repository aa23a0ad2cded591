package dev.rote.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.Evaluation;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.LayerStats;
import dev.rote.contract.v1.Matrix;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.contract.v1.Telemetry;
import java.util.HashSet;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SchemaRoundTripTest {

  static <V> V roundTrip(Topic<String, V> topic, V value) {
    byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
    return topic.valueSerde().deserializer().deserialize(topic.name(), bytes);
  }

  @Test
  void shouldRoundTripABatchSummaryWithPackedColumns() {
    Telemetry t = Telemetry.newBuilder().setRunId("r").setStep(12).setEpoch(1).setTimeMs(99)
        .setBatch(BatchSummary.newBuilder().setLoss(0.5).setAccuracy(0.75).setLearningRate(1e-3).setBatchSize(2)
            .addLayers(LayerStats.newBuilder().setIndex(0).setName("hidden0").setParameterNorm(3)
                .setGradientNorm(0.1).setUpdateRatio(1e-3))
            .setExamples(ExampleColumns.newBuilder().addExampleId(7).addExampleId(9).addLabel(1).addLabel(2)
                .addPredicted(1).addPredicted(0).addLoss(0.1f).addLoss(2.5f).addSensitivity(Float.MIN_VALUE)
                .addSensitivity(3.25f).addNoisy(false).addNoisy(true)))
        .build();
    assertThat(roundTrip(Topics.TELEMETRY, t)).isEqualTo(t);
  }

  @Test
  void shouldEncodeFloatsPackedAsFourBytesEach() {
    float[] data = new float[1000];
    Matrix.Builder m = Matrix.newBuilder().setRows(10).setCols(100);
    for (int i = 0; i < data.length; i++) {
      m.addData(i * 0.5f);
    }
    Telemetry t = Telemetry.newBuilder().setRunId("r").setStep(1)
        .setProbes(ProbeActivations.newBuilder().addLayers(LayerActivations.newBuilder().setActivations(m)))
        .build();
    // Packed: 1000 floats cost 4,000 bytes plus a few bytes of tags and lengths, never text.
    assertThat(t.getSerializedSize()).isBetween(4000, 4040);
    assertThat(roundTrip(Topics.TELEMETRY, t).getProbes().getLayers(0).getActivations().getData(999))
        .isEqualTo(499.5f);
  }

  @Test
  void shouldRoundTripEveryOtherRecordType() {
    RunMetadata run = RunMetadata.newBuilder().setRunId("r").setStatus(RunStatus.RUN_STATUS_STOPPED)
        .putHyperparameters("lr", "0.001").setRestoredStep(40).build();
    assertThat(roundTrip(Topics.RUNS, run)).isEqualTo(run);
    Telemetry eval = Telemetry.newBuilder().setRunId("r").setStep(40)
        .setEvaluation(Evaluation.newBuilder().setSplit("test").setAccuracy(0.8).setLoss(0.6).setExampleCount(10000))
        .build();
    assertThat(roundTrip(Topics.TELEMETRY, eval)).isEqualTo(eval);
    Indicator ind = Indicator.newBuilder().setRunId("r").setStep(3).setName("nmf_nonlinearity").setLayer(1)
        .setClassLabel(4).setValue(0.42).build();
    assertThat(roundTrip(Topics.INDICATORS, ind)).isEqualTo(ind);
    assertThat(roundTrip(Topics.INDICATORS, ind.toBuilder().clearLayer().build()).hasLayer()).isFalse();
    StopSignal s = StopSignal.newBuilder().setSignalId("s").setRunId("r").setStep(3).setRule("onset")
        .putValues("gini", 0.3).setRestoreStep(2).setAction(SignalAction.SIGNAL_ACTION_STOP).build();
    assertThat(roundTrip(Topics.CONTROL, s)).isEqualTo(s);
    assertThat(roundTrip(Topics.ALERTS, s)).isEqualTo(s);
  }

  @Test
  void shouldRejectBytesThatAreNotTheTopicsMessage() {
    assertThatThrownBy(() -> Topics.TELEMETRY.valueSerde().deserializer()
        .deserialize("rote.telemetry", new byte[] {(byte) 0xff, 0x01, 0x02}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("rote.telemetry").hasMessageContaining("rote.v1.Telemetry");
  }

  @Test
  void shouldListEveryTopicOnceWithTheRunIdAsKey() {
    List<Topic<?, ?>> all = Topics.ALL;
    assertThat(new HashSet<>(all.stream().map(Topic::name).toList())).hasSize(all.size());
    assertThat(all).filteredOn(t -> t != Topics.DEAD_LETTER).allSatisfy(t -> assertThat(t.keySerde()).isSameAs(Topics.RUN_ID));
    assertThat(Topics.RUNS.configs()).containsEntry("cleanup.policy", "compact");
  }
}
