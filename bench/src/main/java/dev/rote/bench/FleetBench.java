package dev.rote.bench;

import dev.rote.broker.KafkaCluster;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Telemetry;
import dev.rote.service.KafkaOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A fleet of trainers against the analyzer as deployed: a Kafka broker and every analyzer instance
 * in processes of their own, N {@link SimulatedTrainer}s replaying a recorded real run under N run
 * ids at GPU rates, and every figure read from committed output by an independent
 * {@code read_committed} consumer ({@link CommittedIndicators}): summaries per second, publish →
 * indicator latency, lag, and the analyzer processes' CPU time per 1,000 summaries.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
    description = "N simulated trainers replaying a recorded real run at GPU rates against one analyzer "
        + "instance, then two; throughput, latency, lag and CPU counted on committed output.")
final class FleetBench implements Callable<Integer> {

  @Option(names = "--runs", split = ",", defaultValue = "10,4", paramLabel = "N",
      description = "Trainers in the paced phase; several values for several phases (default: ${DEFAULT-VALUE}).")
  List<Integer> runs;

  @Option(names = "--rate", split = ",", defaultValue = "600,40", paramLabel = "STEPS_PER_S",
      description = "Steps per second of each trainer, one per --runs value (default: ${DEFAULT-VALUE}).")
  List<Double> rates;

  @Option(names = "--seconds", defaultValue = "40", description = "Length of each paced phase; 0 skips them (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--instances", split = ",", defaultValue = "1,2",
      description = "Analyzer instances to measure, in turn (default: ${DEFAULT-VALUE}).")
  List<Integer> instances;

  @Option(names = "--backlog-runs", defaultValue = "8",
      description = "Runs in the backlog phase (0 skips it): their whole recordings published first, then "
          + "drained by a fresh analyzer as fast as it goes (default: ${DEFAULT-VALUE}).")
  int backlogRuns;

  @Option(names = "--warmup-runs", defaultValue = "0",
      description = "Runs the analyzer drains before the backlog phase is timed (0: a fresh analyzer, its JIT "
          + "compiling, drains the backlog). With warm-up runs the backlog is written in one transaction while the "
          + "warmed instance waits, and the drain is timed from its commit: a service's steady state "
          + "(default: ${DEFAULT-VALUE}).")
  int warmupRuns;

  @Option(names = "--threads", defaultValue = "2", description = "Stream threads per instance (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--partitions", defaultValue = "6", description = "Partitions of Rote's topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--analyzer-classpath", paramLabel = "FILE",
      description = "Run the analyzer instances from this class path (a file holding it, e.g. another build's "
          + "cli/target/classpath.txt with its classes prepended), to compare builds side by side.")
  Path analyzerClasspath;

  @Option(names = "--label", defaultValue = "this build", description = "What to call the analyzer under test.")
  String label;

  @Option(names = "--analyzer-jvm-options", split = " ", paramLabel = "OPTS",
      description = "Extra JVM options of the analyzer instances, e.g. -XX:StartFlightRecording=filename=a.jfr.")
  List<String> analyzerJvmOptions;

  @Option(names = "--trainer-producer", split = ",", paramLabel = "KEY=VALUE",
      description = "Producer properties of the simulated trainers on top of the trainer library's defaults, e.g. "
          + "compression.type=zstd,linger.ms=5 (the defaults before 2026-12-01), to compare producer settings.")
  Map<String, String> trainerProducer = new java.util.LinkedHashMap<>();

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Kafka client/Streams properties of the analyzer instances, passed through.")
  Path kafkaConfig;

  /**
   * One phase's committed-output figures.
   *
   * @param offered summaries published per second, 0 for a backlog
   * @param seconds length of the phase: publishing for a paced phase, draining for a backlog
   */
  record Phase(String what, int instances, double offered, double seconds, double summariesPerSecond, long p50,
      long p99, long maxLagStart, long maxLagEnd, double cpuPer1000) {}

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    List<Telemetry> recording = RecordedRun.load().stream().filter(Telemetry::hasBatch).toList();
    out.printf("recording: %d batch summaries of a real reference-trainer run (%d examples each)%n",
        recording.size(), recording.get(0).getBatch().getExamples().getLabelCount());
    List<Phase> phases = new ArrayList<>();
    for (int n : instances) {
      if (backlogRuns > 0) {
        phases.add(backlog(out, recording, n));
      }
      for (int k = 0; seconds > 0 && k < runs.size(); k++) {
        phases.add(paced(out, recording, n, runs.get(k), rates.get(Math.min(k, rates.size() - 1))));
      }
    }
    out.printf("%nAnalyzer: %s; %d stream threads per instance; broker and every instance in processes of their "
        + "own; trainers' producers: %s; figures from committed output (read_committed):%n%n", label, threads,
        trainerProducer.isEmpty() ? "the trainer library's defaults" : "defaults + " + trainerProducer);
    out.println("| phase | instances | length (s) | offered (summaries/s) | committed (summaries/s) "
        + "| batch indicator p50 | p99 | lag at 1/3 (steps) | lag at end (steps) | analyzer CPU-s per 1,000 summaries |");
    out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (Phase p : phases) {
      out.printf("| %s | %d | %.1f | %s | %.0f | %s | %s | %s | %s | %.3f |%n", p.what(), p.instances(), p.seconds(),
          p.offered() > 0 ? String.format("%.0f", p.offered()) : "backlog", p.summariesPerSecond(),
          p.p50() < 0 ? "-" : p.p50() + " ms", p.p99() < 0 ? "-" : p.p99() + " ms",
          p.maxLagStart() < 0 ? "-" : Long.toString(p.maxLagStart()),
          p.maxLagEnd() < 0 ? "-" : Long.toString(p.maxLagEnd()), p.cpuPer1000());
    }
    return 0;
  }

  /**
   * Runs published in full first, then the analyzer drains them: the sustained processing rate. Fresh
   * (no warm-up runs): timed from the first committed indicator. Warmed: the instance first drains
   * {@link #warmupRuns} runs, then the backlog is written in one transaction and the drain timed from
   * its commit, so that neither the JIT's compiling nor the publisher shares the timed window.
   */
  private Phase backlog(PrintStream out, List<Telemetry> recording, int n) throws Exception {
    out.printf("backlog: %d runs x %d summaries, %d instance(s)%s...%n", backlogRuns, recording.size(), n,
        warmupRuns > 0 ? ", after " + warmupRuns + " warm-up runs" : "");
    try (Setup s = new Setup(n)) {
      List<String> ids = runIds("fleet-backlog-", backlogRuns);
      long total = (long) ids.size() * lastStep(recording);
      try (CommittedIndicators committed = new CommittedIndicators(s.kafka)) {
        committed.awaitAssigned(Duration.ofMinutes(1));
        long startNanos;
        if (warmupRuns > 0) {
          List<String> warm = runIds("fleet-warmup-", warmupRuns);
          publishAll(trainerKafka(s.kafka), warm, recording);
          s.startAnalyzers(n);
          long t0 = System.nanoTime();
          if (!awaitDrained(committed, warm, (long) warm.size() * lastStep(recording))) {
            throw new IllegalStateException("the warm-up runs were not drained within 10 minutes");
          }
          out.printf("  warm-up: %d runs drained in %.1f s%n", warm.size(), (System.nanoTime() - t0) / 1e9);
          long p0 = System.nanoTime();
          publishInOneTransaction(trainerKafka(s.kafka), ids, recording);
          startNanos = System.nanoTime();
          out.printf("  backlog published in one transaction, committed after %.1f s%n", (startNanos - p0) / 1e9);
        } else {
          publishAll(trainerKafka(s.kafka), ids, recording);
          s.startAnalyzers(n);
          // Timed from the first committed indicator to the last: start-up and rebalancing excluded.
          CommittedIndicators.Seen first = committed.await(i -> true, Duration.ofMinutes(3));
          if (first == null) {
            throw new IllegalStateException("no committed indicator 3 minutes after the analyzers started");
          }
          startNanos = first.nanos();
        }
        double cpu0 = s.cpuSeconds();
        if (!awaitDrained(committed, ids, total)) {
          throw new IllegalStateException("the backlog was not drained within 10 minutes");
        }
        Map<String, Long> runs = new HashMap<>();
        ids.forEach(id -> runs.put(id, total / ids.size()));
        List<CommittedIndicators.Seen> seen = committed.all();
        long lastNanos = seen.stream().filter(x -> runs.containsKey(x.indicator().getRunId()))
            .mapToLong(CommittedIndicators.Seen::nanos).max().orElse(startNanos);
        CommittedProgress start = CommittedProgress.at(startNanos, runs, seen);
        CommittedProgress end = CommittedProgress.at(lastNanos, runs, seen);
        double cpu = s.cpuSeconds() - cpu0;
        double secs = (end.nanos() - start.nanos()) / 1e9;
        double rate = end.nanos() > start.nanos() ? end.rateSince(start) : Double.NaN;
        long done = end.committedSteps();
        out.printf("  %d summaries committed, %d of them in %.1f s after %s: %.0f/s%n", done,
            done - start.committedSteps(), secs, warmupRuns > 0 ? "the backlog's commit" : "the first commit", rate);
        return new Phase(backlogRuns + " runs, backlog" + (warmupRuns > 0 ? " (warmed: " + warmupRuns + " runs)" : ""),
            n, 0, secs, rate, -1, -1, -1, -1, cpu / Math.max(1, done - start.committedSteps()) * 1000);
      }
    }
  }

  /**
   * Publishes the runs (metadata, then every record, through a producer with the simulated trainers'
   * client settings, {@code --trainer-producer} included) in one Kafka transaction, so that the analyzer, a
   * {@code read_committed} reader, sees none of them until the commit and then all of them at once: a
   * warmed instance idles while the backlog is written and drains it untimed by the publisher.
   */
  private static void publishInOneTransaction(KafkaSettings kafka, List<String> ids, List<Telemetry> recording) {
    Map<String, Object> props = kafka.with(Map.of(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "rote-fleet-backlog-" + java.util.UUID.randomUUID(),
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(10).toMillis(),
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.LINGER_MS_CONFIG, 50,
        ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20,
        ProducerConfig.BUFFER_MEMORY_CONFIG, 256L << 20));
    try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      try {
        long now = System.currentTimeMillis();
        for (String id : ids) {
          producer.send(new ProducerRecord<>(Topics.RUNS.name(), id, RecordedRun.metadata(id, now).toByteArray()));
          for (Telemetry t : recording) {
            producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), id, RecordedRun.as(t, id, now).toByteArray()));
          }
        }
        producer.commitTransaction();
      } catch (KafkaException e) {
        producer.abortTransaction(); // not left open, holding every read_committed reader back
        throw e;
      }
    }
  }

  private static List<String> runIds(String prefix, int count) {
    List<String> ids = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      ids.add(prefix + r);
    }
    return ids;
  }

  /**
   * Waits (up to 10 minutes) until the committed output of {@code ids} is within 10 steps a run of
   * {@code total}; whether it got there.
   */
  private static boolean awaitDrained(CommittedIndicators committed, List<String> ids, long total)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (committedSteps(committed, ids) < total - ids.size() * 10L) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(250);
    }
    return true;
  }

  /**
   * N trainers at a fixed rate for {@link #seconds}, the recording looped under fresh step numbers
   * for as long as that takes; from the {@code read_committed} consumer: the committed rate from a
   * third of the way in to the end of publishing and the publish → indicator latency of the batch
   * indicators of the steps published in that window (start-up left out; the whole phase's is
   * printed too), and the lag a third of the way in and at the end.
   */
  private Phase paced(PrintStream out, List<Telemetry> recording, int n, int trainers, double rate) throws Exception {
    long steps = Math.max(1, Math.round(rate * seconds));
    List<Telemetry> part = RecordedRun.looped(recording, steps);
    out.printf("paced: %d trainers x %.0f steps/s for %d s (%d steps, the recording looped), %d instance(s)...%n",
        trainers, rate, seconds, steps, n);
    try (Setup s = new Setup(n)) {
      s.startAnalyzers(n);
      List<String> ids = new ArrayList<>();
      List<SimulatedTrainer> sims = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(trainers);
      try (CommittedIndicators committed = new CommittedIndicators(s.kafka)) {
        committed.awaitAssigned(Duration.ofMinutes(1));
        for (int r = 0; r < trainers; r++) {
          String id = "fleet-" + trainers + "x" + (int) rate + "-" + r;
          ids.add(id);
          sims.add(new SimulatedTrainer(trainerKafka(s.kafka), id, part, rate));
        }
        double cpu0 = s.cpuSeconds();
        CpuBudget budget = s.budget();
        long t0 = System.nanoTime();
        long thirdWallMs = System.currentTimeMillis() + seconds * 1000L / 3;
        List<Future<?>> running = new ArrayList<>();
        for (SimulatedTrainer sim : sims) {
          running.add(pool.submit(() -> sim.run(step -> { })));
        }
        long third = t0 + (long) (seconds / 3.0 * 1e9);
        CommittedProgress atThird = null;
        while (running.stream().anyMatch(f -> !f.isDone())) {
          Thread.sleep(20);
          if (atThird == null && System.nanoTime() >= third) {
            atThird = progress(committed, sims);
          }
        }
        CommittedProgress atEnd = progress(committed, sims);
        out.println("  CPU while publishing " + budget.since(s.budgetNames()));
        for (Future<?> f : running) {
          f.get();
        }
        if (atThird == null) {
          atThird = atEnd; // the trainers finished before a third of the phase: no sustained window
        }
        double secs = (atEnd.nanos() - t0) / 1e9;
        long published = sims.stream().mapToLong(SimulatedTrainer::lastStep).sum();
        long last = steps - steps % 10;
        for (String id : ids) {
          committed.await(i -> i.getRunId().equals(id) && i.getStep() >= last, Duration.ofMinutes(2));
        }
        double cpu = s.cpuSeconds() - cpu0;
        long done = CommittedProgress.at(Long.MAX_VALUE, CommittedProgress.published(sims), committed.all())
            .committedSteps();
        List<CommittedIndicators.Seen> batch = committed.matching(
            i -> ids.contains(i.getRunId()) && i.getName().equals("train_accuracy"));
        long[] all = latencies(batch, Long.MIN_VALUE);
        // the table's latencies: the batch indicators of the steps published from a third of the way in
        long[] lat = latencies(batch, thirdWallMs);
        double committedRate = atEnd.nanos() > atThird.nanos() ? atEnd.rateSince(atThird) : Double.NaN;
        out.printf("  published %d summaries in %.1f s (%.0f/s); from %.1f s on: committed %.0f/s, p50 %d ms, "
            + "p99 %d ms (whole phase: p50 %d ms, p99 %d ms, max %d ms); lag %d -> %d steps%n", published, secs,
            published / secs, (atThird.nanos() - t0) / 1e9, committedRate, Stats.percentile(lat, 0.5),
            Stats.percentile(lat, 0.99), Stats.percentile(all, 0.5), Stats.percentile(all, 0.99),
            Stats.percentile(all, 1), atThird.maxLag(), atEnd.maxLag());
        return new Phase(trainers + " x " + (int) rate + " steps/s", n, published / secs, secs, committedRate,
            Stats.percentile(lat, 0.5), Stats.percentile(lat, 0.99), atThird.maxLag(), atEnd.maxLag(),
            cpu / Math.max(1, done) * 1000);
      } finally {
        sims.forEach(SimulatedTrainer::close);
        pool.shutdownNow();
      }
    }
  }

  /** Publish → committed latencies, sorted, of the indicators of steps published at or after {@code fromWallMs}. */
  static long[] latencies(List<CommittedIndicators.Seen> seen, long fromWallMs) {
    return seen.stream().filter(x -> x.indicator().getSourceTimeMs() >= fromWallMs)
        .mapToLong(x -> x.wallMs() - x.indicator().getSourceTimeMs()).sorted().toArray();
  }

  private static CommittedProgress progress(CommittedIndicators committed, List<SimulatedTrainer> sims) {
    Map<String, Long> published = CommittedProgress.published(sims);
    return CommittedProgress.at(System.nanoTime(), published, committed.all());
  }

  /** Summaries analyzed so far: per run, the step of its last committed indicator. */
  private static long committedSteps(CommittedIndicators committed, List<String> ids) {
    Map<String, Long> runs = new HashMap<>();
    ids.forEach(id -> runs.put(id, 0L));
    return CommittedProgress.at(Long.MAX_VALUE, runs, committed.all()).committedSteps();
  }

  private static long lastStep(List<Telemetry> recording) {
    return recording.get(recording.size() - 1).getStep();
  }

  /** The cluster's client settings with the --trainer-producer properties on top, for the simulated trainers. */
  private KafkaSettings trainerKafka(KafkaSettings kafka) {
    if (trainerProducer.isEmpty()) {
      return kafka;
    }
    Map<String, Object> props = new java.util.HashMap<>(kafka.properties());
    props.putAll(trainerProducer);
    return new KafkaSettings(props);
  }

  private static void publishAll(KafkaSettings kafka, List<String> ids, List<Telemetry> recording)
      throws InterruptedException {
    List<SimulatedTrainer> sims = new ArrayList<>();
    try {
      for (String id : ids) {
        SimulatedTrainer sim = new SimulatedTrainer(kafka, id, recording, 0, 512L * 1024 * 1024);
        sims.add(sim);
        sim.run(step -> { });
      }
      for (SimulatedTrainer sim : sims) {
        sim.drain(Duration.ofMinutes(2));
      }
    } finally {
      sims.forEach(SimulatedTrainer::close);
    }
  }

  /** A fresh single-node broker process with Rote's topics, and the analyzer instances of a phase. */
  private final class Setup implements AutoCloseable {
    final Path dir;
    final KafkaCluster broker;
    final KafkaSettings kafka;
    final List<ServiceProcess> analyzers = new ArrayList<>();

    Setup(int n) throws IOException {
      dir = Files.createTempDirectory("rote-fleet-");
      broker = KafkaCluster.start(1, 0, dir.resolve("kafka"), Map.of(), Duration.ofMinutes(2));
      kafka = KafkaOptions.connect(broker.bootstrapServers(), null, Math.max(partitions, n), "1h");
    }

    void startAnalyzers(int n) throws Exception {
      List<String> jvm = new ArrayList<>(List.of("-Xmx2g"));
      if (analyzerJvmOptions != null) {
        jvm.addAll(analyzerJvmOptions);
      }
      String classpath = analyzerClasspath == null ? null : Files.readString(analyzerClasspath).trim();
      for (int i = 0; i < n; i++) {
        List<String> args = new ArrayList<>(List.of("analyzer", "--bootstrap-servers", broker.bootstrapServers(),
            "--metrics-port", "0", "--threads", Integer.toString(threads), "--state-dir",
            dir.resolve("state-" + i).toString()));
        if (kafkaConfig != null) {
          args.add("--kafka-config");
          args.add(kafkaConfig.toString());
        }
        analyzers.add(new ServiceProcess(ServiceProcess.ANALYZER, classpath, jvm, args,
            dir.resolve("analyzer-" + i + ".log")));
      }
      for (ServiceProcess a : analyzers) {
        a.start(Duration.ofMinutes(2));
      }
    }

    /** Counts the CPU of the broker, this process (the trainers) and each analyzer instance from now. */
    CpuBudget budget() {
      long[] pids = new long[2 + analyzers.size()];
      pids[0] = broker.pid(broker.nodes().get(0).id());
      pids[1] = ProcessHandle.current().pid();
      for (int i = 0; i < analyzers.size(); i++) {
        pids[2 + i] = analyzers.get(i).pid();
      }
      return new CpuBudget(pids);
    }

    String[] budgetNames() {
      String[] names = new String[2 + analyzers.size()];
      names[0] = "broker";
      names[1] = "trainers";
      for (int i = 0; i < analyzers.size(); i++) {
        names[2 + i] = "analyzer " + (i + 1);
      }
      return names;
    }

    double cpuSeconds() {
      return analyzers.stream().mapToDouble(ServiceProcess::cpuSeconds).sum();
    }

    @Override
    public void close() {
      analyzers.forEach(ServiceProcess::close);
      broker.close();
      delete(dir);
    }
  }

  static void delete(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // temporary files only
    }
  }
}
