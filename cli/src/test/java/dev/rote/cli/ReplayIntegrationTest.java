package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.contract.IndicatorNames;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunStatus;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.reference.ReferenceTrainer;
import dev.rote.reference.StopOptions;
import dev.rote.contract.v1.StopSignal;
import dev.rote.replay.Replay;
import dev.rote.replay.RunCatalog;
import dev.rote.replay.RunTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay and backtest on the real embedded broker: a run trained and stopped by the live loop is
 * replayed from its topics; the same rules reproduce its indicators and stop exactly.
 */
@Tag("integration")
class ReplayIntegrationTest {

  /**
   * A warn rule that fires within a few epochs of any run and reads what the live service takes from
   * elsewhere: steps per epoch from the run's metadata, standard errors, and the same pass's
   * fit progress in its condition.
   */
  static final String EPOCH_RULE = """
        - name: wave_epochs
          monitor: epoch_train_accuracy
          mode: min
          patience: 1 epochs
          min_delta: 1 se
          start_from: 1 epochs
          restore_average: 1 epochs
          when:
            - indicator: epoch_fit_progress
              below: 1.0
          action: warn
      """;

  private static StopSignal timeless(StopSignal s) {
    return s.toBuilder().clearIssuedTimeMs().build();
  }

  @Test
  void shouldReproduceTheOriginalIndicatorsAndStopAndHandleAgedOutSteps(@TempDir Path dir) throws Exception {
    Path rulesFile = dir.resolve("rules.yaml");
    Files.writeString(rulesFile, FullLoopIntegrationTest.FAST_RULES + EPOCH_RULE);
    Path lenient = dir.resolve("lenient.yaml");
    Files.writeString(lenient, "rules:\n  - name: lenient\n    monitor: prediction_flip_rate\n    patience: 1000\n");
    RuleSet rules = RuleSet.load(rulesFile);
    try (LocalPipeline pipeline = LocalPipeline.start(0, AnalyzerConfig.defaults(), rules, new SimpleMeterRegistry())) {
      TrainCommand command = new TrainCommand();
      new picocli.CommandLine(command).parseArgs("--train-size", "2000", "--epochs", "16", "--hidden", "128,128",
          "--learning-rate", "0.001", "--label-noise", "0.4", "--run-id", "replay-it");
      TrainCommand.Prepared run = TrainCommand.prepare(command.trainer);
      ReferenceTrainer.Result r;
      try (IndicatorWatch watch = new IndicatorWatch(pipeline.kafka(), "replay-it")) {
        r = TrainCommand.train(run, pipeline.kafka(), null, System.out, null, StopOptions.defaults());
        assertThat(r.status()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
        assertThat(watch.awaitStep(IndicatorNames.TEST_ACCURACY, r.curveStepBeforeStop(), Duration.ofSeconds(30)))
            .isTrue();
        Thread.sleep(3000); // the NMF application's last indicators
      }
      String bs = pipeline.broker().bootstrapServers();

      // Backtest with the live rules and a lenient set: the live rules reproduce the original stop.
      RoteCliTest.Run backtest = RoteCliTest.run("replay", "replay-it", "--bootstrap-servers", bs,
          "--rules", rulesFile.toString(), "--rules", lenient.toString(), "--json", "--compare");
      assertThat(backtest.code()).as(backtest.err()).isZero();
      JsonNode outcomes = new ObjectMapper().readTree(backtest.out());
      assertThat(outcomes).hasSize(2);
      JsonNode same = outcomes.get(0);
      assertThat(same.get("stop_step").asLong()).isEqualTo(same.get("original_stop_step").asLong())
          .isEqualTo(r.stop().get().getStep());
      assertThat(same.get("stop_rule").asText()).isEqualTo("memorization_onset");
      assertThat(same.get("restore_step").asLong()).isEqualTo(r.stop().get().getRestoreStep());
      assertThat(same.get("indicators_compared").asLong()).isGreaterThan(100);
      assertThat(same.get("indicators_differing").asLong()).as("indicators identical to the original").isZero();
      assertThat(outcomes.get(1).get("stop_step").isNull()).as("the lenient rules never stop").isTrue();
      assertThat(same.get("unreadable_records").asLong()).isZero();
      assertThat(same.get("unreadable")).isEmpty();
      assertThat(backtest.err()).contains("compared with the original").contains("0 differing, 0 missing, 0 extra");

      // Every alert of the live service, warn rules in epoch units included, decided identically in process.
      List<StopSignal> live = RunTopics.read(pipeline.kafka(), Topics.ALERTS, "replay-it").values();
      Replay.Result again = Replay.run(RunTopics.read(pipeline.kafka(), Topics.TELEMETRY, "replay-it").values(),
          RunCatalog.read(pipeline.kafka()).value().get("replay-it"), "replay-it", new Replay.Options(0, 0, false),
          List.of(rules), x -> { }, x -> { });
      assertThat(live).extracting(StopSignal::getRule).contains("wave_epochs", "memorization_onset");
      assertThat(again.decisions().get(0).signals().stream().map(ReplayIntegrationTest::timeless).toList())
          .isEqualTo(live.stream().map(ReplayIntegrationTest::timeless).toList());
      assertThat(live).filteredOn(s -> s.getRule().equals("wave_epochs")).singleElement().satisfies(s -> {
        assertThat(s.getRestoreToStep() - s.getRestoreFromStep()).isPositive();
        assertThat(s.getValuesMap()).containsKey("steps_per_epoch").containsKey("epoch_fit_progress");
      });

      // A published replay gets its own run id, twice in a row.
      RoteCliTest.Run replay = RoteCliTest.run("replay", "replay-it", "--bootstrap-servers", bs);
      assertThat(replay.code()).as(replay.err()).isZero();
      assertThat(replay.out()).contains("replaying run replay-it as replay-it@replay-1")
          .contains("stop at step " + r.stop().get().getStep() + " by memorization_onset");
      assertThat(RoteCliTest.run("replay", "replay-it", "--bootstrap-servers", bs, "--no-nmf").out())
          .contains("as replay-it@replay-2");
      assertThat(RunTopics.read(pipeline.kafka(), Topics.INDICATORS, "replay-it@replay-1").records())
          .isNotEmpty();

      // Paced at half the original speed, the replay serves its run's metrics for the dashboards.
      int port;
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      var paced = java.util.concurrent.CompletableFuture.supplyAsync(() -> RoteCliTest.run("replay", "replay-it",
          "--bootstrap-servers", bs, "--speed", "0.5", "--metrics-port", Integer.toString(port), "--no-nmf"));
      String scraped = "";
      String trainAccuracy = "rote_analyzer_indicator{class=\"all\",indicator=\"train_accuracy\",layer=\"all\","
          + "run=\"replay-it@replay-3\",service=\"replay\"}";
      var http = java.net.http.HttpClient.newHttpClient();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!scraped.contains(trainAccuracy) && System.nanoTime() < deadline && !paced.isDone()) {
        try {
          scraped = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
              + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
          // not serving yet
        }
        Thread.sleep(200);
      }
      assertThat(scraped).as("metrics served while the paced replay runs").contains(trainAccuracy);
      assertThat(paced.get().code()).isZero();
      RoteCliTest.Run runs = RoteCliTest.run("runs", "--bootstrap-servers", bs);
      assertThat(runs.out()).contains("replay-it@replay-1").contains("replay-it@replay-2")
          .containsPattern("replay-it\\s+stopped\\s+\\d+\\s+\\d+\\s+1\\s");

      // Retention: delete the run's oldest telemetry; the replay says what is gone and replays the rest.
      var slice = RunTopics.read(pipeline.kafka(), Topics.TELEMETRY, "replay-it");
      var cut = slice.records().get(slice.records().size() / 2);
      try (Admin admin = Admin.create(pipeline.kafka().with(Map.of()))) {
        admin.deleteRecords(Map.of(new TopicPartition(cut.topic(), cut.partition()),
            RecordsToDelete.beforeOffset(cut.offset()))).all().get();
      }
      long firstLeft = cut.value().getStep();
      RoteCliTest.Run partial = RoteCliTest.run("replay", "replay-it", "--bootstrap-servers", bs, "--rules",
          lenient.toString());
      assertThat(partial.code()).as(partial.err()).isZero();
      assertThat(partial.out()).contains("steps 1.." + (firstLeft - 1) + " are gone from rote.telemetry")
          .contains("replaying from step " + firstLeft);
      assertThat(RoteCliTest.run("runs", "--bootstrap-servers", bs).out())
          .containsPattern("replay-it\\s+stopped\\s+\\d+\\s+\\d+\\s+" + firstLeft + "\\s");
      assertThat(List.of(firstLeft)).allMatch(s -> s > 1);
    }
  }
}
