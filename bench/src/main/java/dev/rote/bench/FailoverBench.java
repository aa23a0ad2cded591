package dev.rote.bench;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.RunAnalysis;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Telemetry;
import dev.rote.service.KafkaOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How fast the analyzer's indicators come back after an instance is killed with SIGKILL, for each
 * Kafka lever that could shorten it: an analyzer (or two) in child processes, a recorded run replayed
 * live, one instance killed mid-run (and restarted at once when it is the only one), and the time
 * from the kill to the next committed indicator, with duplicates and gaps counted against the same
 * run analyzed in process.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
    description = "Measure how soon committed indicators resume after an analyzer instance is killed (kill -9), "
        + "for each failover lever: session timeout, transaction timeout, static membership, standby replicas, "
        + "the Streams rebalance protocol (KIP-1071).")
final class FailoverBench implements Callable<Integer> {

  /**
   * A configuration under test: analyzer properties, broker properties, one or two instances, and
   * whether the analyzer's JVM maps a class-data archive ({@link ClassDataSharing}).
   */
  record Lever(String name, String description, Map<String, String> analyzer, Map<String, String> broker,
      boolean twoInstances, boolean cds) {
    Lever(String name, String description, Map<String, String> analyzer, Map<String, String> broker,
        boolean twoInstances) {
      this(name, description, analyzer, broker, twoInstances, true);
    }
  }

  /**
   * Dynamic membership: every analyzer sets {@code group.instance.id} (static membership, Rote's
   * default) unless its properties set one, and an empty one turns it off.
   */
  private static final String DYNAMIC = "";
  private static final Map<String, String> KAFKA_DEFAULTS = Map.of("session.timeout.ms", "45000",
      "heartbeat.interval.ms", "3000", "producer.transaction.timeout.ms", "10000", "num.standby.replicas", "0",
      "group.instance.id", DYNAMIC);
  private static final Map<String, String> SHORT = Map.of("session.timeout.ms", "6000",
      "heartbeat.interval.ms", "1500", "producer.transaction.timeout.ms", "10000", "num.standby.replicas", "0",
      "group.instance.id", DYNAMIC);
  private static final Map<String, String> SHORT_TXN = Map.of("session.timeout.ms", "6000",
      "heartbeat.interval.ms", "1500", "producer.transaction.timeout.ms", "5000", "num.standby.replicas", "0",
      "group.instance.id", DYNAMIC);
  /** Rote's defaults: static membership, session 6 s, transaction timeout 5 s (nothing set). */
  private static final Map<String, String> ROTE = Map.of();
  private static final Map<String, String> STREAMS_BROKER = Map.of("group.streams.min.session.timeout.ms", "6000",
      "group.streams.session.timeout.ms", "6000", "group.streams.min.heartbeat.interval.ms", "1000",
      "group.streams.heartbeat.interval.ms", "1500");

  static final List<Lever> LEVERS = List.of(
      new Lever("defaults", "Kafka's defaults: dynamic membership, session 45 s, transaction timeout 10 s",
          KAFKA_DEFAULTS, Map.of(), false),
      new Lever("static", "static membership (group.instance.id), session 45 s, transaction timeout 10 s",
          without(KAFKA_DEFAULTS, "group.instance.id"), Map.of(), false),
      new Lever("short-session", "dynamic membership, session.timeout.ms 6 s, heartbeat 1.5 s", SHORT, Map.of(),
          false),
      new Lever("short-session-txn", "dynamic membership, session 6 s + producer transaction.timeout.ms 5 s",
          SHORT_TXN, Map.of(), false),
      new Lever("static-short-txn", "Rote's defaults: static membership + session 6 s + transaction timeout 5 s",
          ROTE, Map.of(), false),
      new Lever("static-short-txn-no-cds", "Rote's defaults, the JVM without its class-data archive", ROTE,
          Map.of(), false, false),
      new Lever("streams-protocol", "group.protocol=streams (KIP-1071), group session 6 s on the broker",
          with(SHORT_TXN, "group.protocol", "streams"), STREAMS_BROKER, false),
      new Lever("two-defaults", "two instances, Kafka's defaults (dynamic, session 45 s)", KAFKA_DEFAULTS,
          Map.of(), true),
      new Lever("two-dynamic-short-txn", "two instances, dynamic membership, session 6 s + transaction timeout 5 s",
          SHORT_TXN, Map.of(), true),
      new Lever("two-short-txn", "two instances, Rote's defaults (static, session 6 s, transaction timeout 5 s)",
          ROTE, Map.of(), true),
      new Lever("two-standby", "two instances, Rote's defaults + num.standby.replicas=1",
          Map.of("num.standby.replicas", "1"), Map.of(), true),
      new Lever("two-streams-protocol", "two instances, group.protocol=streams, group session 6 s",
          with(SHORT_TXN, "group.protocol", "streams"), STREAMS_BROKER, true));

  @Option(names = "--levers", split = ",", paramLabel = "NAME",
      description = "Levers to measure (default: all): defaults, static, short-session, short-session-txn, "
          + "static-short-txn, static-short-txn-no-cds, streams-protocol, two-defaults, two-dynamic-short-txn, "
          + "two-short-txn, two-standby, two-streams-protocol.")
  List<String> levers;

  @Option(names = "--rate", defaultValue = "40", description = "Steps per second of the replayed run (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--kill-at-step", defaultValue = "200", description = "Step at which an instance is killed (default: ${DEFAULT-VALUE}).")
  long killAt;

  @Option(names = "--steps", defaultValue = "500", description = "Steps replayed (default: ${DEFAULT-VALUE}).")
  long steps;

  /** One measurement. */
  record Outcome(Lever lever, double resumeSeconds, double restartSeconds, int indicators, int duplicates,
      int missing) {}

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    List<Telemetry> recording = RecordedRun.load().stream().filter(t -> t.getStep() <= steps).toList();
    List<Outcome> outcomes = new ArrayList<>();
    warmUp(out);
    for (Lever lever : LEVERS) {
      if (levers != null && !levers.contains(lever.name())) {
        continue;
      }
      out.printf("%s: %s ...%n", lever.name(), lever.description());
      Outcome o = measure(lever, recording);
      out.printf("  indicators resumed %.1f s after the kill (restart took %.1f s); %d indicators, %d duplicates, "
          + "%d missing%n", o.resumeSeconds(), o.restartSeconds(), o.indicators(), o.duplicates(), o.missing());
      outcomes.add(o);
    }
    out.printf("%n| lever | instances | what | indicators resume after kill -9 | restart of the JVM | duplicates "
        + "| missing |%n|---|---|---|---|---|---|---|%n");
    for (Outcome o : outcomes) {
      out.printf("| %s | %s | %s | %.1f s | %s | %d | %d |%n", o.lever().name(),
          o.lever().twoInstances() ? "2, one killed" : "1, killed and restarted at once", o.lever().description(),
          o.resumeSeconds(), o.lever().twoInstances() ? "-" : String.format("%.1f s", o.restartSeconds()),
          o.duplicates(), o.missing());
    }
    return 0;
  }

  /**
   * Starts and stops one analyzer before the levers: its clean exit writes the class-data archive
   * (unless one is there), so that every lever's restart maps it, the first as the last.
   */
  private static void warmUp(PrintStream out) throws Exception {
    out.println("warm-up: one analyzer started and stopped (writes its class-data archive) ...");
    Path dir = Files.createTempDirectory("rote-failover-warmup-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir.resolve("kafka"), Map.of());
        ServiceProcess analyzer = analyzer(broker.bootstrapServers(), dir, 0, freePort(), Map.of())) {
      analyzer.start(Duration.ofSeconds(90));
    }
  }

  private Outcome measure(Lever lever, List<Telemetry> recording) throws Exception {
    Path dir = Files.createTempDirectory("rote-failover-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir.resolve("kafka"), lever.broker())) {
      KafkaSettings kafka = KafkaOptions.connect(broker.bootstrapServers(), null, 6, "1h");
      int n = lever.twoInstances() ? 2 : 1;
      List<ServiceProcess> instances = new ArrayList<>();
      List<Integer> ports = new ArrayList<>();
      String run = "failover-" + lever.name();
      try (CommittedIndicators committed = new CommittedIndicators(kafka);
          SimulatedTrainer trainer = new SimulatedTrainer(kafka, run, recording, rate)) {
        for (int i = 0; i < n; i++) {
          int port = freePort();
          ports.add(port);
          instances.add(analyzer(broker.bootstrapServers(), dir, i, port, lever.analyzer())
              .classDataSharing(lever.cds()).start(Duration.ofSeconds(90)));
        }
        CountDownLatch killNow = new CountDownLatch(1);
        Thread replay = new Thread(() -> {
          try {
            trainer.run(step -> {
              if (step == killAt) {
                killNow.countDown();
              }
            });
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "failover-trainer");
        replay.start();
        killNow.await();
        int victim = 0;
        for (int i = 0; i < n; i++) {
          if (processedBatches(ports.get(i)) > 0) {
            victim = i;
          }
        }
        long killed = System.nanoTime();
        instances.get(victim).kill();
        double restart = 0;
        if (!lever.twoInstances()) {
          long t0 = System.nanoTime();
          instances.get(victim).start(Duration.ofSeconds(90));
          restart = (System.nanoTime() - t0) / 1e9;
        } else {
          Thread.sleep(1000);
        }
        // The killed instance commits nothing more: what was committed before the kill has been read
        // within a second; anything at a later step is the survivor's or the restarted instance's.
        long lastBefore = committed.matching(i -> i.getRunId().equals(run)).stream()
            .filter(s -> s.nanos() < killed + 1_000_000_000L)
            .mapToLong(s -> s.indicator().getStep()).max().orElse(0);
        CommittedIndicators.Seen first = committed.await(i -> i.getRunId().equals(run) && i.getStep() > lastBefore,
            Duration.ofSeconds(120));
        double resume = first == null ? Double.NaN : (first.nanos() - killed) / 1e9;
        replay.join();
        trainer.drain(Duration.ofSeconds(30));
        List<Telemetry> published = recording.stream().filter(t -> t.getStep() <= trainer.lastStep()).toList();
        Map<String, Integer> expected = keys(expected(published, run));
        long lastEmitted = expected.keySet().stream().mapToLong(k -> Long.parseLong(k.split("@")[1].split("/")[0])).max()
            .orElse(0);
        committed.await(i -> i.getRunId().equals(run) && i.getStep() >= lastEmitted, Duration.ofSeconds(120));
        Thread.sleep(2000);
        Map<String, Integer> got = keys(committed.matching(i -> i.getRunId().equals(run)).stream()
            .map(CommittedIndicators.Seen::indicator).toList());
        int duplicates = got.values().stream().mapToInt(c -> c - 1).sum();
        int missing = (int) expected.keySet().stream().filter(k -> !got.containsKey(k)).count();
        return new Outcome(lever, resume, restart, got.values().stream().mapToInt(Integer::intValue).sum(),
            duplicates, missing);
      } finally {
        instances.forEach(ServiceProcess::close);
      }
    }
  }

  private static ServiceProcess analyzer(String bootstrap, Path dir, int i, int port, Map<String, String> props)
      throws IOException {
    Path config = dir.resolve("analyzer-" + i + ".properties");
    Properties p = new Properties();
    props.forEach((k, v) -> p.setProperty(k, v.replace("%d", Integer.toString(i))));
    try (Writer w = Files.newBufferedWriter(config)) {
      p.store(w, "failover lever");
    }
    return new ServiceProcess(ServiceProcess.ANALYZER, List.of("-Xmx1g"), List.of("analyzer",
        "--bootstrap-servers", bootstrap, "--kafka-config", config.toString(), "--metrics-port",
        Integer.toString(port), "--state-dir", dir.resolve("state-" + i).toString(), "--threads", "1"),
        dir.resolve("analyzer-" + i + ".log"));
  }

  /** The run analyzed in process: the indicators a correct analyzer commits, once each. */
  static List<Indicator> expected(List<Telemetry> published, String run) {
    RunAnalysis analysis = new RunAnalysis(AnalyzerConfig.defaults(), false);
    List<Indicator> out = new ArrayList<>();
    for (Telemetry t : published) {
      out.addAll(analysis.apply(t.toBuilder().setRunId(run).build()));
    }
    return out;
  }

  /** Counts per indicator identity: name, step, layer and class. */
  static Map<String, Integer> keys(List<Indicator> indicators) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Indicator i : indicators) {
      if (i.getName().startsWith("nmf_")) {
        continue;
      }
      String k = i.getName() + "@" + i.getStep() + "/" + (i.hasLayer() ? i.getLayer() : "-") + "/"
          + (i.hasClassLabel() ? i.getClassLabel() : "-");
      out.merge(k, 1, Integer::sum);
    }
    return out;
  }

  private static final Pattern PROCESSED = Pattern.compile(
      "rote_analyzer_records_processed_total\\{[^}]*type=\"batch\"[^}]*} ([0-9.eE+]+)");

  /** Batch summaries an instance processed, from its metrics endpoint. */
  static double processedBatches(int metricsPort) {
    try {
      String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = PROCESSED.matcher(body);
      return m.find() ? Double.parseDouble(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  static int freePort() throws IOException {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Map<String, String> without(Map<String, String> base, String key) {
    Map<String, String> m = new HashMap<>(base);
    m.remove(key);
    return m;
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> m = new HashMap<>(base);
    m.put(key, value);
    return m;
  }
}
