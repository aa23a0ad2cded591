package dev.rote.cli;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerService;
import dev.rote.contract.IndicatorNames;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Telemetry;
import dev.rote.analyzer.ProbeNonlinearity;
import dev.rote.replay.RunTopics;
import dev.rote.reference.cli.ModelOptions;
import dev.rote.service.KafkaOptions;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.TelemetryConfig;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.TrainOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains the reference MLP twice on the same Fashion-MNIST subset, once with its true labels and once
 * with random labels, through the real broker and analyzer, and compares the indicators per epoch.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
    description = "True labels vs random labels through trainer -> broker -> analyzer: do the indicators "
        + "separate them as the papers report?")
final class ReproduceCommand implements Callable<Integer> {

  @Option(names = "--data", defaultValue = ModelOptions.DEFAULT_DATA, description = "Dataset (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--train-size", defaultValue = "2000",
      description = "Training examples; 0 for all (default: ${DEFAULT-VALUE}).")
  int trainSize;

  @Option(names = "--epochs", defaultValue = "15", description = "Epochs per run (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--hidden", defaultValue = "512,512", split = ",", description = "Hidden widths (default: ${DEFAULT-VALUE}).")
  int[] hidden;

  @Option(names = "--out", description = "Also write the table as Markdown to this file.")
  Path out;

  /**
   * Indicator values of one run: epoch → name → value (the last one of the epoch), and the
   * untrained network's (the probe at step 0). NMF non-linearity grouped by training label, which
   * the analyzer no longer does, is recomputed from the probes as {@code nmf_nonlinearity/L by label}.
   */
  record Series(String runId, TreeMap<Integer, Map<String, Double>> byEpoch, Map<String, Double> untrained) {}

  /** Key of the NMF non-linearity of layer {@code layer} with probe rows grouped by training label. */
  static String byLabel(int layer) {
    return IndicatorNames.NMF_NONLINEARITY + "/" + layer + " by label";
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Series> series = run(data, trainSize, epochs, hidden, System.out);
    String table = table(series.get(TRUE_RUN), series.get(RANDOM_RUN));
    System.out.println();
    System.out.print(table);
    if (out != null) {
      Files.writeString(out, table);
    }
    return 0;
  }

  static final String TRUE_RUN = "reproduce-true";
  static final String RANDOM_RUN = "reproduce-random";

  /**
   * Trains with true and with random labels through an embedded broker and the analyzer, probes
   * about once per epoch, and returns each run's indicators by epoch.
   */
  static Map<String, Series> run(Path data, int requestedTrainSize, int epochs, int[] hidden, PrintStream console)
      throws Exception {
    IdxDataset full = ModelOptions.loadDataset(data);
    IdxDataset dataset = requestedTrainSize > 0 ? full.subsetTrain(requestedTrainSize) : full;
    int trainSize = dataset.trainSize();
    int stepsPerEpoch = (trainSize + 127) / 128;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = KafkaOptions.connect(broker.bootstrapServers(), null, 2, "1d");
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (AnalyzerService analyzer = new AnalyzerService(kafka, AnalyzerConfig.defaults(), registry,
          Files.createTempDirectory("rote-reproduce-"), 1)) {
        analyzer.start(Duration.ofSeconds(60));
        for (boolean random : new boolean[] {false, true}) {
          String run = random ? RANDOM_RUN : TRUE_RUN;
          TelemetryConfig t = TelemetryConfig.defaults(run)
              .withSampling(1, TelemetryConfig.DEFAULT_LAYER_STATS_EVERY, TelemetryConfig.DEFAULT_SENSITIVITY_EVERY,
                  stepsPerEpoch);
          TrainOptions o = new TrainOptions(data, 0, 1, random, trainSize, epochs, 128, hidden, 1e-3, 42, 32, t);
          console.printf("training %s (%d epochs)...%n", run, epochs);
          try (RoteTelemetry telemetry = RoteTelemetry.start(t, kafka, registry)) {
            new ReferenceTrainer(o, dataset).run(telemetry, new ReferenceTrainer.Progress() {
              @Override
              public void onEpoch(ReferenceTrainer.EpochReport e) {
                console.printf("  epoch %d/%d test acc %.3f%n", e.epoch(), e.epochs(), e.testAccuracy());
              }
            });
          }
        }
        Map<String, Series> series = collect(kafka, epochs, Duration.ofSeconds(120));
        for (Series s : series.values()) {
          addTrainingLabelGrouping(kafka, s);
        }
        return series;
      }
    }
  }

  /**
   * The confounded grouping, for comparison: NMF non-linearity of every recorded probe with rows
   * grouped by the label each example was trained with (under random labels that mixes the classes).
   */
  static void addTrainingLabelGrouping(KafkaSettings kafka, Series s) {
    for (Telemetry t : RunTopics.read(kafka, Topics.TELEMETRY, s.runId()).values()) {
      if (!t.hasProbes()) {
        continue;
      }
      int[] labels = t.getProbes().getLabelsList().stream().mapToInt(Integer::intValue).toArray();
      ProbeNonlinearity.Result r = ProbeNonlinearity.of(t.getProbes(), labels, AnalyzerConfig.defaults());
      Map<String, Double> into = t.getStep() == 0 ? s.untrained()
          : s.byEpoch().computeIfAbsent(t.getEpoch(), e -> new TreeMap<>());
      for (ProbeNonlinearity.Layer l : r.layers()) {
        into.put(byLabel(l.index()), l.mean());
      }
    }
  }

  static Map<String, Series> collect(KafkaSettings kafka, int epochs, Duration timeout) {
    Map<String, Series> series = new TreeMap<>();
    try (var consumer = new KafkaConsumer<>(kafka.with(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "rote-reproduce",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
        Topics.INDICATORS.keySerde().deserializer(), Topics.INDICATORS.valueSerde().deserializer())) {
      consumer.subscribe(List.of(Topics.INDICATORS.name()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && !complete(series, epochs)) {
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          Indicator i = r.value();
          if (i.hasClassLabel()) {
            continue;
          }
          String name = i.hasLayer() ? i.getName() + "/" + i.getLayer() : i.getName();
          Series s = series.computeIfAbsent(i.getRunId(), id -> new Series(id, new TreeMap<>(), new TreeMap<>()));
          if (i.getStep() == 0) {
            s.untrained().put(name, i.getValue());
          } else if (!i.getName().startsWith("epoch_")) { // epoch-level values carry the pass index, not the epoch
            s.byEpoch().computeIfAbsent(i.getEpoch(), e -> new TreeMap<>()).put(name, i.getValue());
          }
        }
      }
    }
    return series;
  }

  /** Both runs have their last evaluation and, from the probe sub-topology, their last NMF values. */
  private static boolean complete(Map<String, Series> series, int epochs) {
    return series.size() >= 2 && series.values().stream().allMatch(s -> s.byEpoch().containsKey(epochs - 1)
        && s.byEpoch().get(epochs - 1).containsKey(IndicatorNames.TEST_ACCURACY)
        && s.byEpoch().get(epochs - 1).containsKey(IndicatorNames.NMF_NONLINEARITY_DEPTH_RATIO));
  }

  static final String[] COLUMNS = {IndicatorNames.LOSS_SENSITIVITY_GINI, IndicatorNames.NMF_NONLINEARITY + "/0",
      IndicatorNames.NMF_NONLINEARITY + "/1", IndicatorNames.NMF_NONLINEARITY_DEPTH_RATIO, byLabel(0), byLabel(1),
      IndicatorNames.TRAIN_ACCURACY, IndicatorNames.TEST_ACCURACY};

  /**
   * The table: the untrained network (step 0) first, then each epoch, true and random labels. NMF
   * columns without "by label" group probe rows by true class, as the analyzer does.
   */
  static String table(Series clean, Series random) {
    StringBuilder b = new StringBuilder();
    b.append("| epoch | run |");
    for (String c : COLUMNS) {
      b.append(' ').append(c.replace(IndicatorNames.NMF_NONLINEARITY + "/", "nmf/")).append(" |");
    }
    b.append('\n').append("|---|---|").append("---|".repeat(COLUMNS.length)).append('\n');
    for (Series s : new Series[] {clean, random}) {
      row(b, "0 (untrained)", s == clean, s.untrained());
    }
    for (Integer epoch : clean.byEpoch().keySet()) {
      for (Series s : new Series[] {clean, random}) {
        row(b, Integer.toString(epoch + 1), s == clean, s.byEpoch().getOrDefault(epoch, Map.of()));
      }
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String epoch, boolean clean, Map<String, Double> v) {
    b.append("| ").append(epoch).append(" | ").append(clean ? "true labels" : "random labels").append(" |");
    for (String c : COLUMNS) {
      Double x = v.get(c);
      b.append(' ').append(x == null ? "-" : String.format(java.util.Locale.ROOT, "%.3f", x)).append(" |");
    }
    b.append('\n');
  }
}
