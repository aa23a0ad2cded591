package dev.rote.bench;

import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.reference.Batches;
import dev.rote.reference.cli.ModelOptions;
import dev.rote.reference.cli.TrainerOptions;
import dev.rote.service.KafkaOptions;
import dev.rote.trainer.RoteTelemetryListener;
import dev.rote.trainer.TelemetryConfig;
import dev.rote.trainer.TelemetrySink;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.TrainOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import dev.rote.reference.Architecture;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trainer step time with and without instrumentation, in one JVM: every variant trains its own copy
 * of the same network on the same batches, in blocks of steps interleaved round by round in a
 * shuffled order, so drift of the machine hits all variants alike.
 */
@Command(name = "trainer", mixinStandardHelpOptions = true,
    description = "Benchmark trainer step time: plain, Rote at default sampling, Rote at full "
        + "telemetry, DL4J StatsListener at frequency 1 and 10; for the --model, or side by side for several "
        + "(--compare-models mlp,cnn,resnet).")
final class TrainerBench implements Callable<Integer> {

  @Mixin TrainerOptions trainer;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--rounds", defaultValue = "12", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--block", defaultValue = "100",
      description = "Steps per variant per round (default: ${DEFAULT-VALUE}, every sampling period in each block). "
          + "Shorter blocks (e.g. 10, with many rounds) pair the variants more tightly on a machine whose speed "
          + "drifts; every variant still runs the same steps, so the ratio of means counts the rarer periodic work.")
  int block;

  @Option(names = "--warmup", defaultValue = "2", description = "Rounds discarded first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Publish to this cluster; default: an embedded broker in this JVM.")
  String bootstrapServers;

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Kafka client properties for --bootstrap-servers, passed through unchanged (security settings "
          + "included).")
  java.nio.file.Path kafkaConfig;

  @Option(names = "--only", split = ",", paramLabel = "VARIANT",
      description = "Run only these variants (and plain).")
  List<String> only;

  @Option(names = "--producer", paramLabel = "NAME:KEY=VALUE[,KEY=VALUE...]",
      description = "Add a variant rote-NAME: default sampling, published with these producer properties on top of "
          + "Rote's defaults (e.g. lz4-linger-50:compression.type=lz4,linger.ms=50); repeatable.")
  List<String> producers = new ArrayList<>();

  @Option(names = "--broker-pid", paramLabel = "PID",
      description = "With --bootstrap-servers to a broker on this machine: also count that process's CPU per step.")
  Long brokerPid;

  @Option(names = "--compare-models", split = ",", paramLabel = "MODEL",
      description = "Benchmark these models side by side in the same rounds (e.g. mlp,cnn,resnet), each against "
          + "its own plain variant; default: the --model.")
  List<String> compareModels;

  private interface Variant {
    String name();

    void step(DataSet batch, long[] ids);
  }

  @Override
  public Integer call() {
    PrintStream out = System.out;
    List<Map.Entry<String, Map<String, String>>> extraProducers = producers.stream().map(this::producerVariant).toList();
    TrainOptions options = trainer.toOptions();
    IdxDataset data = ModelOptions.loadDataset(options.data());
    if (options.trainSize() > 0) {
      data = data.subsetTrain(options.trainSize());
    }
    List<String> models = compareModels == null ? List.of(trainer.modelOptions().model) : compareModels;
    ReferenceTrainer first = new ReferenceTrainer(options, data, trainer.selection());
    List<DataSet> batches = batches(data, first, options.batchSize(), 40);
    EmbeddedKafkaBroker broker = bootstrapServers == null ? EmbeddedKafkaBroker.start() : null;
    List<TelemetrySink> sinks = new ArrayList<>();
    try {
      KafkaSettings kafka = KafkaOptions.connect(broker != null ? broker.bootstrapServers() : bootstrapServers,
          broker != null ? null : kafkaConfig, 1, "1h");
      INDArray probe = batches.get(0).getFeatures();

      List<Variant> variants = new ArrayList<>();
      List<Integer> plainOf = new ArrayList<>();
      List<String> networks = new ArrayList<>();
      for (String m : models) {
        trainer.modelOptions().model = m;
        TrainOptions opts = trainer.toOptions();
        ReferenceTrainer rt = new ReferenceTrainer(opts, data, trainer.selection());
        String prefix = models.size() == 1 ? "" : opts.model().cliName() + "/";
        networks.add(opts.model() == Architecture.MLP ? "MLP " + Arrays.toString(opts.hidden()) : opts.model().name());
        int base = variants.size();
        List<Variant> mine = new ArrayList<>();
        mine.add(plain(prefix + "plain", rt.buildNetwork()));
        mine.add(rote(prefix + "rote-default", rt, TelemetryConfig.defaults("bench-default" + base),
            TelemetrySink.kafka(kafka, "bench-default" + base, TelemetryConfig.DEFAULT_MAX_BUFFERED_BYTES), sinks,
            probe));
        // The sender's own cost, side by side: the same telemetry with other producer settings (a user's
        // --kafka-config overrides these the same way).
        List<Map.Entry<String, Map<String, String>>> producerVariants = new ArrayList<>(List.of(
            // The producer defaults before 2026-12-01, side by side with today's.
            Map.entry("rote-default-zstd-linger-5", Map.of("compression.type", "zstd", "linger.ms", "5"))));
        producerVariants.addAll(extraProducers);
        for (var e : producerVariants) {
          Map<String, Object> props = new java.util.HashMap<>(kafka.properties());
          props.putAll(e.getValue());
          mine.add(rote(prefix + e.getKey(), rt, TelemetryConfig.defaults("bench-" + e.getKey() + base),
              TelemetrySink.kafka(new KafkaSettings(props), "bench-" + e.getKey() + base,
                  TelemetryConfig.DEFAULT_MAX_BUFFERED_BYTES), sinks, probe));
        }
        mine.add(rote(prefix + "rote-default-capture-only", rt, TelemetryConfig.defaults("bench-capture" + base),
            new DiscardingSink(), sinks, probe));
        TelemetryConfig full = TelemetryConfig.defaults("bench-full" + base)
            .withSampling(1, 1, 1, TelemetryConfig.DEFAULT_PROBE_EVERY);
        mine.add(rote(prefix + "rote-full", rt, full,
            TelemetrySink.kafka(kafka, "bench-full" + base, TelemetryConfig.DEFAULT_MAX_BUFFERED_BYTES), sinks, probe));
        mine.add(stats(prefix + "statslistener-1", rt.buildNetwork(), 1));
        mine.add(stats(prefix + "statslistener-10", rt.buildNetwork(), 10));
        mine.add(rote(prefix + "diag-sensitivity-every-step", rt,
            TelemetryConfig.defaults("bench-diag-s" + base).withSampling(1, 10, 1, 100), new DiscardingSink(), sinks,
            probe));
        mine.add(rote(prefix + "diag-layer-stats-every-step", rt,
            TelemetryConfig.defaults("bench-diag-l" + base).withSampling(1, 1, 10, 100), new DiscardingSink(), sinks,
            probe));
        if (only != null) {
          mine.removeIf(v -> !v.name().equals(prefix + "plain") && !only.contains(v.name().substring(prefix.length())));
        }
        for (Variant v : mine) {
          variants.add(v);
          plainOf.add(base);
        }
      }

      out.printf("network %s, batch %d, %d rounds x %d steps per variant (+%d warm-up rounds), "
          + "OMP_NUM_THREADS=%s%n", String.join(", ", networks), options.batchSize(), rounds, block,
          warmup, System.getenv("OMP_NUM_THREADS"));
      double[][] ms = new double[variants.size()][rounds];
      // CPU per step of a variant's block: the training thread's own, everything else in this JVM (the sender,
      // the producer's I/O thread, an embedded broker, GC, JIT), and a separate broker process if named.
      double[][] trainCpu = new double[variants.size()][rounds];
      double[][] otherCpu = new double[variants.size()][rounds];
      double[][] brokerCpu = new double[variants.size()][rounds];
      double[][] gcMs = new double[variants.size()][rounds];
      // The other CPU by thread group: [sender, producer I/O, other Java threads (an embedded broker, ND4J's
      // deallocators), not Java threads (GC, JIT)].
      double[][][] groups = new double[variants.size()][ThreadGroups.NAMES.length][rounds];
      java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
      var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
          .getOperatingSystemMXBean();
      Random order = new Random(1);
      int[] cursor = new int[variants.size()];
      for (int r = -warmup; r < rounds; r++) {
        List<Integer> idx = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
          idx.add(v);
        }
        Collections.shuffle(idx, order);
        for (int v : idx) {
          long t0 = System.nanoTime();
          long thread0 = threads.getCurrentThreadCpuTime();
          long process0 = os.getProcessCpuTime();
          double broker0 = brokerCpuSeconds();
          long gc0 = gcMillis();
          long[] groups0 = ThreadGroups.cpuNanos(threads);
          for (int s = 0; s < block; s++) {
            int b = cursor[v]++ % batches.size();
            variants.get(v).step(batches.get(b), ids(b, options.batchSize()));
          }
          double perStep = (System.nanoTime() - t0) / 1e6 / block;
          long thread = threads.getCurrentThreadCpuTime() - thread0;
          long process = os.getProcessCpuTime() - process0;
          if (r >= 0) {
            ms[v][r] = perStep;
            trainCpu[v][r] = thread / 1e6 / block;
            otherCpu[v][r] = (process - thread) / 1e6 / block;
            brokerCpu[v][r] = (brokerCpuSeconds() - broker0) * 1e3 / block;
            gcMs[v][r] = (double) (gcMillis() - gc0) / block;
            long[] g = ThreadGroups.cpuNanos(threads);
            long java = 0;
            for (int k = 0; k < 3; k++) {
              groups[v][k][r] = (g[k] - groups0[k]) / 1e6 / block;
              java += g[k] - groups0[k];
            }
            groups[v][3][r] = (process - thread - java) / 1e6 / block;
          }
        }
        int done = r + 1 + warmup;
        if (done % Math.max(1, (rounds + warmup) / 20) == 0 || done == rounds + warmup) {
          out.printf("round %d/%d done%n", done, rounds + warmup);
        }
      }
      out.println();
      String brokerColumn = brokerPid == null ? "" : " broker process CPU per step (ms) |";
      out.println("| variant | median step (ms) | ratio of medians | median paired ratio | ratio of means | training "
          + "thread CPU per step (ms) | other CPU in this JVM per step (ms) | GC per step (ms, mean) |" + brokerColumn);
      out.println("|---|---|---|---|---|---|---|---|" + (brokerPid == null ? "" : "---|"));
      for (int v = 0; v < variants.size(); v++) {
        int p = plainOf.get(v);
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratios[r] = ms[v][r] / ms[p][r];
        }
        out.printf("| %s | %.2f | %.3f | %.3f | %.3f | %.2f | %.2f | %.2f |%s%n", variants.get(v).name(),
            Stats.median(ms[v]), Stats.median(ms[v]) / Stats.median(ms[p]), Stats.median(ratios),
            Arrays.stream(ms[v]).average().orElse(0) / Arrays.stream(ms[p]).average().orElse(1),
            Stats.median(trainCpu[v]), Stats.median(otherCpu[v]), Arrays.stream(gcMs[v]).average().orElse(0),
            brokerPid == null ? "" : String.format(" %.2f |", Stats.median(brokerCpu[v])));
      }
      out.println();
      out.println("Other CPU per step by thread (ms, median over rounds):");
      out.println();
      out.println("| variant | " + String.join(" | ", ThreadGroups.NAMES) + " |");
      out.println("|---|---|---|---|---|");
      for (int v = 0; v < variants.size(); v++) {
        StringBuilder row = new StringBuilder("| " + variants.get(v).name() + " |");
        for (int k = 0; k < ThreadGroups.NAMES.length; k++) {
          row.append(String.format(" %.2f |", Stats.median(groups[v][k])));
        }
        out.println(row);
      }
      for (TelemetrySink s : sinks) {
        s.close(Duration.ofSeconds(10));
      }
      out.printf("%ntelemetry: %s%n", sinks.stream()
          .map(s -> s.sent() + " sent / " + s.dropped() + " dropped").toList());
      return 0;
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
  }

  /** Milliseconds this JVM's collectors have spent collecting so far (G1: mostly pauses). */
  private static long gcMillis() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).filter(t -> t > 0).sum();
  }

  /** CPU-seconds of the --broker-pid process so far; 0 without one. */
  private double brokerCpuSeconds() {
    return brokerPid == null ? 0 : CpuBudget.cpuSeconds(brokerPid);
  }

  /** {@code NAME:KEY=VALUE,...} as the variant rote-NAME and its producer properties. */
  Map.Entry<String, Map<String, String>> producerVariant(String variant) {
    int colon = variant.indexOf(':');
    if (colon < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--producer needs NAME:KEY=VALUE[,KEY=VALUE...], was " + variant);
    }
    Map<String, String> props = new java.util.LinkedHashMap<>();
    for (String kv : variant.substring(colon + 1).split(",")) {
      int eq = kv.indexOf('=');
      if (eq < 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "--producer: not KEY=VALUE: " + kv + " in " + variant);
      }
      props.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return Map.entry("rote-" + variant.substring(0, colon), props);
  }

  private static Variant plain(String name, Model net) {
    return new Variant() {
      public String name() {
        return name;
      }

      public void step(DataSet batch, long[] ids) {
        fit(net, batch);
      }
    };
  }

  /** One step through the network's own {@code fit}: with Rote, dL/dx comes from the step's own backward pass. */
  private static void fit(Model net, DataSet batch) {
    if (net instanceof MultiLayerNetwork mln) {
      mln.fit(batch);
    } else {
      ((ComputationGraph) net).fit(batch);
    }
  }

  /** Accepts every record and builds none: isolates what the training thread itself pays. */
  private static final class DiscardingSink implements TelemetrySink {
    @Override
    public <V> boolean offer(dev.rote.contract.Topic<String, V> topic, String key, long sizeHint,
        java.util.function.Supplier<V> value) {
      return true;
    }

    @Override
    public void close(Duration timeout) {}
  }

  private static Variant rote(String name, ReferenceTrainer rt, TelemetryConfig config, TelemetrySink sink,
      List<TelemetrySink> sinks, INDArray probe) {
    Model net = rt.buildNetwork();
    sinks.add(sink);
    RoteTelemetryListener listener = new RoteTelemetryListener(config, sink);
    long[] probeIds = new long[(int) probe.rows()];
    Arrays.setAll(probeIds, i -> i);
    listener.setProbeSet(probe, probeIds, new int[probeIds.length]);
    net.addListeners(listener);
    return new Variant() {
      public String name() {
        return name;
      }

      public void step(DataSet batch, long[] ids) {
        listener.beginBatch(ids, null);
        fit(net, batch);
      }
    };
  }

  private static Variant stats(String name, Model net, int frequency) {
    net.addListeners(new StatsListener(new InMemoryStatsStorage(), frequency));
    return plain(name, net);
  }

  private static List<DataSet> batches(IdxDataset data, ReferenceTrainer rt, int size, int count) {
    List<DataSet> out = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      int[] idx = new int[size];
      for (int i = 0; i < size; i++) {
        idx[i] = (b * size + i) % data.trainSize();
      }
      out.add(Batches.trainingBatch(data, idx, rt.labels().labels()));
    }
    return out;
  }

  private static long[] ids(int batch, int size) {
    long[] ids = new long[size];
    for (int i = 0; i < size; i++) {
      ids[i] = (long) batch * size + i;
    }
    return ids;
  }

  /** The CPU time of this JVM's Java threads other than the caller, in groups. */
  static final class ThreadGroups {
    static final String[] NAMES = {"telemetry sender", "producer I/O", "other Java threads (broker, ND4J)",
        "not Java threads (GC, JIT)"};

    private ThreadGroups() {}

    /** CPU nanoseconds so far of the sender threads, the producers' I/O threads and every other Java thread. */
    static long[] cpuNanos(java.lang.management.ThreadMXBean threads) {
      long self = Thread.currentThread().getId();
      long[] out = new long[3];
      for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (t == null || t.getThreadId() == self) {
          continue;
        }
        long cpu = threads.getThreadCpuTime(t.getThreadId());
        if (cpu < 0) {
          continue;
        }
        String name = t.getThreadName();
        out[name.startsWith("rote-telemetry-sender") ? 0 : name.startsWith("kafka-producer-network-thread") ? 1 : 2]
            += cpu;
      }
      return out;
    }
  }
}
