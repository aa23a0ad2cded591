package dev.rote.analyzer;

import dev.rote.contract.IndicatorNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.DatasetInfo;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.service.RunDirectory;
import dev.rote.service.RunMetadataTopology;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.Evaluation;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.Matrix;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.Telemetry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class AnalyzerTopologyTest {

  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  /** Both analyzer topologies on test drivers, with the probes topic carried from one to the other. */
  static final class Harness implements AutoCloseable {
    final TopologyTestDriver driver;
    final TopologyTestDriver nmfDriver;
    final TestInputTopic<String, byte[]> in;
    final TestOutputTopic<String, byte[]> out;
    final TestOutputTopic<String, byte[]> dead;
    final TestOutputTopic<String, byte[]> probes;
    final TestInputTopic<String, byte[]> nmfIn;
    final TestOutputTopic<String, byte[]> nmfOut;
    final AnalyzerMetrics metrics = new AnalyzerMetrics();

    Harness(AnalyzerConfig config) {
      Properties p = new Properties();
      p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
      p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
      driver = new TopologyTestDriver(AnalyzerTopology.build(config, metrics), p, T0);
      nmfDriver = new TopologyTestDriver(AnalyzerTopology.buildNmf(config, metrics), p, T0);
      in = driver.createInputTopic(Topics.TELEMETRY.name(), new StringSerializer(), new ByteArraySerializer());
      out = driver.createOutputTopic(Topics.INDICATORS.name(), new StringDeserializer(), new ByteArrayDeserializer());
      dead = driver.createOutputTopic(Topics.DEAD_LETTER.name(), new StringDeserializer(), new ByteArrayDeserializer());
      String probesTopic = AnalyzerTopology.probesTopic(config);
      probes = driver.createOutputTopic(probesTopic, new StringDeserializer(), new ByteArrayDeserializer());
      nmfIn = nmfDriver.createInputTopic(probesTopic, new StringSerializer(), new ByteArraySerializer());
      nmfOut = nmfDriver.createOutputTopic(Topics.INDICATORS.name(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    void send(Telemetry t) {
      in.pipeInput(new TestRecord<>(t.getRunId(), t.toByteArray(), T0.plusMillis(t.getStep())));
    }

    /** Indicators of both topologies: the state topology's first, then the NMF topology's. */
    List<Indicator> indicators() {
      probes.readRecordsToList().forEach(nmfIn::pipeInput);
      List<Indicator> all = new java.util.ArrayList<>(out.readValuesToList().stream().map(Harness::parse).toList());
      all.addAll(nmfOut.readValuesToList().stream().map(Harness::parse).toList());
      return all;
    }

    static Indicator parse(byte[] b) {
      try {
        return Indicator.parseFrom(b);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public void close() {
      driver.close();
      nmfDriver.close();
    }
  }

  static Telemetry batch(String run, long step, int epoch, long[] ids, int[] labels, int[] predicted,
      float[] sensitivity) {
    ExampleColumns.Builder e = ExampleColumns.newBuilder();
    for (int i = 0; i < ids.length; i++) {
      e.addExampleId(ids[i]).addLabel(labels[i]).addPredicted(predicted[i]).addLoss(0.5f + i);
    }
    if (sensitivity != null) {
      for (float s : sensitivity) {
        e.addSensitivity(s);
      }
    }
    return Telemetry.newBuilder().setRunId(run).setStep(step).setEpoch(epoch).setTimeMs(T0.toEpochMilli())
        .setBatch(BatchSummary.newBuilder().setLoss(1).setAccuracy(0.5).setBatchSize(ids.length).setExamples(e))
        .build();
  }

  /**
   * A batch of {@code n} random examples (ids below {@code ids}, labels and predictions below
   * {@code classes}), with sensitivities on even steps.
   */
  static Telemetry randomBatch(Random rnd, String run, long step, int epoch, int n, int ids, int classes) {
    long[] id = new long[n];
    int[] labels = new int[n];
    int[] preds = new int[n];
    float[] sens = new float[n];
    for (int i = 0; i < n; i++) {
      id[i] = rnd.nextInt(ids);
      labels[i] = rnd.nextInt(classes);
      preds[i] = rnd.nextInt(classes);
      sens[i] = rnd.nextFloat();
    }
    return batch(run, step, epoch, id, labels, preds, step % 2 == 0 ? sens : null);
  }

  static double value(List<Indicator> xs, String name, long step) {
    return xs.stream().filter(i -> i.getName().equals(name) && i.getStep() == step && !i.hasClassLabel())
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + " at step " + step)).getValue();
  }

  @Test
  void shouldCountFlipsForgettingAndAccuracyOverTheWindow() {
    try (Harness h = new Harness(AnalyzerConfig.defaults().withWindow(2, 1))) {
      long[] ids = {0, 1, 2, 3};
      int[] labels = {0, 1, 0, 1};
      h.send(batch("r", 1, 0, ids, labels, new int[] {0, 1, 1, 1}, null));
      h.send(batch("r", 2, 0, ids, labels, new int[] {1, 1, 1, 0}, null));
      h.send(batch("r", 3, 0, ids, labels, new int[] {1, 1, 1, 0}, null));
      List<Indicator> xs = h.indicators();

      assertThat(value(xs, IndicatorNames.TRAIN_ACCURACY, 1)).isEqualTo(0.75);
      assertThat(xs).noneMatch(i -> i.getStep() == 1 && i.getName().equals(IndicatorNames.PREDICTION_FLIPS));
      assertThat(value(xs, IndicatorNames.TRAIN_ACCURACY, 2)).isEqualTo(0.5);
      assertThat(value(xs, IndicatorNames.PREDICTION_FLIPS, 2)).isEqualTo(2);
      assertThat(value(xs, IndicatorNames.FORGETTING_EVENTS, 2)).isEqualTo(2);
      assertThat(value(xs, IndicatorNames.PREDICTION_FLIP_RATE, 2)).isEqualTo(0.5);
      // Step 1 has left the 2-step window: steps 2 and 3 hold 2 flips over 8 presentations.
      assertThat(value(xs, IndicatorNames.PREDICTION_FLIPS, 3)).isEqualTo(2);
      assertThat(value(xs, IndicatorNames.PREDICTION_FLIP_RATE, 3)).isEqualTo(0.25);
      assertThat(value(xs, IndicatorNames.TRAIN_ACCURACY, 3)).isEqualTo(0.25);
      assertThat(xs).allSatisfy(i -> assertThat(i.getRunId()).isEqualTo("r"));
    }
  }

  @Test
  void shouldComputeTheGiniOfPerExampleMeanSensitivities() {
    try (Harness h = new Harness(AnalyzerConfig.defaults().withWindow(10, 1))) {
      h.send(batch("r", 1, 0, new long[] {0, 1, 2, 3}, new int[] {0, 0, 1, 1}, new int[] {0, 0, 1, 1},
          new float[] {1, 2, 3, 4}));
      h.send(batch("r", 2, 0, new long[] {0, 1}, new int[] {0, 0}, new int[] {0, 0}, new float[] {3, 2}));
      List<Indicator> xs = h.indicators();
      // Means per example: 2, 2, 3, 4. By hand: Σ_i Σ_j |x_i − x_j| = 14, 2 n² mean = 2·16·2.75 = 88.
      assertThat(value(xs, IndicatorNames.LOSS_SENSITIVITY_GINI, 2)).isCloseTo(14.0 / 88.0, within(1e-12));
      assertThat(xs).filteredOn(i -> i.getStep() == 2 && i.getName().equals(IndicatorNames.LOSS_SENSITIVITY_MEAN))
          .extracting(Indicator::getClassLabel, Indicator::getValue)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(0, 2.0), org.assertj.core.groups.Tuple.tuple(1, 3.5));
    }
  }

  @Test
  void shouldLearnTheEpochLengthAsTheDefaultWindow() {
    try (Harness h = new Harness(AnalyzerConfig.defaults().withWindow(0, 1))) {
      long[] ids = {0};
      // Epoch 0 has 3 steps; from epoch 1 on, the window is 3 steps.
      for (int step = 1; step <= 6; step++) {
        int pred = step % 2;
        h.send(batch("r", step, (step - 1) / 3, ids, new int[] {0}, new int[] {pred}, null));
      }
      List<Indicator> xs = h.indicators();
      assertThat(value(xs, IndicatorNames.PREDICTION_FLIPS, 3)).isEqualTo(2);
      assertThat(value(xs, IndicatorNames.PREDICTION_FLIPS, 6)).isEqualTo(3);
      // Steps 4 and 6 predict the label 0 correctly, step 5 does not.
      assertThat(value(xs, IndicatorNames.TRAIN_ACCURACY, 6)).isCloseTo(2 / 3.0, within(1e-12));
    }
  }

  @Test
  void shouldReportTheGeneralizationGapAndPassEvaluationsThrough() {
    try (Harness h = new Harness(AnalyzerConfig.defaults().withWindow(10, 1))) {
      h.send(batch("r", 1, 0, new long[] {0, 1}, new int[] {0, 1}, new int[] {0, 1}, null));
      h.send(Telemetry.newBuilder().setRunId("r").setStep(1).setEpoch(0)
          .setEvaluation(Evaluation.newBuilder().setSplit("test").setAccuracy(0.8).setLoss(0.4)).build());
      List<Indicator> xs = h.indicators();
      assertThat(xs).filteredOn(i -> i.getName().equals(IndicatorNames.GENERALIZATION_GAP))
          .extracting(Indicator::getValue).containsExactly(1.0 - 0.8);
      assertThat(value(xs, IndicatorNames.TEST_ACCURACY, 1)).isEqualTo(0.8);
    }
  }

  @Test
  void shouldEmitOneGeneralizationGapPerStepAgainstTheEvaluationOfThatStep() {
    // Emission every step, and an evaluation at every step: each step is both an emission step and an
    // epoch end, where the batch's gap (against the previous evaluation) and the evaluation's used to differ.
    try (Harness h = new Harness(AnalyzerConfig.defaults().withWindow(10, 1))) {
      double[] accuracies = {0.8, 0.5, 0.6};
      for (int step = 1; step <= 3; step++) {
        h.send(batch("r", step, step - 1, new long[] {0, 1}, new int[] {0, 1}, new int[] {0, 1}, null));
        h.send(Telemetry.newBuilder().setRunId("r").setStep(step).setEpoch(step - 1)
            .setEvaluation(Evaluation.newBuilder().setSplit("test").setAccuracy(accuracies[step - 1]).setLoss(0.4))
            .build());
      }
      List<Indicator> gaps = h.indicators().stream()
          .filter(i -> i.getName().equals(IndicatorNames.GENERALIZATION_GAP)).toList();
      assertThat(gaps).extracting(Indicator::getStep).containsExactly(1L, 2L, 3L);
      assertThat(gaps).extracting(Indicator::getValue).containsExactly(1.0 - 0.8, 1.0 - 0.5, 1.0 - 0.6);
    }
  }

  static Telemetry probes(String run, long step, float[][] rowsClass0, float[][] rowsClass1) {
    int cols = rowsClass0[0].length;
    Matrix.Builder m = Matrix.newBuilder().setRows(rowsClass0.length + rowsClass1.length).setCols(cols);
    ProbeActivations.Builder p = ProbeActivations.newBuilder();
    for (float[] r : rowsClass0) {
      p.addLabels(0);
      for (float v : r) {
        m.addData(v);
      }
    }
    for (float[] r : rowsClass1) {
      p.addLabels(1);
      for (float v : r) {
        m.addData(v);
      }
    }
    p.addLayers(LayerActivations.newBuilder().setIndex(0).setActivations(m));
    p.addLayers(LayerActivations.newBuilder().setIndex(1).setActivations(m));
    return Telemetry.newBuilder().setRunId(run).setStep(step).setProbes(p).build();
  }

  @Test
  void shouldSeparateALinearClassFromANonLinearOneByNmfError() {
    Random rnd = new Random(3);
    float[][] rank1 = new float[20][24];
    float[][] noise = new float[20][24];
    for (int i = 0; i < 20; i++) {
      for (int j = 0; j < 24; j++) {
        rank1[i][j] = (i + 1) * (j % 5 + 1) * 0.1f;
        noise[i][j] = rnd.nextFloat() < 0.5 ? 0 : rnd.nextFloat();
      }
    }
    try (Harness h = new Harness(AnalyzerConfig.defaults())) {
      h.send(probes("r", 1, rank1, noise));
      List<Indicator> xs = h.indicators();
      List<Indicator> nmf = xs.stream().filter(i -> i.getName().equals(IndicatorNames.NMF_NONLINEARITY)).toList();
      double linear = nmf.stream().filter(i -> i.getLayer() == 0 && i.hasClassLabel() && i.getClassLabel() == 0)
          .findFirst().orElseThrow().getValue();
      double nonlinear = nmf.stream().filter(i -> i.getLayer() == 0 && i.hasClassLabel() && i.getClassLabel() == 1)
          .findFirst().orElseThrow().getValue();
      double layerMean = nmf.stream().filter(i -> i.getLayer() == 0 && !i.hasClassLabel()).findFirst().orElseThrow().getValue();
      assertThat(linear).isLessThan(1e-3);
      assertThat(nonlinear).isGreaterThan(0.2);
      assertThat(layerMean).isCloseTo((linear + nonlinear) / 2, within(1e-12));
      assertThat(value(xs, IndicatorNames.NMF_NONLINEARITY_DEPTH_RATIO, 1)).isCloseTo(1.0, within(1e-12));
    }
  }

  @Test
  void shouldDeadLetterPoisonPillsOnTheTelemetryTopicAndKeepGoing() {
    AnalyzerConfig small = new AnalyzerConfig("t", 10, 1, new int[] {1, 2}, 50, 1e-4, 1000, 64, 10);
    try (Harness h = new Harness(small)) {
      Telemetry good = batch("r", 5, 0, new long[] {0, 1}, new int[] {0, 1}, new int[] {0, 1}, null);
      h.send(good);
      h.in.pipeInput("r", new byte[] {(byte) 0xff, 0x13, 0x37});
      h.send(good.toBuilder().setBatch(good.getBatch().toBuilder().setLoss(Double.NaN)).build());
      h.send(good.toBuilder().setStep(4).build());
      h.send(good.toBuilder().setStep(6).setBatch(good.getBatch().toBuilder()
          .setExamples(good.getBatch().getExamples().toBuilder().addLabel(1))).build());
      Telemetry negative = probes("r", 7, new float[][] {{1, 2}, {3, 4}}, new float[][] {{-1, 2}, {0, 1}});
      h.send(negative);
      Telemetry badShape = negative.toBuilder().setProbes(negative.getProbes().toBuilder()
          .setLayers(0, negative.getProbes().getLayers(0).toBuilder().setActivations(
              negative.getProbes().getLayers(0).getActivations().toBuilder().setCols(3)))).build();
      h.send(badShape);
      float[][] big = new float[5][20];
      h.send(probes("r", 8, big, big));
      h.in.pipeInput("r", batch("someone-else", 9, 0, new long[] {0}, new int[] {0}, new int[] {0}, null).toByteArray());
      h.send(batch("r", 10, 0, new long[] {0, 1}, new int[] {0, 1}, new int[] {1, 1}, null));

      List<TestRecord<String, byte[]>> dead = h.dead.readRecordsToList();
      assertThat(dead).extracting(r -> new String(r.headers().lastHeader("rote.error.reason").value(),
          StandardCharsets.UTF_8)).containsExactly("deserialization", "not_finite", "step_backwards",
          "shape_mismatch", "negative_value", "shape_mismatch", "too_large", "key_mismatch");
      assertThat(dead).allSatisfy(r -> {
        assertThat(r.headers().lastHeader("rote.error.topic").value()).isEqualTo("rote.telemetry".getBytes(StandardCharsets.UTF_8));
        assertThat(r.headers().lastHeader("rote.error.offset")).isNotNull();
        assertThat(r.headers().lastHeader("rote.error.message")).isNotNull();
      });
      assertThat(dead.get(0).value()).containsExactly((byte) 0xff, 0x13, 0x37);
      assertThat(h.metrics.deadLetteredCount()).isEqualTo(8);
      // The run goes on: the last good record is analyzed, one flip since step 5.
      assertThat(value(h.indicators(), IndicatorNames.PREDICTION_FLIPS, 10)).isEqualTo(1);
    }
  }

  @Test
  void shouldProduceIdenticalIndicatorsForIdenticalTelemetry() {
    Random rnd = new Random(9);
    List<Telemetry> input = new java.util.ArrayList<>();
    for (int step = 1; step <= 60; step++) {
      input.add(randomBatch(rnd, "r", step, (step - 1) / 4, 16, 64, 3));
    }
    List<Indicator> first;
    try (Harness h = new Harness(AnalyzerConfig.defaults().withWindow(0, 3))) {
      input.forEach(h::send);
      first = h.indicators();
    }
    try (Harness h = new Harness(AnalyzerConfig.defaults().withWindow(0, 3))) {
      input.forEach(h::send);
      assertThat(h.indicators()).isEqualTo(first);
    }
    assertThat(first).hasSizeGreaterThan(60);
  }

  @Test
  void shouldDeadLetterPoisonPillsOnTheRunsTopicAndKeepTheValidMetadata() {
    try (Harness h = new Harness(AnalyzerConfig.defaults())) {
      TestInputTopic<String, byte[]> runs = h.driver.createInputTopic(Topics.RUNS.name(), new StringSerializer(),
          new ByteArraySerializer());
      runs.pipeInput("r", new byte[] {(byte) 0xff, 0x13, 0x37});
      runs.pipeInput("r", RunMetadata.newBuilder().setRunId("r").setDataset(DatasetInfo.newBuilder().setTrainSize(3000))
          .putHyperparameters("batch_size", "128").build().toByteArray());
      runs.pipeInput("gone", RunMetadata.newBuilder().setRunId("gone").build().toByteArray());
      runs.pipeInput(new TestRecord<>("gone", (byte[]) null));

      List<TestRecord<String, byte[]>> dead = h.dead.readRecordsToList();
      assertThat(dead).extracting(r -> new String(r.headers().lastHeader("rote.error.reason").value(),
          StandardCharsets.UTF_8)).containsExactly("deserialization");
      assertThat(new String(dead.get(0).headers().lastHeader("rote.error.source").value(), StandardCharsets.UTF_8))
          .isEqualTo("analyzer");
      assertThat(h.metrics.deadLetteredCount()).isEqualTo(1);
      RunDirectory runsKnown = RunDirectory.of(h.driver.<String, RunMetadata>getKeyValueStore(RunMetadataTopology.STORE));
      assertThat(runsKnown.epochLength("r").steps()).isEqualTo(24);
      assertThat(runsKnown.metadata("gone")).isEmpty();
    }
  }
}
