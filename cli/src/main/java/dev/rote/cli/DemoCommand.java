package dev.rote.cli;

import dev.rote.alerting.cli.RulesOption;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.broker.SecurityFiles;
import dev.rote.broker.SecurityFiles.Role;
import dev.rote.contract.IndicatorNames;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.Suspect;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.metrics.MetricsEndpoint;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.StopOptions;
import dev.rote.reference.cli.TrainerOptions;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.data.IdxImages;
import dev.rote.replay.RunTopics;
import dev.rote.service.MetricsOptions;
import dev.rote.replay.Unreadable;
import dev.rote.report.Alert;
import dev.rote.report.HtmlReport;
import dev.rote.report.Marker;
import dev.rote.report.Point;
import dev.rote.report.RunTimeline;
import dev.rote.report.SuspectImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "The whole loop in one command: an embedded Kafka broker, the analyzer, the alerting "
        + "service and the reference trainer on Fashion-MNIST with 40%% label noise. Rote stops the run when "
        + "it starts memorizing, restores the best checkpoint, and writes an HTML report.")
final class DemoCommand implements Callable<Integer> {

  static final double DEFAULT_LABEL_NOISE = 0.4;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin TrainerOptions trainer;
  @Mixin RulesOption rules;
  @Mixin MetricsOptions metrics;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
      description = "Port of the embedded broker; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "0",
      description = "Serve Prometheus metrics on this port at /metrics; 0 for none (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Where the report and the stopped model go (default: rote-demo-<run id>).")
  Path out;

  @Option(names = "--no-full-run",
      description = "After the stop, do not train on to show what the full run would reach.")
  boolean noFullRun;

  @Option(names = "--secure",
      description = "Run the broker secured: SASL_SSL with SCRAM-SHA-512, ACLs; the analyzer, the alerting service "
          + "and the trainer connect with their own roles' client files, created in <out>/security.")
  boolean secure;

  @Option(names = "--no-restore",
      description = "On the stop, keep the model as it is instead of restoring the recommended checkpoint.")
  boolean noRestore;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (!trainer.randomLabels() && !spec.commandLine().getParseResult().hasMatchedOption("--label-noise")) {
      trainer.setLabelNoise(DEFAULT_LABEL_NOISE);
    }
    var ruleSet = rules.load(System.err);
    TrainCommand.Prepared run = TrainCommand.prepare(trainer);
    String runId = run.options().telemetry().runId();
    Path dir = out != null ? out : Path.of("rote-demo-" + runId);
    Files.createDirectories(dir);
    StopOptions stop = trainer.stopOptions(!noRestore, dir.resolve("model.zip"));
    if (!noFullRun) {
      stop = stop.continuingAfterStop();
    }
    MetricsEndpoint.Address address = metrics.address(metricsPort);
    Path security = null;
    if (secure) {
      security = dir.resolve("security");
      if (!SecurityFiles.isInitialized(security)) {
        SecurityFiles.init(security, List.of(), false);
      }
    }
    try (MetricsEndpoint endpoint = new MetricsEndpoint("demo", address);
        LocalPipeline pipeline = LocalPipeline.start(port, AnalyzerConfig.defaults(), ruleSet, endpoint.registry(),
            security)) {
      System.out.printf("embedded Kafka broker at %s%s; analyzer and alerting running (%s)%n",
          pipeline.broker().bootstrapServers(), secure ? " (SASL_SSL, SCRAM-SHA-512, ACLs; client files in "
              + security + ")" : "", rules.describe());
      ruleSet.rules().forEach(r -> System.out.println("  rule " + r.describe()));
      try (IndicatorWatch watch = new IndicatorWatch(pipeline.kafka(), runId, s -> System.out.printf(
          ">> alert: rule %s (%s) at step %d: %s%n", s.getRule(),
          s.getAction() == SignalAction.SIGNAL_ACTION_STOP ? "stop" : "warn", s.getStep(), s.getReason()))) {
        ReferenceTrainer.Result r = TrainCommand.train(run, pipeline.kafka(Role.TRAINER), endpoint.registry(), System.out,
            watch::summary, stop);
        watch.awaitStep(IndicatorNames.TEST_ACCURACY, r.curveStepBeforeStop(), Duration.ofSeconds(10));
        summary(r);
        if (!watch.unreadable().isEmpty()) {
          System.out.println("indicators and alerts: " + Unreadable.summary(watch.unreadable()));
        }
        Path report = dir.resolve("report.html");
        List<SuspectImage> suspects = suspectImages(pipeline.kafka(), runId, run.data(), TOP_SUSPECTS);
        HtmlReport.write(timeline(runId, run.cli().describe(), r, watch), suspects, report);
        System.out.printf("report: %s%n", report.toAbsolutePath());
        if (r.status() == RunStatus.RUN_STATUS_STOPPED) {
          System.out.printf("model at the stop: %s%n", dir.resolve("model.zip").toAbsolutePath());
        }
      }
    }
    return 0;
  }

  /** Suspect labels shown in the report. */
  static final int TOP_SUSPECTS = 24;

  private static final String[] FASHION_MNIST_CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

  /**
   * The top of the run's latest suspect ranking on {@code rote.suspects} (the analyzer publishes the
   * last one when the run's final status arrives; waits up to 10 s for it), with each example's image.
   */
  static List<SuspectImage> suspectImages(KafkaSettings kafka, String runId, IdxDataset data, int top)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    SuspectRanking last = null;
    while (System.nanoTime() < deadline) {
      List<SuspectRanking> published = RunTopics.read(kafka, Topics.SUSPECTS, runId).values();
      last = published.isEmpty() ? null : published.get(published.size() - 1);
      if (last != null && last.getStep() >= lastStep(kafka, runId)) {
        break;
      }
      Thread.sleep(500);
    }
    if (last == null) {
      return List.of();
    }
    IdxImages images = data.trainImages();
    boolean fashion = data.name().toLowerCase(java.util.Locale.ROOT).contains("fashion") && data.numClasses() == 10;
    List<SuspectImage> out = new ArrayList<>();
    for (Suspect s : last.getSuspectsList().subList(0, Math.min(top, last.getSuspectsCount()))) {
      int id = (int) s.getExampleId();
      byte[] gray = java.util.Arrays.copyOfRange(images.pixels(), id * images.imageSize(), (id + 1) * images.imageSize());
      out.add(new SuspectImage(id, s.getScore(), className(s.getLabel(), fashion),
          className(s.getPredictedLabel(), fashion), s.hasLabelFlipped() ? s.getLabelFlipped() : null, images.cols(),
          images.rows(), gray));
    }
    return out;
  }

  private static long lastStep(KafkaSettings kafka, String runId) {
    var runs = RunTopics.read(kafka, Topics.RUNS, runId).values();
    return runs.isEmpty() ? Long.MAX_VALUE : runs.get(runs.size() - 1).getLastStep();
  }

  private static String className(int label, boolean fashion) {
    return fashion ? label + " " + FASHION_MNIST_CLASSES[label] : Integer.toString(label);
  }

  private static void summary(ReferenceTrainer.Result r) {
    System.out.println();
    if (r.status() == RunStatus.RUN_STATUS_STOPPED) {
      System.out.printf("stopped by Rote after step %d (rule %s)%n", r.stopStep(), r.stop().get().getRule());
      System.out.printf("  clean test accuracy at the stop step:    %.4f%n", r.testAccuracyAtStop());
      if (r.restoredStep() >= 0 && Double.isNaN(r.testAccuracyAtRestoreAverage())) {
        System.out.printf("  restored checkpoint of step %-6d        %.4f  <- the model you keep%n",
            r.restoredStep(), r.testAccuracyAtRestore());
      } else if (!Double.isNaN(r.testAccuracyAtRestoreAverage())) {
        System.out.printf("  closest checkpoint (step %d):%s%.4f%n", r.restoredStep(),
            " ".repeat(Math.max(1, 16 - Long.toString(r.restoredStep()).length())), r.testAccuracyAtRestore());
        String steps = r.restores().stream()
            .filter(m -> m.policy().equals("signal_window_steps") || m.policy().startsWith("average_steps_"))
            .map(m -> m.steps().toString()).findFirst().orElse("around it");
        System.out.printf("  mean of the checkpoints of steps %s: %.4f  <- the model you keep%n", steps,
            r.testAccuracyAtRestoreAverage());
      }
    } else {
      System.out.printf("no stop signal: trained to the end, clean test accuracy %.4f%n", r.finalTestAccuracy());
    }
    System.out.printf("  best clean test accuracy of any epoch:   %.4f (step %d)%n", r.bestTestAccuracy(), r.bestStep());
    if (!Double.isNaN(r.fullRunTestAccuracy())) {
      System.out.printf("  training to the end would have reached:  %.4f%n", r.fullRunTestAccuracy());
    }
    System.out.println("(no clean data decided the stop: the test set only measures it)");
  }

  /** The run as the report shows it: indicators from the topic, accuracy by epoch, stop and alerts. */
  static RunTimeline timeline(String runId, String description, ReferenceTrainer.Result r, IndicatorWatch watch) {
    Map<String, List<Point>> series = new LinkedHashMap<>();
    watch.history().forEach((name, values) -> {
      List<Point> points = new ArrayList<>();
      values.forEach((step, v) -> points.add(new Point(step, v)));
      series.put(name, points);
    });
    List<Point> epochs = new ArrayList<>();
    r.testAccuracy().forEach(p -> epochs.add(new Point((long) p[0], p[1])));
    series.put("full_run_test_accuracy", epochs);
    List<Marker> markers = new ArrayList<>();
    if (r.stopStep() >= 0) {
      markers.add(new Marker(r.stopStep(), "stop signal (step " + r.stopStep() + ")"));
    }
    if (r.restoredStep() >= 0) {
      markers.add(new Marker(r.restoredStep(), "restored checkpoint (step " + r.restoredStep() + ")"));
    }
    List<Alert> alerts = watch.alerts().stream().map(s -> new Alert(s.getStep(), s.getRule(),
        s.getAction() == SignalAction.SIGNAL_ACTION_STOP ? "stop" : "warn", s.getReason())).toList();
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("run", description);
    facts.put("status", Console.status(r.status()));
    if (r.stopStep() >= 0) {
      facts.put("stopped after step", Long.toString(r.stopStep()));
      facts.put("clean test accuracy at the stop step", String.format("%.4f", r.testAccuracyAtStop()));
    }
    if (r.restoredStep() >= 0) {
      facts.put("restored checkpoint", "step " + r.restoredStep() + String.format(", clean test accuracy %.4f",
          r.testAccuracyAtRestore()));
    }
    facts.put("best clean test accuracy", String.format("%.4f at step %d", r.bestTestAccuracy(), r.bestStep()));
    if (!Double.isNaN(r.fullRunTestAccuracy())) {
      facts.put("training to the end would have reached", String.format("%.4f (full_run_test_accuracy in the "
          + "chart; after the stop the trainer trained on detached from Rote)", r.fullRunTestAccuracy()));
    }
    return new RunTimeline(runId, "Rote run " + runId, facts, series, markers, alerts);
  }
}
