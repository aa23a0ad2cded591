package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.Rule;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.replay.RunCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The target: a user's own program, {@code net.fit(iterator, epochs)} with ten lines of Rote
 * (the plain-fit example), stops on the built-in rules ({@link RuleSet#defaults()}, whatever they are
 * at run time) when it trains on Fashion-MNIST with 40% symmetric label noise. Embedded broker, real
 * analyzer and alerting service, analyzer defaults.
 */
@Tag("integration")
class BuiltInRulesExampleIntegrationTest {

  /** The experiment setting: 10,000 examples, batch 128, MLP 512-512, Adam 3e-4 (the example's network). */
  @Test
  @Tag("slow")
  void shouldStopThePlainFitExampleOnTheBuiltInRulesInTheFortyPercentNoiseExperimentSetting() throws Exception {
    assertStopsOnTheBuiltInRules("builtin-10k", "--train-size", "10000", "--batch-size", "128", "--epochs", "40",
        "--test-size", "2000");
  }

  /** The fast variant of the default test run: the same program and rules on 4,000 examples. */
  @Test
  void shouldStopThePlainFitExampleOnTheBuiltInRulesAtFortyPercentNoise() throws Exception {
    assertStopsOnTheBuiltInRules("builtin-4k", "--train-size", "4000", "--batch-size", "128", "--epochs", "40",
        "--test-size", "1000");
  }

  private static void assertStopsOnTheBuiltInRules(String run, String... sizes) throws Exception {
    RuleSet rules = RuleSet.defaults();
    List<String> stopRules = rules.rules().stream().filter(r -> r.action() == Rule.Action.STOP).map(Rule::name)
        .toList();
    try (LocalPipeline pipeline = LocalPipeline.start(0, AnalyzerConfig.defaults(), rules,
        new SimpleMeterRegistry())) {
      List<String> args = new ArrayList<>(List.of("example", "plain-fit", "--bootstrap-servers",
          pipeline.kafka().bootstrapServers(), "--run-id", run, "--label-noise", "0.4"));
      args.addAll(List.of(sizes));
      long t0 = System.nanoTime();

      RoteCliTest.Run r = RoteCliTest.run(args.toArray(String[]::new));

      System.out.printf("%s: %.0f s%n%s", run, (System.nanoTime() - t0) / 1e9, r.out());
      assertThat(r.code()).as(r.err()).isZero();
      Matcher m = ExamplesIntegrationTest.STOPPED.matcher(r.out());
      assertThat(m.find()).as("stopped by a built-in rule before the last epoch:%n%s", r.out()).isTrue();
      assertThat(Long.parseLong(m.group(1))).isBetween(Long.parseLong(m.group(2)), Long.parseLong(m.group(2)) + 1);
      RunMetadata meta = RunCatalog.read(pipeline.kafka()).value().get(run);
      assertThat(meta.getStatus()).isEqualTo(RunStatus.RUN_STATUS_STOPPED);
      assertThat(stopRules).contains(meta.getStopSignalId().substring(run.length() + 1));
      assertThat(meta.getDegradedList()).isEmpty();
    }
  }
}
