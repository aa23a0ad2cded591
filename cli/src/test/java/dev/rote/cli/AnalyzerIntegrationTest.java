package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerService;
import dev.rote.contract.IndicatorNames;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.v1.Indicator;
import dev.rote.reference.cli.ModelOptions;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.TelemetryConfig;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.TrainOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trainer → real embedded broker → analyzer → indicators, read back by a plain consumer. */
@Tag("integration")
class AnalyzerIntegrationTest {

  @Test
  void shouldTurnARealTrainingRunIntoIndicators(@TempDir Path state) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      scenario(broker.bootstrapServers(), state);
    }
  }

  /** The scenario on any cluster: a real training run through the analyzer into indicators. */
  static void scenario(String bootstrapServers, Path state) throws Exception {
    {
      KafkaSettings kafka = KafkaSettings.of(bootstrapServers);
      try (Admin admin = Admin.create(kafka.with(Map.of()))) {
        new TopicProvisioner(2, null).ensureTopics(admin, Duration.ofSeconds(30));
      }
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (AnalyzerService analyzer = new AnalyzerService(kafka, AnalyzerConfig.defaults().withWindow(0, 5),
          registry, state, 1)) {
        analyzer.start(Duration.ofSeconds(60));
        Path data = Path.of(ModelOptions.DEFAULT_DATA);
        TelemetryConfig t = TelemetryConfig.defaults("it-analyzer").withSampling(1, 5, 2, 10);
        TrainOptions opts = new TrainOptions(data, 0.4, 1, false, 1024, 3, 64, new int[] {64, 32}, 1e-3, 3, 8, t);
        try (RoteTelemetry telemetry = RoteTelemetry.start(t, kafka, registry)) {
          new ReferenceTrainer(opts, IdxDataset.load(data, 10).subsetTrain(1024))
              .run(telemetry, new ReferenceTrainer.Progress() {});
        }
        List<Indicator> indicators = read(kafka, 48, Duration.ofSeconds(60));
        Set<String> names = indicators.stream().map(Indicator::getName).collect(Collectors.toSet());
        assertThat(names).contains(IndicatorNames.LOSS_SENSITIVITY_GINI, IndicatorNames.NMF_NONLINEARITY,
            IndicatorNames.NMF_NONLINEARITY_DEPTH_RATIO, IndicatorNames.PREDICTION_FLIPS,
            IndicatorNames.FORGETTING_EVENTS, IndicatorNames.TRAIN_ACCURACY, IndicatorNames.TEST_ACCURACY,
            IndicatorNames.GENERALIZATION_GAP, IndicatorNames.NOISY_MEMORIZED_FRACTION);
        assertThat(indicators).allSatisfy(i -> {
          assertThat(i.getRunId()).isEqualTo("it-analyzer");
          assertThat(i.getValue()).isFinite();
        });
        assertThat(indicators).filteredOn(i -> i.getName().equals(IndicatorNames.NMF_NONLINEARITY) && !i.hasClassLabel())
            .extracting(Indicator::getLayer).contains(0, 1);
        assertThat(indicators).filteredOn(i -> i.getName().equals(IndicatorNames.LOSS_SENSITIVITY_GINI))
            .allSatisfy(i -> assertThat(i.getValue()).isBetween(0.0, 1.0));
        assertThat(registry.find("rote.analyzer.records.processed").counters()).isNotEmpty();
        assertThat(registry.find("rote.analyzer.indicator").tag("indicator", IndicatorNames.TEST_ACCURACY).gauge())
            .isNotNull();
      }
    }
  }

  /** Indicators until the last evaluation and, from the probe sub-topology, the last probe's are in. */
  static List<Indicator> read(KafkaSettings kafka, int steps, Duration timeout) {
    return AnalyzerIntegrationTestSupport.readUntil(kafka, timeout, out ->
        out.stream().anyMatch(i -> i.getName().equals(IndicatorNames.TEST_ACCURACY) && i.getStep() == steps)
        && out.stream().anyMatch(i -> i.getName().equals(IndicatorNames.NMF_NONLINEARITY_DEPTH_RATIO)
            && i.getStep() == 40));
  }
}
