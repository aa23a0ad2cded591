package dev.rote.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.IndicatorNames;
import dev.rote.contract.v1.DatasetInfo;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The built-in rules, exactly as shipped, on the epoch-level indicators that the analyzer committed
 * for real DL4J runs of {@code ./rote experiment} (the experiment keeps them; the fixtures were
 * exported with {@code tools/detector-research/dl4j_fixture.py}). Each fixture holds, per epoch end,
 * the indicators in the order the analyzer publishes them and the clean test accuracy the trainer
 * measured there, so the rule's stop can be judged against the run's own best epoch.
 */
class DefaultRulesOnRecordedEpochIndicatorsTest {

  private static final String DIR = "/dl4j-epoch-indicators/";
  private static final String ONSET = "memorization_onset";

  /** One recorded run: metadata from the header, then the rows by step. */
  private record Recording(String name, int trainSize, int batchSize, TreeMap<Long, Map<String, Double>> rows) {

    static Recording load(String name) {
      try (InputStream in = DefaultRulesOnRecordedEpochIndicatorsTest.class.getResourceAsStream(DIR + name)) {
        assertThat(in).as(name).isNotNull();
        List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        int trainSize = 0;
        int batchSize = 0;
        String[] header = null;
        TreeMap<Long, Map<String, Double>> rows = new TreeMap<>();
        for (String line : lines) {
          if (line.startsWith("# train_size ")) {
            trainSize = Integer.parseInt(line.substring(13).trim());
          } else if (line.startsWith("# batch_size ")) {
            batchSize = Integer.parseInt(line.substring(13).trim());
          } else if (line.startsWith("#")) {
            continue;
          } else if (header == null) {
            header = line.split(",");
          } else {
            String[] cells = line.split(",", -1);
            Map<String, Double> row = new TreeMap<>();
            for (int k = 1; k < cells.length; k++) {
              if (!cells[k].isEmpty()) {
                row.put(header[k], Double.parseDouble(cells[k]));
              }
            }
            rows.put(Long.parseLong(cells[0]), row);
          }
        }
        deriveWrongLearnedRate(rows, trainSize);
        return new Recording(name, trainSize, batchSize, rows);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * The fixtures were recorded before the analyzer published {@code epoch_wrong_learned_rate}; it
     * follows from what they hold. In these runs every pass presents each of the {@code trainSize}
     * examples once, so from the second pass on the learned events are {@code epoch_learned_rate ×
     * trainSize} and the presentations previously wrong {@code (1 − previous epoch_train_accuracy) ×
     * trainSize}: the rate is their ratio, with its binomial standard error over the second count.
     */
    private static void deriveWrongLearnedRate(TreeMap<Long, Map<String, Double>> rows, int trainSize) {
      Double previousAccuracy = null;
      for (Map<String, Double> row : rows.values()) {
        Double learned = row.get(IndicatorNames.EPOCH_LEARNED_RATE);
        if (learned != null && previousAccuracy != null && previousAccuracy < 1
            && !row.containsKey(IndicatorNames.EPOCH_WRONG_LEARNED_RATE)) {
          double wrong = (1 - previousAccuracy) * trainSize;
          double rate = learned * trainSize / wrong;
          row.put(IndicatorNames.EPOCH_WRONG_LEARNED_RATE, rate);
          row.put(IndicatorNames.EPOCH_WRONG_LEARNED_RATE + "_se", Math.sqrt(rate * (1 - rate) / wrong));
        }
        previousAccuracy = row.getOrDefault(IndicatorNames.EPOCH_TRAIN_ACCURACY, previousAccuracy);
      }
    }

    double best() {
      return rows.values().stream().filter(r -> r.containsKey("test_accuracy")).mapToDouble(r -> r.get("test_accuracy"))
          .max().orElseThrow();
    }

    double testAccuracyAt(long step) {
      return rows.get(step).get("test_accuracy");
    }

    /**
     * The stop signals of {@code rules} fed the run's indicators in the analyzer's order, pass by pass;
     * asserts that the stop rule evaluated every epoch from its start on.
     */
    List<StopSignal> replay(RuleSet rules) {
      RunMetadata meta = RunMetadata.newBuilder().setRunId(name)
          .setDataset(DatasetInfo.newBuilder().setTrainSize(trainSize))
          .putHyperparameters("batch_size", Integer.toString(batchSize)).build();
      int[] evaluations = new int[1];
      RuleEvaluator evaluator = new RuleEvaluator(rules, dev.rote.service.RunDirectory.of(Map.of(name, meta)),
          new EvaluationListener() {
            @Override
            public void evaluated(Rule rule, String runId) {
              evaluations[0] += rule.name().equals(ONSET) ? 1 : 0;
            }
          });
      List<StopSignal> out = new ArrayList<>();
      rows.forEach((step, row) -> {
        for (String indicator : IndicatorNames.EPOCH_ORDER) {
          Double v = row.get(indicator);
          if (v == null) {
            continue;
          }
          Indicator.Builder b = Indicator.newBuilder().setRunId(name).setName(indicator).setStep(step).setValue(v)
              .setSourceTimeMs(step);
          Double se = row.get(indicator + "_se");
          if (se != null) {
            b.setStandardError(se);
          }
          out.addAll(evaluator.apply(b.build(), step));
        }
      });
      assertThat(out).as("no rule reports it cannot evaluate the run").noneMatch(RuleEvaluator::isRuleError);
      long startStep = 3L * ((trainSize + batchSize - 1) / batchSize); // the rule's start_from: 3 epochs
      long flipRates = rows.entrySet().stream().filter(e -> e.getKey() >= startStep
          && e.getValue().containsKey(IndicatorNames.EPOCH_PREDICTION_FLIP_RATE)).count();
      boolean stopped = out.stream().anyMatch(s -> s.getRule().equals(ONSET));
      if (!stopped) {
        assertThat(evaluations[0]).as("%s evaluated every flip rate from its start on", ONSET)
            .isEqualTo((int) flipRates);
      }
      return out.stream().filter(s -> s.getAction() == SignalAction.SIGNAL_ACTION_STOP).toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"batch512-clean-s1.csv", "batch512-clean-s2.csv", "batch512-clean-s3.csv",
      "central-clean-s2.csv", "central-clean-s3.csv", "batch1024-clean-s7.csv", "batch2048-20k-clean-s15.csv",
      "batch512-3k-clean-s19.csv"})
  void shouldNeverStopACleanRunBelow99PercentOfItsBest(String fixture) {
    Recording run = Recording.load(fixture);
    assertThat(run.rows()).as("epochs recorded").hasSizeGreaterThan(20);
    assertThat(run.rows().values()).filteredOn(r -> r.containsKey(IndicatorNames.EPOCH_PREDICTION_FLIP_RATE))
        .hasSize(run.rows().size() - 1);
    List<StopSignal> stops = run.replay(RuleSet.defaults());

    for (StopSignal s : stops) {
      assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best())
          .as("stop after step %d, restore step %d", s.getStep(), s.getRestoreStep()).isGreaterThanOrEqualTo(0.99);
    }
  }

  @Test
  void shouldStopANoisyRunOnItsPlateauAndRestoreNearItsBest() {
    // MNIST (a data set the rules never saw), 40% symmetric noise: best epoch at step 632, 0.9213;
    // trained to the end it falls to 0.7608.
    Recording run = Recording.load("mnist-sym40-s1.csv");
    // the trainer obeys the first stop signal
    assertThat(run.replay(RuleSet.defaults())).first().satisfies(s -> {
      assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).as("restore step %d", s.getRestoreStep())
          .isGreaterThanOrEqualTo(0.98);
      assertThat(run.testAccuracyAt(run.rows().lastKey()) / run.best()).as("the end of the run").isLessThan(0.9);
    });
  }

  @Test
  void shouldNotTakeOneDisturbedEpochForALearningPlateau() {
    // The clean batch-512 run: at step 300 one disturbed epoch raised the flip rate by 3.5 standard
    // errors and lowered the train accuracy, so that epoch's fit progress alone (0.0097, between
    // 0.047 and 0.039) read as a plateau. The shipped rule averages two epochs of it. The rebound at
    // two epoch ends in a row (added 2026-12-02) is no guard here: the flip rate stayed up the next
    // epoch, and the plateau of the disturbed epoch counts for the pair.
    Recording run = Recording.load("batch512-clean-s2.csv");
    RuleSet shipped = RuleSet.defaults();
    Rule shippedOnset = shipped.rules().stream().filter(r -> r.name().equals("memorization_onset")).findFirst()
        .orElseThrow();
    assertThat(shippedOnset.reboundFor()).isEqualTo(2);
    // The rule as it was before the wrong examples' learning joined its conditions: the plateau alone
    // (and each epoch's flip rate alone, as before smoothing over 60 steps).
    Rule onset = unsmoothed(shippedOnset).withWhen(shippedOnset.when().stream()
        .filter(c -> c.indicator().equals(IndicatorNames.EPOCH_FIT_PROGRESS)).toList());
    assertThat(onset.when()).singleElement().satisfies(c -> assertThat(c.smoothing()).isEqualTo(2));
    Rule oneEpoch = onset.withWhen(onset.when().stream()
        .map(c -> new Rule.Condition(c.indicator(), c.layer(), c.above(), c.below(), 1)).toList());

    List<StopSignal> before = run.replay(new RuleSet(List.of(oneEpoch.withReboundFor(1)), List.of()));
    assertThat(before).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(300);
      assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).isLessThan(0.99);
    });
    assertThat(run.replay(new RuleSet(List.of(oneEpoch), List.of()))).singleElement()
        .satisfies(s -> assertThat(s.getStep()).isEqualTo(320));
    for (Rule guarded : List.of(onset.withReboundFor(1), onset)) {
      assertThat(run.replay(new RuleSet(List.of(guarded), List.of()))).as(guarded.describe()).singleElement()
          .satisfies(s -> {
            assertThat(s.getStep()).isGreaterThan(300);
            assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).isGreaterThanOrEqualTo(0.99);
          });
    }
    // The shipped rule, which also asks that the wrong examples resist, stops no earlier.
    assertThat(run.replay(new RuleSet(List.of(shippedOnset), List.of()))).allSatisfy(s -> {
      assertThat(s.getStep()).isGreaterThan(300);
      assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).isGreaterThanOrEqualTo(0.99);
    });
  }

  @Test
  void shouldNotTakeASlowCleanLearnerWhoseWrongExamplesStillGetLearnedForMemorization() {
    // The clean batch-512 run of seed 1 (20 updates per epoch): its fit progress stays near 0.02 while
    // it still learns, and Adam's flip-rate rebounds come on that slow plateau. The plateau alone
    // stopped it after epoch 15 keeping 98.5% of its best (docs/RESULTS.md); but of the examples it
    // got wrong it learned about a quarter per epoch there, where noisy labels resist (under a tenth).
    Recording run = Recording.load("batch512-clean-s1.csv");
    Rule shippedOnset = RuleSet.defaults().rules().stream().filter(r -> r.name().equals(ONSET)).findFirst()
        .orElseThrow();
    assertThat(shippedOnset.when()).extracting(Rule.Condition::indicator)
        .containsExactly(IndicatorNames.EPOCH_FIT_PROGRESS, IndicatorNames.EPOCH_WRONG_LEARNED_RATE,
            IndicatorNames.EPOCH_WRONG_LEARNED_RATE);
    Rule plateauOnly = shippedOnset.withWhen(shippedOnset.when().stream()
        .filter(c -> c.indicator().equals(IndicatorNames.EPOCH_FIT_PROGRESS)).toList());

    assertThat(run.replay(new RuleSet(List.of(plateauOnly), List.of()))).singleElement().satisfies(s ->
        assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).as("restore step %d", s.getRestoreStep())
            .isLessThan(0.99));
    assertThat(run.replay(RuleSet.defaults())).allSatisfy(s ->
        assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).as("restore step %d", s.getRestoreStep())
            .isGreaterThanOrEqualTo(0.99));
  }

  @Test
  void shouldStopALowNoiseRunThatMemorizesWhileItStillLearnsByItsWrongExamples() {
    // Central cell, 20% symmetric noise, seed 2: the flip rate's rebound came while the network still
    // learned (fit progress over 0.02), so memorization_onset never fired and the run ended at 93.9%
    // of its best. The share of its wrong examples learned per epoch fell to about 0.09 (the noisy
    // labels resisting) and then turned up as it learned them: wrong_examples_memorized stops it.
    Recording run = Recording.load("central-sym20-s2.csv");
    RuleSet shipped = RuleSet.defaults();
    RuleSet onsetOnly = new RuleSet(shipped.rules().stream().filter(r -> r.name().equals(ONSET)).toList(), List.of());
    assertThat(run.replay(onsetOnly)).as("the flip rate's rule alone").isEmpty();
    assertThat(run.testAccuracyAt(run.rows().lastKey()) / run.best()).as("the end of the run").isLessThan(0.95);

    assertThat(run.replay(shipped)).first().satisfies(s -> {
      assertThat(s.getRule()).isEqualTo("wrong_examples_memorized");
      assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).as("restore step %d", s.getRestoreStep())
          .isGreaterThanOrEqualTo(0.98);
    });
  }

  @Test
  void shouldNotTakeAVeryLargeBatchCleanRunsSlowLearningForResistingWrongExamples() {
    // The clean batch-1,024 run of seed 7 (10 updates per epoch): its share of wrong examples learned
    // per epoch fell to 0.10-0.17, under both absolute thresholds, and the rules as shipped before
    // 2026-12-03 stopped it after epoch 17 keeping about 97.5% of its best. Over the right examples it
    // forgot per epoch that share read 8-11; noisy runs resist at 6 and under.
    Recording run = Recording.load("batch1024-clean-s7.csv");
    RuleSet shipped = RuleSet.defaults();
    Rule onset = rule(shipped, ONSET);
    Rule wave = rule(shipped, "wrong_examples_memorized");
    assertThat(onset.when()).last().satisfies(c -> {
      assertThat(c.over()).isEqualTo(IndicatorNames.EPOCH_FORGETTING_RATE);
      assertThat(c.below()).isEqualTo(6.0);
    });
    assertThat(wave.armingRatio().limit()).isEqualTo(9.0);
    Rule onsetBefore = before(onset);
    Rule waveBefore = before(wave);

    List<StopSignal> before = run.replay(new RuleSet(List.of(onsetBefore, waveBefore), List.of()));
    assertThat(before).first().satisfies(s ->
        assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).as("restore step %d", s.getRestoreStep())
            .isLessThan(0.99));
    // Each change alone (without the smoothing of later that day) leaves the other rule's stop; together
    // they take both away.
    assertThat(run.replay(new RuleSet(List.of(unsmoothed(onset), waveBefore), List.of()))).isNotEmpty();
    assertThat(run.replay(new RuleSet(List.of(onsetBefore, unsmoothed(wave)), List.of()))).isNotEmpty();
    assertThat(run.replay(new RuleSet(List.of(unsmoothed(onset), unsmoothed(wave)), List.of()))).isEmpty();
    assertThat(run.replay(shipped)).allSatisfy(s ->
        assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).as("restore step %d", s.getRestoreStep())
            .isGreaterThanOrEqualTo(0.99));
  }

  @Test
  void shouldNotStopAHeldOutCleanRunAtTenUpdatesPerEpoch() {
    // Held out (docs/heldout-2026-12-03h, seed 15, recorded after the change was chosen): 20,000
    // examples at batch 2,048, 10 updates per epoch, a setting no run had used. Live, the rules as they
    // were stopped it after step 150 and restored 97.1% of its best; the shipped ones let it train.
    Recording run = Recording.load("batch2048-20k-clean-s15.csv");
    RuleSet shipped = RuleSet.defaults();
    RuleSet asBefore = new RuleSet(List.of(before(rule(shipped, ONSET)), before(rule(shipped,
        "wrong_examples_memorized"))), List.of());
    assertThat(run.replay(asBefore)).first().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(150);
      assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).isLessThan(0.99);
    });
    assertThat(run.replay(shipped)).isEmpty();
  }

  @Test
  void shouldStillStopANoisyRunOnEasyDataThatTheAbsoluteArmingThresholdArms() {
    // Held out (docs/heldout-2026-12-03h): MNIST at 20% noise, seed 15. Its wrong examples' rate fell to
    // 0.059 (under the 0.12 threshold) but, with little forgetting on easy data, to 6.2 times the
    // forgetting rate: above the ratio's 6, under its limit of 9. Trained to the end it keeps 91.9%.
    Recording run = Recording.load("mnist-sym20-s15.csv");
    assertThat(run.testAccuracyAt(run.rows().lastKey()) / run.best()).as("the end of the run").isLessThan(0.93);
    assertThat(run.replay(RuleSet.defaults())).first().satisfies(s -> {
      assertThat(s.getRule()).isEqualTo("wrong_examples_memorized");
      assertThat(s.getValuesMap().get("best")).isLessThan(0.12);
      assertThat(s.getValuesMap().get("best_over_epoch_forgetting_rate")).isBetween(6.0, 9.0);
      assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).as("restore step %d", s.getRestoreStep())
          .isGreaterThanOrEqualTo(0.98);
    });
  }

  @Test
  void shouldNotArmOnOneNoisyEpochAtAHandfulOfUpdatesPerEpoch() {
    // Held out (docs/heldout-2026-12-03k, seed 19): 3,000 clean examples at batch 512, 6 updates per
    // epoch. The wrong examples' rate had a minimum of 0.124 at step 42, where that epoch's forgetting
    // rate made the ratio 5.2 (12.4 and 10.9 one epoch either side). Read at the minimum alone, the
    // ratio armed wrong_examples_memorized, which stopped the run live after step 168 keeping 94.7%.
    Recording run = Recording.load("batch512-3k-clean-s19.csv");
    Rule wave = rule(RuleSet.defaults(), "wrong_examples_memorized");
    assertThat(wave.armingRatio().span()).isEqualTo(3);
    Rule atTheMinimum = wave.withArmingRatio(new Rule.ArmingRatio(wave.armingRatio().over(),
        wave.armingRatio().threshold(), wave.armingRatio().limit(), 1));
    assertThat(run.replay(new RuleSet(List.of(unsmoothed(rule(RuleSet.defaults(), ONSET)), unsmoothed(atTheMinimum)),
        List.of()))).first().satisfies(s -> {
          assertThat(s.getStep()).isEqualTo(168);
          assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).isLessThan(0.95);
        });
    assertThat(run.replay(RuleSet.defaults())).allSatisfy(s ->
        assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).as("restore step %d", s.getRestoreStep())
            .isGreaterThanOrEqualTo(0.99));
  }

  @Test
  void shouldNotTakeAnEarlyEpochsMinimumForTheTurningPointAtAHandfulOfUpdatesPerEpoch() {
    // docs/heldout-2026-12-03l, seed 21 (one of the runs the smoothing was chosen on): 5,000 examples at
    // batch 1,024, 5 updates per epoch, 20% symmetric noise; best epoch 33. Each epoch's flip rate alone
    // had its minimum at epoch 10 (0.034) and rebounded 4 standard errors by epoch 13 while the network
    // still learned: the rules stopped it after epoch 14 and restored about 97% of its best. Read over
    // 60 steps (12 epochs), the first stop (wrong_examples_memorized, after epoch 45) restores the middle
    // of its best window, epoch 29.
    Recording run = Recording.load("batch1024-5k-sym20-s21.csv");
    RuleSet shipped = RuleSet.defaults();
    Rule onset = rule(shipped, ONSET);
    assertThat(onset.smoothing()).isEqualTo(Span.steps(60));
    assertThat(rule(shipped, "wrong_examples_memorized").smoothing()).isEqualTo(Span.steps(60));
    RuleSet perEpoch = new RuleSet(shipped.rules().stream().map(DefaultRulesOnRecordedEpochIndicatorsTest::unsmoothed)
        .toList(), List.of());
    assertThat(run.replay(perEpoch)).first().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(70);
      assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).as("restore step %d", s.getRestoreStep())
          .isLessThan(0.98);
    });
    assertThat(run.replay(shipped)).first().satisfies(s -> {
      assertThat(s.getStep()).isGreaterThan(70);
      assertThat(s.getValuesMap()).containsKey(rule(shipped, s.getRule()).monitor() + "/mean");
      assertThat(run.testAccuracyAt(s.getRestoreStep()) / run.best()).as("restore step %d", s.getRestoreStep())
          .isGreaterThanOrEqualTo(0.99);
    });
  }

  /**
   * A built-in rule as it was before 2026-12-03h: no ratio condition, no limit on the arming threshold,
   * and each value alone (no smoothing over 60 steps).
   */
  private static Rule before(Rule r) {
    Rule u = unsmoothed(r);
    if (u.armingRatio() != null) {
      return u.withArmingRatio(new Rule.ArmingRatio(u.armingRatio().over(), u.armingRatio().threshold()));
    }
    return u.withWhen(u.when().stream().filter(c -> c.over() == null).toList());
  }

  /** A built-in rule reading each value alone, as before smoothing over 60 steps (2026-12-03). */
  private static Rule unsmoothed(Rule r) {
    return r.withSmoothing(1, r.restoreAverage());
  }

  private static Rule rule(RuleSet rules, String name) {
    return rules.rules().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }
}
