package dev.rote.bench;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerService;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.Matrix;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.Telemetry;
import dev.rote.service.KafkaOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Analyzer benchmarks in one run: the NMF sweep beside this machine's GEMM ceiling
 * ({@link NmfSweepBenchmark}, through JMH), analyzer
 * throughput on recorded telemetry, and publish → indicator latency at the default cadence.
 */
@Command(name = "analyzer", mixinStandardHelpOptions = true,
    description = "Benchmark the NMF sweep, analyzer throughput and publish-to-indicator latency.")
final class AnalyzerBench implements Callable<Integer> {

  @Option(names = "--summaries", defaultValue = "20000", description = "Recorded batch summaries (default: ${DEFAULT-VALUE}).")
  int summaries;

  @Option(names = "--examples", defaultValue = "5000", description = "Training set size of the synthetic run (default: ${DEFAULT-VALUE}).")
  int examples;

  @Option(names = "--latency-seconds", defaultValue = "30", description = "Duration of the latency run (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--nmf-repeats", defaultValue = "15", description = "Timed NMF sweeps (default: ${DEFAULT-VALUE}).")
  int nmfRepeats;

  @Option(names = "--suspects-examples", split = ",", defaultValue = "5000,60000",
      description = "Training set sizes of the suspects phase (default: ${DEFAULT-VALUE}).")
  List<Integer> suspectsExamples;

  @Option(names = "--suspects-rounds", defaultValue = "3",
      description = "Rounds of the suspects phase, each measuring off then on (default: ${DEFAULT-VALUE}).")
  int suspectsRounds;

  @Option(names = "--phases", split = ",", defaultValue = "nmf,throughput,suspects,latency",
      description = "Phases to run (default: ${DEFAULT-VALUE}).")
  List<String> phases;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (phases.contains("nmf")) {
      out.println(NmfSweepBenchmark.report(128, 512, new int[] {1, 2, 4, 8, 16}, nmfRepeats, 1));
    }
    if (phases.contains("throughput")) {
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
        throughput(out, connect(broker), false);
      }
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
        throughput(out, connect(broker), true);
      }
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
        throughputParallel(out, connect(broker, 4));
      }
    }
    if (phases.contains("suspects")) {
      suspects(out);
    }
    if (phases.contains("latency")) {
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
        latency(out, connect(broker));
      }
    }
    return 0;
  }

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Extra client/Streams properties for the analyzer under test, passed through.")
  java.nio.file.Path kafkaConfig;

  private KafkaSettings connect(EmbeddedKafkaBroker broker) {
    return connect(broker, 1);
  }

  private KafkaSettings connect(EmbeddedKafkaBroker broker, int partitions) {
    return KafkaOptions.connect(broker.bootstrapServers(), kafkaConfig, partitions, "1h");
  }

  /** A synthetic recorded run: summaries with 128 examples, sensitivities every 10 steps, probes every 100. */
  private List<Telemetry> recording(String run, int steps) {
    return recording(run, steps, examples);
  }

  /** {@link #recording(String, int)} over {@code examples} example ids, with margins. */
  private static List<Telemetry> recording(String run, int steps, int examples) {
    SplittableRandom rnd = new SplittableRandom(7);
    List<Telemetry> out = new ArrayList<>();
    int perEpoch = examples / 128;
    float[] probe = SyntheticData.reluLike(320, 512, 3);
    for (int step = 1; step <= steps; step++) {
      ExampleColumns.Builder e = ExampleColumns.newBuilder();
      for (int i = 0; i < 128; i++) {
        int label = rnd.nextInt(10);
        e.addExampleId(rnd.nextInt(examples)).addLabel(label)
            .addPredicted(rnd.nextDouble() < 0.7 ? label : rnd.nextInt(10)).addLoss((float) rnd.nextDouble())
            .addMargin((float) (rnd.nextDouble() * 4 - 1));
        if (step % 10 == 0) {
          e.addSensitivity((float) rnd.nextDouble());
        }
      }
      out.add(Telemetry.newBuilder().setRunId(run).setStep(step).setEpoch((step - 1) / perEpoch)
          .setBatch(BatchSummary.newBuilder().setLoss(1).setAccuracy(0.7).setBatchSize(128).setExamples(e)).build());
      if (step % 100 == 0) {
        ProbeActivations.Builder p = ProbeActivations.newBuilder();
        for (int i = 0; i < 320; i++) {
          p.addLabels(i / 32);
        }
        for (int l = 0; l < 2; l++) {
          Matrix.Builder mb = Matrix.newBuilder().setRows(320).setCols(512);
          for (float v : probe) {
            mb.addData(v);
          }
          p.addLayers(LayerActivations.newBuilder().setIndex(l).setActivations(mb));
        }
        out.add(Telemetry.newBuilder().setRunId(run).setStep(step).setEpoch((step - 1) / perEpoch).setProbes(p).build());
      }
    }
    return out;
  }

  private KafkaProducer<String, Telemetry> producer(KafkaSettings kafka) {
    return new KafkaProducer<>(kafka.with(Map.of(ProducerConfig.LINGER_MS_CONFIG, "5",
        ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1 << 20),
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Topics.MAX_MESSAGE_BYTES))),
        Topics.TELEMETRY.keySerde().serializer(), Topics.TELEMETRY.valueSerde().serializer());
  }

  /** Throughput on a recorded run: batch summaries only, or the same run's probes only. */
  private void throughput(PrintStream out, KafkaSettings kafka, boolean probesOnly) throws Exception {
    String run = "bench-throughput";
    List<Telemetry> rec = recording(run, summaries).stream()
        .filter(t -> probesOnly ? t.hasProbes() : t.hasBatch()).toList();
    try (var producer = producer(kafka)) {
      for (Telemetry t : rec) {
        producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), run, t));
      }
      producer.flush();
    }
    // Batch summaries alone, then the probes alone, each by a fresh application reading from the start.
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AnalyzerConfig config = AnalyzerConfig.defaults().withApplicationId("bench-throughput");
    try (AnalyzerService s = new AnalyzerService(kafka, config, registry,
        Files.createTempDirectory("rote-bench-"), 1)) {
      s.start(Duration.ofSeconds(60));
      String type = probesOnly ? "probes" : "batch";
      waitFor(registry, type, 1, Duration.ofMinutes(1));
      long t0 = System.nanoTime();
      double first = count(registry, type);
      waitFor(registry, type, rec.size(), Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - t0) / 1e9;
      double done = count(registry, type) - first;
      if (probesOnly) {
        out.printf("| probes (2 hidden layers x 320x512, NMF on 10 classes of 32 rows each) | %.0f in %.1f s "
            + "| %.2f probes/s |%n", done, seconds, done / seconds);
      } else {
        out.printf("Throughput on a recorded run, one instance, one stream thread, timed from the first record processed:%n");
        out.printf("| records | processed | rate |%n|---|---|---|%n");
        out.printf("| batch summaries (128 examples, sensitivities every 10th, %d-example run) | %.0f in %.1f s "
            + "| %.0f summaries/s |%n", examples, done, seconds, done / seconds);
      }
    }
  }

  /**
   * The cost of the suspect ranking (per-example statistics in their changelogged store, a ranking
   * per epoch): batch-summary throughput with the ranking off and on, side by side, alternating
   * twice, for each training-set size; a fresh broker and application per measurement.
   */
  private void suspects(PrintStream out) throws Exception {
    out.printf("Suspect ranking cost: batch summaries (128 examples with margins, one run, one stream thread), "
        + "%d summaries per measurement, %d rounds of ranking off then on:%n", summaries, suspectsRounds);
    out.printf("| training examples | off: summaries/s (median) | on, top 100: summaries/s (median) "
        + "| on / off, median of the rounds |%n|---|---|---|---|%n");
    for (int n : suspectsExamples) {
      List<Telemetry> rec = recording("bench-suspects", summaries, n).stream().filter(Telemetry::hasBatch).toList();
      double[] off = new double[suspectsRounds];
      double[] on = new double[suspectsRounds];
      double[] ratio = new double[suspectsRounds];
      for (int round = 0; round < suspectsRounds; round++) {
        for (boolean ranking : new boolean[] {false, true}) {
          try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            AnalyzerConfig config = AnalyzerConfig.defaults().withApplicationId("bench-suspects")
                .withSuspectsTop(ranking ? AnalyzerConfig.DEFAULT_SUSPECTS_TOP : 0);
            (ranking ? on : off)[round] = rate(connect(broker), config, "bench-suspects", rec);
          }
        }
        ratio[round] = on[round] / off[round];
      }
      out.printf("| %d | %s (%.0f) | %s (%.0f) | %.2f |%n", n, list(off), median(off), list(on), median(on),
          median(ratio));
    }
    out.println();
  }

  private static String list(double[] xs) {
    return java.util.Arrays.stream(xs).mapToObj(v -> String.format("%.0f", v))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    java.util.Arrays.sort(s);
    return (s[(s.length - 1) / 2] + s[s.length / 2]) / 2;
  }

  /** Publishes {@code rec} and times a fresh analyzer reading it from the start: batch summaries per second. */
  private double rate(KafkaSettings kafka, AnalyzerConfig config, String run, List<Telemetry> rec) throws Exception {
    try (var producer = producer(kafka)) {
      for (Telemetry t : rec) {
        producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), run, t));
      }
      producer.flush();
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (AnalyzerService s = new AnalyzerService(kafka, config, registry, Files.createTempDirectory("rote-bench-"), 1)) {
      s.start(Duration.ofSeconds(60));
      waitFor(registry, "batch", 1, Duration.ofMinutes(1));
      long t0 = System.nanoTime();
      double first = count(registry, "batch");
      waitFor(registry, "batch", rec.size(), Duration.ofMinutes(10));
      return (count(registry, "batch") - first) / ((System.nanoTime() - t0) / 1e9);
    }
  }

  /** Four runs on four partitions, one instance with the command line's default of two threads. */
  private void throughputParallel(PrintStream out, KafkaSettings kafka) throws Exception {
    int runs = 4;
    List<String> ids = new ArrayList<>();
    java.util.Set<Integer> used = new java.util.HashSet<>();
    for (int i = 0; ids.size() < runs; i++) {
      String id = "bench-run-" + i;
      int p = org.apache.kafka.common.utils.Utils.toPositive(
          org.apache.kafka.common.utils.Utils.murmur2(id.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % runs;
      if (used.add(p)) {
        ids.add(id);
      }
    }
    try (var producer = producer(kafka)) {
      for (String id : ids) {
        for (Telemetry t : recording(id, summaries / runs)) {
          if (t.hasBatch()) {
            producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), id, t));
          }
        }
      }
      producer.flush();
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AnalyzerConfig config = AnalyzerConfig.defaults().withApplicationId("bench-parallel");
    try (AnalyzerService s = new AnalyzerService(kafka, config, registry, Files.createTempDirectory("rote-bench-"), 2)) {
      s.start(Duration.ofSeconds(60));
      waitFor(registry, "batch", 1, Duration.ofMinutes(1));
      long t0 = System.nanoTime();
      double first = count(registry, "batch");
      waitFor(registry, "batch", (long) runs * (summaries / runs), Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - t0) / 1e9;
      double done = count(registry, "batch") - first;
      out.printf("| batch summaries, %d runs on %d partitions, one instance with 2 stream threads | %.0f in %.1f s "
          + "| %.0f summaries/s |%n%n", runs, runs, done, seconds, done / seconds);
    }
  }

  private static double count(SimpleMeterRegistry registry, String type) {
    var c = registry.find("rote.analyzer.records.processed").tag("type", type).counter();
    return c == null ? 0 : c.count();
  }

  private static void waitFor(SimpleMeterRegistry registry, String type, long n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count(registry, type) < n && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private void latency(PrintStream out, KafkaSettings kafka) throws Exception {
    String run = "bench-latency";
    int rate = 40;
    List<Telemetry> rec = recording(run, latencySeconds * rate);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AnalyzerConfig config = AnalyzerConfig.defaults().withApplicationId("bench-latency");
    List<Long> latencies = new ArrayList<>();
    List<Long> probeLatencies = new ArrayList<>();
    try (AnalyzerService s = new AnalyzerService(kafka, config, registry, Files.createTempDirectory("rote-bench-"), 2);
        var producer = producer(kafka);
        var consumer = new KafkaConsumer<>(kafka.with(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "bench-latency-reader",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
            Topics.INDICATORS.keySerde().deserializer(), Topics.INDICATORS.valueSerde().deserializer())) {
      s.start(Duration.ofSeconds(60));
      consumer.subscribe(List.of(Topics.INDICATORS.name()));
      while (consumer.assignment().isEmpty()) {
        consumer.poll(Duration.ofMillis(100));
      }
      long start = System.nanoTime();
      int sent = 0;
      long lastStep = rec.get(rec.size() - 1).getStep();
      boolean done = false;
      while (!done) {
        long due = start + TimeUnit.MILLISECONDS.toNanos(1000L * sent / rate);
        while (sent < rec.size() && System.nanoTime() >= due) {
          Telemetry t = rec.get(sent).toBuilder().setTimeMs(System.currentTimeMillis()).build();
          producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), run, t));
          sent++;
          due = start + TimeUnit.MILLISECONDS.toNanos(1000L * sent / rate);
        }
        for (var r : consumer.poll(Duration.ofMillis(5))) {
          Indicator i = r.value();
          if (i != null && run.equals(i.getRunId())) {
            long now = System.currentTimeMillis();
            if (i.getName().equals("train_accuracy")) {
              latencies.add(now - i.getSourceTimeMs());
            } else if (i.getName().equals("nmf_nonlinearity_depth_ratio")) {
              probeLatencies.add(now - i.getSourceTimeMs());
            }
            done |= i.getStep() >= lastStep && i.getName().equals("train_accuracy");
          }
        }
        if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(latencySeconds + 60L)) {
          break;
        }
      }
    }
    out.printf("Publish -> indicator latency at %d steps/s (summaries every step, probes every 100 steps, "
        + "batch indicators every 10 steps; 2 stream threads), measured by a read_committed consumer:%n", rate);
    out.printf("| indicators | samples | p50 | p99 | max |%n|---|---|---|---|---|%n");
    for (var e : Map.of("batch (train_accuracy)", latencies, "probe (NMF, 20 sweeps of 32x512)", probeLatencies)
        .entrySet()) {
      long[] sorted = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
      out.printf("| %s | %d | %d ms | %d ms | %d ms |%n", e.getKey(), sorted.length, Stats.percentile(sorted, 0.5),
          Stats.percentile(sorted, 0.99), sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
    }
  }
}
