package dev.rote.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.rote.alerting.Delta;
import dev.rote.alerting.EvaluationListener;
import dev.rote.alerting.Rule;
import dev.rote.alerting.RuleSet;
import dev.rote.alerting.Span;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.service.RunDirectory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleEngineTest {

  private static Indicator value(String name, long step, double v) {
    return Indicator.newBuilder().setRunId("r").setName(name).setStep(step).setValue(v).setSourceTimeMs(1000).build();
  }

  /** Feeds values at steps 10, 20, ...; returns the steps at which signals fired. */
  private static List<StopSignal> feed(Rule rule, double... values) {
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(rule), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    List<StopSignal> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.addAll(engine.apply(state, value(rule.monitor(), 10L * (i + 1), values[i]), 5000, RunDirectory.EMPTY));
    }
    return out;
  }

  @Test
  void shouldFireAfterPatienceEvaluationsWithoutImprovement() {
    // min mode, patience 2: best 0.3 at step 20, then 0.35 (wait 1), 0.31 (wait 2) -> fires at step 40.
    List<StopSignal> s = feed(Rule.of("r1", "m").withPatience(2), 0.5, 0.3, 0.35, 0.31, 0.2);
    assertThat(s).hasSize(1);
    assertThat(s.get(0).getStep()).isEqualTo(40);
    assertThat(s.get(0).getRestoreStep()).isEqualTo(20);
    assertThat(s.get(0).getValuesMap()).containsEntry("best", 0.3).containsEntry("best_step", 20.0);
    assertThat(s.get(0).getAction()).isEqualTo(SignalAction.SIGNAL_ACTION_STOP);
    assertThat(s.get(0).getSignalId()).isEqualTo("r/r1");
    assertThat(s.get(0).getSourceTimeMs()).isEqualTo(1000);
  }

  @Test
  void shouldResetTheWaitWhenTheValueImproves() {
    // patience 2: 0.5, 0.6 (wait 1), 0.4 (best, wait 0), 0.45 (wait 1), 0.3 (best) -> no signal.
    assertThat(feed(Rule.of("r1", "m").withPatience(2), 0.5, 0.6, 0.4, 0.45, 0.3)).isEmpty();
  }

  @Test
  void shouldFireAtTheFirstNonImprovementWithPatienceZero() {
    assertThat(feed(Rule.of("r1", "m").withPatience(0), 0.5, 0.4, 0.4)).singleElement()
        .extracting(StopSignal::getStep).isEqualTo(30L);
  }

  @Test
  void shouldRequireAnImprovementLargerThanMinDelta() {
    Rule r = new Rule("r1", "m", null, Rule.Mode.MAX, 0.05, 1, 0.0, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of());
    // max mode: 0.50 best; 0.54 is not > 0.50 + 0.05 -> wait 1 -> fires at step 20.
    assertThat(feed(r, 0.50, 0.54)).singleElement().extracting(StopSignal::getStep).isEqualTo(20L);
    assertThat(feed(r, 0.50, 0.56)).isEmpty();
  }

  @Test
  void shouldWaitForTheReboundBeforeFiringOnPatience() {
    Rule r = new Rule("w", "m", null, Rule.Mode.MIN, 0, 2, 0.05, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of());
    // best 0.10 at step 10; 0.12, 0.14 exhaust the patience but stay within 0.05 of the best (a
    // plateau); 0.16 is 0.06 off the best (a turning point) -> fires at step 40, restore step 10.
    assertThat(feed(r, 0.10, 0.12, 0.14, 0.16)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(40);
      assertThat(s.getRestoreStep()).isEqualTo(10);
      assertThat(s.getReason()).contains("more than 0.05 off it");
    });
    assertThat(feed(r, 0.10, 0.12, 0.14, 0.15, 0.13, 0.149)).isEmpty();
  }

  @Test
  void shouldSendOneStopSignalPerRunAndMakeALaterStopRuleAnAlert() {
    Rule first = Rule.of("first", "a").withPatience(1);
    Rule second = Rule.of("second", "b").withPatience(1);
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(first, second), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    List<StopSignal> out = new ArrayList<>();
    double[] values = {0.5, 0.6, 0.7};
    for (int k = 0; k < values.length; k++) {
      out.addAll(engine.apply(state, value("a", 10L * (k + 1), values[k]), 5000, RunDirectory.EMPTY));
      out.addAll(engine.apply(state, value("b", 10L * (k + 1) + 5, values[k]), 5000, RunDirectory.EMPTY));
    }
    assertThat(out).extracting(StopSignal::getRule).containsExactly("first", "second");
    assertThat(out.get(0).getAction()).isEqualTo(SignalAction.SIGNAL_ACTION_STOP);
    assertThat(out.get(1).getAction()).isEqualTo(SignalAction.SIGNAL_ACTION_WARN);
    assertThat(out.get(1).getReason()).contains("already stopped the run").contains("first");
    // a warn rule firing first does not count as a stop
    Rule warn = Rule.of("warned", "a").withPatience(1).withAction(Rule.Action.WARN);
    RuleEngine mixed = new RuleEngine(new RuleSet(List.of(warn, second), List.of()), new EvaluationListener() {});
    RunAlerts other = new RunAlerts();
    List<StopSignal> both = new ArrayList<>();
    for (int k = 0; k < values.length; k++) {
      both.addAll(mixed.apply(other, value("a", 10L * (k + 1), values[k]), 5000, RunDirectory.EMPTY));
      both.addAll(mixed.apply(other, value("b", 10L * (k + 1) + 5, values[k]), 5000, RunDirectory.EMPTY));
    }
    assertThat(both).extracting(StopSignal::getAction)
        .containsExactly(SignalAction.SIGNAL_ACTION_WARN, SignalAction.SIGNAL_ACTION_STOP);
  }

  @Test
  void shouldFireOnPatienceOnlyOnceTheBestHasPassedTheArmingThreshold() {
    Rule r = new Rule("w", "m", null, Rule.Mode.MIN, 0, 2, 0.05, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of()).withArmingThreshold(0.12);
    // best 0.15: a rebound to 0.25 meets patience and rebound, but the minimum never got below 0.12
    assertThat(feed(r, 0.20, 0.15, 0.18, 0.25, 0.26)).isEmpty();
    // best 0.10, below the threshold: the same rebound fires (step 50: patience 2 after the best at step 30)
    assertThat(feed(r, 0.20, 0.15, 0.10, 0.12, 0.25)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(50);
      assertThat(s.getRestoreStep()).isEqualTo(30);
    });
    // a minimum that arrives later arms it then: 0.15, rebound (not armed), then 0.11, rebound -> fires
    assertThat(feed(r, 0.15, 0.30, 0.31, 0.11, 0.20, 0.21)).singleElement()
        .satisfies(s -> assertThat(s.getRestoreStep()).isEqualTo(40));
    // in max mode the best must be above it
    Rule max = r.withMode(Rule.Mode.MAX).withArmingThreshold(0.9);
    assertThat(feed(max, 0.5, 0.85, 0.8, 0.7, 0.6)).isEmpty();
    assertThat(feed(max, 0.5, 0.95, 0.8, 0.7, 0.6)).isNotEmpty();
    assertThat(r.describe()).contains("once its best is below 0.12");
  }

  /**
   * Feeds pairs (divisor, monitored) at steps 10, 20, ...: the divisor {@code d} first at each step, as
   * the analyzer publishes epoch_forgetting_rate before epoch_wrong_learned_rate; a NaN divisor is not sent.
   */
  private static List<StopSignal> feedWithDivisor(Rule rule, double[] divisors, double... values) {
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(rule), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    List<StopSignal> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      if (!Double.isNaN(divisors[i])) {
        out.addAll(engine.apply(state, value("d", 10L * (i + 1), divisors[i]), 5000, RunDirectory.EMPTY));
      }
      out.addAll(engine.apply(state, value(rule.monitor(), 10L * (i + 1), values[i]), 5000, RunDirectory.EMPTY));
    }
    return out;
  }

  @Test
  void shouldArmTheRuleByTheRatioOfItsBestToAnotherIndicatorAtTheBestsStep() {
    Rule r = new Rule("w", "m", null, Rule.Mode.MIN, 0, 2, 0.05, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of()).withArmingThreshold(0.12).withArmingRatio(new Rule.ArmingRatio("d", 6));
    double[] rebound = {0.40, 0.30, 0.35, 0.40, 0.41};
    // best 0.30 at step 20 (never below 0.12); the divisor there 0.075: ratio 4 < 6 arms it -> fires at step 40
    assertThat(feedWithDivisor(r, new double[] {0.1, 0.075, 0.07, 0.06, 0.06}, rebound)).singleElement()
        .satisfies(s -> {
          assertThat(s.getStep()).isEqualTo(40);
          assertThat(s.getRestoreStep()).isEqualTo(20);
          assertThat(s.getValuesMap().get("best_over_d")).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-12));
        });
    // the divisor 0.03 at the best: ratio 10, not armed; a later divisor of 0.06 (ratio 5) does not count
    assertThat(feedWithDivisor(r, new double[] {0.1, 0.03, 0.06, 0.06, 0.06}, rebound)).isEmpty();
    // no divisor at the best's step (only one at the step before), or a divisor of 0: not armed
    assertThat(feedWithDivisor(r, new double[] {0.075, Double.NaN, 0.07, 0.06, 0.06}, rebound)).isEmpty();
    assertThat(feedWithDivisor(r, new double[] {0.1, 0.0, 0.07, 0.06, 0.06}, rebound)).isEmpty();
    // the arming threshold still arms on its own: best 0.10 with a divisor that gives a ratio of 10
    assertThat(feedWithDivisor(r, new double[] {0.1, 0.01, 0.01, 0.01, 0.01}, 0.20, 0.10, 0.12, 0.25, 0.26))
        .hasSize(1);
    // a divisor published after the value it divides (out of the usual order) arms it all the same
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    RunAlerts late = new RunAlerts();
    List<StopSignal> lateOut = new ArrayList<>();
    for (int k = 0; k < rebound.length; k++) {
      lateOut.addAll(engine.apply(late, value("m", 10L * (k + 1), rebound[k]), 5000, RunDirectory.EMPTY));
      lateOut.addAll(engine.apply(late, value("d", 10L * (k + 1), 0.075), 5000, RunDirectory.EMPTY));
    }
    assertThat(lateOut).singleElement().satisfies(sig -> assertThat(sig.getStep()).isEqualTo(40));
    // a negative divisor never arms
    assertThat(feedWithDivisor(r, new double[] {0.1, -0.075, 0.07, 0.06, 0.06}, rebound)).isEmpty();
    // without the ratio, the first rebound above is not armed
    assertThat(feedWithDivisor(r.withArmingRatio(null), new double[] {0.1, 0.075, 0.07, 0.06, 0.06}, rebound))
        .isEmpty();
    assertThat(r.describe()).contains("once its best is below 0.12 or below 6.0 times d at its step");
  }

  @Test
  void shouldLetTheArmingThresholdArmOnlyBelowTheRatiosLimit() {
    Rule r = new Rule("w", "m", null, Rule.Mode.MIN, 0, 2, 0.05, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of()).withArmingThreshold(0.12).withArmingRatio(new Rule.ArmingRatio("d", 6, 9.0));
    double[] rebound = {0.20, 0.10, 0.12, 0.25, 0.26};
    // best 0.10 (below 0.12) at step 20 over the divisor 0.0125 there: ratio 8 < 9, the threshold arms it
    assertThat(feedWithDivisor(r, new double[] {0.02, 0.0125, 0.01, 0.01, 0.01}, rebound)).singleElement()
        .satisfies(s -> assertThat(s.getValuesMap().get("best_over_d")).isCloseTo(8.0, within(1e-12)));
    // the same best over 0.01: ratio 10, above the limit; neither the threshold nor the ratio arms
    assertThat(feedWithDivisor(r, new double[] {0.02, 0.01, 0.01, 0.01, 0.01}, rebound)).isEmpty();
    // ... which the threshold alone (no limit) would have armed
    assertThat(feedWithDivisor(r.withArmingRatio(new Rule.ArmingRatio("d", 6)),
        new double[] {0.02, 0.01, 0.01, 0.01, 0.01}, rebound)).hasSize(1);
    // no divisor at the best's step: the limit cannot be checked, the threshold does not arm
    assertThat(feedWithDivisor(r, new double[] {0.02, Double.NaN, 0.01, 0.01, 0.01}, rebound)).isEmpty();
    // a ratio below 6 arms on its own, whatever the limit
    assertThat(feedWithDivisor(r, new double[] {0.02, 0.05, 0.01, 0.01, 0.01}, rebound)).hasSize(1);
    assertThat(r.describe()).contains("once its best is below 0.12 (while below 9.0 times d at its step) or below 6.0"
        + " times d at its step");
    assertThatThrownBy(() -> r.withArmingThreshold(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit 9.0 needs an arming_threshold");
  }

  @Test
  void shouldAskTheReboundOfSeveralEvaluationsInARowWithReboundFor() {
    Rule r = new Rule("w", "m", null, Rule.Mode.MIN, 0, 2, 0.05, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of()).withReboundFor(2);
    // best 0.10 at step 10; 0.20 at step 30 is off it with the patience met, but alone: a spike of one
    // evaluation. 0.12 resets the count; 0.18 and 0.17 are two in a row -> fires at step 60.
    assertThat(feed(r, 0.10, 0.12, 0.20, 0.12, 0.18, 0.17)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(60);
      assertThat(s.getRestoreStep()).isEqualTo(10);
      assertThat(s.getReason()).contains("more than 0.05 off it at 2 evaluations in a row");
    });
    assertThat(feed(r, 0.10, 0.12, 0.20, 0.12, 0.18, 0.12, 0.19)).as("no two in a row").isEmpty();
    // the count starts again after a new best: 0.20 off 0.10, then the new best 0.05, then 0.12 off it
    // once, with the patience (1) met: not two in a row
    assertThat(feed(r.withPatience(1), 0.10, 0.20, 0.05, 0.12)).isEmpty();
    assertThat(feed(r.withPatience(1), 0.10, 0.20, 0.05, 0.12, 0.13)).singleElement()
        .satisfies(s -> assertThat(s.getRestoreStep()).isEqualTo(30));
    // with rebound_for 1 (the default) the spike alone fires
    assertThat(feed(r.withReboundFor(1), 0.10, 0.12, 0.20)).singleElement().extracting(StopSignal::getStep)
        .isEqualTo(30L);
  }

  @Test
  void shouldFireOnThresholdsAndNonFiniteValuesWhateverTheReboundAsksInARow() {
    Rule r = new Rule("t", "m", null, Rule.Mode.MIN, 0, 5, 0.05, null, 0.01, 0.9, true, 0, Rule.Action.STOP, true,
        List.of(new Rule.Condition("g", null, null, 0.5))).withReboundFor(3);
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    for (double v : new double[] {0.005, 0.95, Double.NaN}) {
      RunAlerts state = new RunAlerts();
      engine.apply(state, value("g", 5, 0.1), 0, RunDirectory.EMPTY);
      engine.apply(state, value("m", 10, 0.2), 0, RunDirectory.EMPTY);
      assertThat(engine.apply(state, value("m", 20, v), 0, RunDirectory.EMPTY)).as("value %s", v).singleElement()
          .extracting(StopSignal::getStep).isEqualTo(20L);
    }
  }

  @Test
  void shouldKeepTheCountOfEvaluationsOffTheBestThroughTheSerde() {
    Rule r = new Rule("w", "m", null, Rule.Mode.MIN, 0, 1, 0.05, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of()).withReboundFor(3);
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    engine.apply(state, value("m", 10, 0.10), 0, RunDirectory.EMPTY);
    engine.apply(state, value("m", 20, 0.20), 0, RunDirectory.EMPTY);
    engine.apply(state, value("m", 30, 0.20), 0, RunDirectory.EMPTY);
    RunAlerts copy = RunAlerts.serde().deserializer().deserialize("t", RunAlerts.serde().serializer().serialize("t", state));
    assertThat(engine.apply(copy, value("m", 40, 0.20), 0, RunDirectory.EMPTY)).as("third in a row, from the copy")
        .singleElement().extracting(StopSignal::getStep).isEqualTo(40L);

    // with a condition that held at the first of the evaluations in a row only: the copy remembers it
    Rule c = r.withWhen(List.of(new Rule.Condition("g", null, null, 0.5)));
    RuleEngine withCondition = new RuleEngine(new RuleSet(List.of(c), List.of()), new EvaluationListener() {});
    RunAlerts held = new RunAlerts();
    withCondition.apply(held, value("m", 10, 0.10), 0, RunDirectory.EMPTY);
    withCondition.apply(held, value("g", 20, 0.4), 0, RunDirectory.EMPTY);
    withCondition.apply(held, value("m", 20, 0.20), 0, RunDirectory.EMPTY);
    withCondition.apply(held, value("g", 30, 0.6), 0, RunDirectory.EMPTY);
    withCondition.apply(held, value("m", 30, 0.20), 0, RunDirectory.EMPTY);
    RunAlerts heldCopy = RunAlerts.serde().deserializer().deserialize("t",
        RunAlerts.serde().serializer().serialize("t", held));
    assertThat(withCondition.apply(heldCopy, value("m", 40, 0.20), 0, RunDirectory.EMPTY))
        .as("the condition held at step 20, before the copy").singleElement().extracting(StopSignal::getStep)
        .isEqualTo(40L);
  }

  @Test
  void shouldFireOnceAndIgnoreRedeliveredValues() {
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(Rule.of("r1", "m").withPatience(1)), List.of()),
        new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    assertThat(engine.apply(state, value("m", 10, 0.2), 0, RunDirectory.EMPTY)).isEmpty();
    assertThat(engine.apply(state, value("m", 20, 0.3), 0, RunDirectory.EMPTY)).hasSize(1);
    // the same record again, an older one, and later ones: nothing more
    assertThat(engine.apply(state, value("m", 20, 0.3), 0, RunDirectory.EMPTY)).isEmpty();
    assertThat(engine.apply(state, value("m", 15, 0.9), 0, RunDirectory.EMPTY)).isEmpty();
    assertThat(engine.apply(state, value("m", 30, 0.9), 0, RunDirectory.EMPTY)).isEmpty();
    assertThat(state.fired("r1")).isTrue();
  }

  @Test
  void shouldFireOnThresholdsAndNonFiniteValues() {
    Rule stopping = new Rule("s", "m", null, Rule.Mode.MIN, 0, 100, 0.0, null, 0.1, null, true, 0, Rule.Action.STOP,
        true, List.of());
    assertThat(feed(stopping, 0.5, 0.2, 0.09)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(30);
      assertThat(s.getReason()).contains("stopping threshold");
    });
    Rule diverging = new Rule("d", "m", null, Rule.Mode.MIN, 0, 100, 0.0, null, null, 2.0, true, 0, Rule.Action.STOP,
        true, List.of());
    assertThat(feed(diverging, 0.5, 1.9, 2.1)).singleElement().satisfies(s ->
        assertThat(s.getReason()).contains("diverged"));
    assertThat(feed(Rule.of("f", "m").withPatience(100), 0.5, Double.NaN)).singleElement()
        .satisfies(s -> assertThat(s.getReason()).contains("not finite"));
  }

  @Test
  void shouldRecommendTheStepThatReachedTheStoppingThreshold() {
    Rule r = new Rule("t", "m", null, Rule.Mode.MAX, 0, 100, 0.0, null, 0.9, null, true, 0, Rule.Action.STOP, true,
        List.of());
    assertThat(feed(r, 0.5, 0.7, 0.95)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(30);
      assertThat(s.getRestoreStep()).as("the step that reached the target, not the previous best").isEqualTo(30);
    });
  }

  @Test
  void shouldCountNaNAsNoImprovementAndCheckInfinityAgainstThresholdsWhenNotCheckingFinite() {
    Rule nan = new Rule("n", "m", null, Rule.Mode.MIN, 0, 2, 0.0, null, null, null, false, 0, Rule.Action.STOP, true,
        List.of());
    // 0.5 best; NaN (wait 1), NaN (wait 2) -> fires at step 30 on patience, not on finiteness
    assertThat(feed(nan, 0.5, Double.NaN, Double.NaN)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(30);
      assertThat(s.getReason()).contains("has not improved").doesNotContain("not finite");
    });
    Rule inf = new Rule("i", "m", null, Rule.Mode.MIN, 0, 100, 0.0, null, null, 10.0, false, 0, Rule.Action.STOP,
        true, List.of());
    assertThat(feed(inf, 0.5, Double.POSITIVE_INFINITY)).singleElement()
        .satisfies(s -> assertThat(s.getReason()).contains("diverged beyond 10.0"));
  }

  @Test
  void shouldNeverTakeAnImprovementForARebound() {
    // min_delta 0.1 > rebound 0.01: 0.45 is better than the best 0.5 (by 0.05, too little to count as an
    // improvement), so the wait grows, but it is no rebound; 0.52 is.
    Rule r = new Rule("d", "m", null, Rule.Mode.MIN, 0.1, 1, 0.01, null, null, null, true, 0, Rule.Action.STOP,
        true, List.of());
    assertThat(feed(r, 0.5, 0.45, 0.52)).singleElement().extracting(StopSignal::getStep).isEqualTo(30L);
  }

  @Test
  void shouldStartFromTheBaseline() {
    // max mode, baseline 0.8, patience 2: 0.7 and 0.75 never beat the baseline -> fires, no restore step.
    Rule r = new Rule("b", "m", null, Rule.Mode.MAX, 0, 2, 0.0, 0.8, null, null, true, 0, Rule.Action.STOP, true,
        List.of());
    assertThat(feed(r, 0.7, 0.75)).singleElement().satisfies(s -> {
      assertThat(s.hasRestoreStep()).isFalse();
      assertThat(s.getReason()).contains("baseline");
    });
  }

  @Test
  void shouldIgnoreValuesBeforeStartFromStep() {
    Rule r = new Rule("b", "m", null, Rule.Mode.MIN, 0, 1, 0.0, null, null, null, true, 25, Rule.Action.STOP, true,
        List.of());
    // steps 10, 20 ignored (0.1 would otherwise be the best); 30 best; 40 worse -> fires at 40.
    assertThat(feed(r, 0.1, 0.1, 0.5, 0.6)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(40);
      assertThat(s.getRestoreStep()).isEqualTo(30);
    });
  }

  @Test
  void shouldAskTheConditionsAtOneEvaluationOfTheReboundInARow() {
    // rebound 0.05 at 2 evaluations in a row, while g < 0.5 (a plateau, say): the rebound that began
    // while g held fires one evaluation later even though g no longer holds then; a rebound during
    // which g never held does not.
    Rule r = new Rule("c", "m", null, Rule.Mode.MIN, 0, 1, 0.05, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of(new Rule.Condition("g", null, null, 0.5))).withReboundFor(2);
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    engine.apply(state, value("m", 10, 0.10), 0, RunDirectory.EMPTY);
    engine.apply(state, value("g", 20, 0.4), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(state, value("m", 20, 0.20), 0, RunDirectory.EMPTY)).as("one in a row").isEmpty();
    engine.apply(state, value("g", 30, 0.6), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(state, value("m", 30, 0.20), 0, RunDirectory.EMPTY)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(30);
      assertThat(s.getRestoreStep()).isEqualTo(10);
    });

    RunAlerts other = new RunAlerts();
    engine.apply(other, value("m", 10, 0.10), 0, RunDirectory.EMPTY);
    engine.apply(other, value("g", 20, 0.4), 0, RunDirectory.EMPTY);
    engine.apply(other, value("m", 20, 0.20), 0, RunDirectory.EMPTY);
    engine.apply(other, value("m", 30, 0.12), 0, RunDirectory.EMPTY); // back within the rebound: the count restarts
    engine.apply(other, value("g", 40, 0.6), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(other, value("m", 40, 0.20), 0, RunDirectory.EMPTY)).isEmpty();
    assertThat(engine.apply(other, value("m", 50, 0.20), 0, RunDirectory.EMPTY))
        .as("two in a row, but g held at neither").isEmpty();
    engine.apply(other, value("g", 60, 0.3), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(other, value("m", 60, 0.20), 0, RunDirectory.EMPTY)).singleElement()
        .extracting(StopSignal::getStep).isEqualTo(60L);
  }

  @Test
  void shouldHoldATriggerUntilEveryConditionHolds() {
    Rule r = new Rule("c", "m", null, Rule.Mode.MIN, 0, 1, 0.0, null, null, null, true, 0, Rule.Action.WARN, true,
        List.of(new Rule.Condition("g", null, 0.5, null)));
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    engine.apply(state, value("g", 5, 0.4), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(state, value("m", 10, 0.2), 0, RunDirectory.EMPTY)).isEmpty();
    assertThat(engine.apply(state, value("m", 20, 0.3), 0, RunDirectory.EMPTY)).as("condition g > 0.5 false").isEmpty();
    engine.apply(state, value("g", 25, 0.6), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(state, value("m", 30, 0.3), 0, RunDirectory.EMPTY)).singleElement().satisfies(s -> {
      assertThat(s.getAction()).isEqualTo(SignalAction.SIGNAL_ACTION_WARN);
      assertThat(s.getValuesMap()).containsEntry("g", 0.6);
      assertThat(s.getRestoreStep()).isEqualTo(10);
    });
  }

  @Test
  void shouldJudgeASmoothedConditionOnTheMeanOfItsLatestValues() {
    Rule r = new Rule("c", "m", null, Rule.Mode.MIN, 0, 0, 0.0, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of(new Rule.Condition("g", null, null, 0.02, 2)));
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    engine.apply(state, value("m", 10, 0.2), 0, RunDirectory.EMPTY);
    engine.apply(state, value("g", 15, 0.01), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(state, value("m", 20, 0.3), 0, RunDirectory.EMPTY)).as("one value of g: no mean yet")
        .isEmpty();
    engine.apply(state, value("g", 25, 0.047), 0, RunDirectory.EMPTY);
    engine.apply(state, value("g", 35, 0.0097), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(state, value("m", 40, 0.3), 0, RunDirectory.EMPTY))
        .as("latest g 0.0097 < 0.02, but the mean of 0.047 and 0.0097 is not").isEmpty();
    engine.apply(state, value("g", 45, 0.01), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(state, value("m", 50, 0.3), 0, RunDirectory.EMPTY)).singleElement().satisfies(s -> {
      assertThat(s.getValuesMap()).containsEntry("g", 0.01);
      assertThat(s.getValuesMap().get("g/mean_of_2")).isCloseTo((0.0097 + 0.01) / 2, within(1e-12));
    });
  }

  @Test
  void shouldJudgeARatioConditionOnTheRatioOfTheTwoSeriesMeans() {
    // g over h, each the mean of its last 2 values, below 6
    Rule r = new Rule("c", "m", null, Rule.Mode.MIN, 0, 0, 0.0, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of(new Rule.Condition("g", null, null, 6.0, 2, "h")));
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    engine.apply(state, value("m", 10, 0.2), 0, RunDirectory.EMPTY);
    engine.apply(state, value("h", 15, 0.02), 0, RunDirectory.EMPTY);
    engine.apply(state, value("g", 15, 0.10), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(state, value("m", 20, 0.3), 0, RunDirectory.EMPTY)).as("one value of each: no mean yet")
        .isEmpty();
    // h 0.02, 0.01 (mean 0.015); g 0.10, 0.083 (mean 0.0915): 6.1, not below 6; the latest values alone give 8.3
    engine.apply(state, value("h", 25, 0.01), 0, RunDirectory.EMPTY);
    engine.apply(state, value("g", 25, 0.083), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(state, value("m", 30, 0.3), 0, RunDirectory.EMPTY)).isEmpty();
    // h 0.01, 0.03 (mean 0.02); g 0.083, 0.137 (mean 0.11): 5.5 < 6, though g alone rose
    engine.apply(state, value("h", 35, 0.03), 0, RunDirectory.EMPTY);
    engine.apply(state, value("g", 35, 0.137), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(state, value("m", 40, 0.3), 0, RunDirectory.EMPTY)).singleElement().satisfies(s -> {
      assertThat(s.getValuesMap().get("g/mean_of_2")).isCloseTo(0.11, within(1e-12));
      assertThat(s.getValuesMap().get("g/over_h/mean_of_2")).isCloseTo(5.5, within(1e-12));
    });
    assertThat(r.describe()).contains("while the mean of the last 2 g over the mean of the last 2 h < 6.0");
    // a divisor of 0 (or none) never holds
    Rule once = new Rule("c", "m", null, Rule.Mode.MIN, 0, 0, 0.0, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of(new Rule.Condition("g", null, null, 6.0, 1, "h")));
    RuleEngine one = new RuleEngine(new RuleSet(List.of(once), List.of()), new EvaluationListener() {});
    RunAlerts zero = new RunAlerts();
    one.apply(zero, value("m", 10, 0.2), 0, RunDirectory.EMPTY);
    one.apply(zero, value("g", 15, 0.01), 0, RunDirectory.EMPTY);
    assertThat(one.apply(zero, value("m", 20, 0.3), 0, RunDirectory.EMPTY)).as("no divisor yet").isEmpty();
    one.apply(zero, value("h", 25, 0.0), 0, RunDirectory.EMPTY);
    assertThat(one.apply(zero, value("m", 30, 0.3), 0, RunDirectory.EMPTY)).as("a divisor of 0").isEmpty();
    one.apply(zero, value("h", 35, 0.01), 0, RunDirectory.EMPTY);
    assertThat(one.apply(zero, value("m", 40, 0.3), 0, RunDirectory.EMPTY)).as("0.01 / 0.01 = 1 < 6").hasSize(1);
  }

  @Test
  void shouldCountARedeliveredOrLateValueOfASmoothedConditionOnce() {
    Rule r = new Rule("c", "m", null, Rule.Mode.MIN, 0, 0, 0.0, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of(new Rule.Condition("g", null, null, 0.02, 2)));
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    engine.apply(state, value("m", 10, 0.2), 0, RunDirectory.EMPTY);
    engine.apply(state, value("g", 25, 0.047), 0, RunDirectory.EMPTY);
    engine.apply(state, value("g", 35, 0.0097), 0, RunDirectory.EMPTY);
    engine.apply(state, value("g", 35, 0.0097), 0, RunDirectory.EMPTY); // re-delivered
    engine.apply(state, value("g", 15, 0.0), 0, RunDirectory.EMPTY); // out of order
    assertThat(state.meanOfLast("g", 2)).isCloseTo((0.047 + 0.0097) / 2, within(1e-12));
    assertThat(engine.apply(state, value("m", 40, 0.3), 0, RunDirectory.EMPTY)).isEmpty();
  }

  @Test
  void shouldKeepASmoothedConditionsValuesThroughTheSerdeAndReadVersionTwoWithout() throws Exception {
    Rule r = new Rule("c", "m", null, Rule.Mode.MIN, 0, 0, 0.0, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of(new Rule.Condition("g", null, null, 0.02, 3)));
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    double[] g = {0.5, 0.01, 0.02, 0.0};
    for (int k = 0; k < g.length; k++) {
      engine.apply(state, value("g", 5 + 10 * k, g[k]), 0, RunDirectory.EMPTY);
    }
    assertThat(state.recent.get("g").values()).as("the last 3 only").containsExactly(0.01, 0.02, 0.0);
    assertThat(state.recent.get("g").steps()).containsExactly(15L, 25L, 35L);
    byte[] bytes = RunAlerts.serde().serializer().serialize("t", state);
    RunAlerts copy = RunAlerts.serde().deserializer().deserialize("t", bytes);
    assertThat(copy.meanOfLast("g", 3)).isEqualTo(0.01);
    assertThat(copy.meanOfLast("g", 4)).isNull();
    // The same state as version 2 wrote it: no recent values; the condition waits for 3 new ones.
    java.io.ByteArrayOutputStream v2 = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(v2);
    out.writeInt(2);
    out.writeInt(0); // rules
    out.writeInt(1); // latest
    out.writeUTF("g");
    out.writeDouble(0.0);
    RunAlerts old = RunAlerts.serde().deserializer().deserialize("t", v2.toByteArray());
    assertThat(old.latest).containsEntry("g", 0.0);
    assertThat(old.meanOfLast("g", 3)).isNull();
  }

  @Test
  void shouldKeepTheBestsRatioThroughTheSerdeAndReadVersionFourWithout() throws Exception {
    Rule r = new Rule("w", "m", null, Rule.Mode.MIN, 0, 2, 0.05, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of()).withArmingRatio(new Rule.ArmingRatio("d", 6));
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    engine.apply(state, value("d", 10, 0.1), 0, RunDirectory.EMPTY);
    engine.apply(state, value("m", 10, 0.40), 0, RunDirectory.EMPTY);
    engine.apply(state, value("d", 20, 0.075), 0, RunDirectory.EMPTY);
    engine.apply(state, value("m", 20, 0.30), 0, RunDirectory.EMPTY); // best, ratio 4: armed
    assertThat(state.rules.get("w").bestRatio).isCloseTo(4.0, within(1e-12));
    RunAlerts copy = RunAlerts.serde().deserializer().deserialize("t", RunAlerts.serde().serializer().serialize("t", state));
    assertThat(copy.rules.get("w").bestRatio).isCloseTo(4.0, within(1e-12));
    assertThat(engine.apply(copy, value("m", 30, 0.35), 0, RunDirectory.EMPTY)).isEmpty();
    assertThat(engine.apply(copy, value("m", 40, 0.40), 0, RunDirectory.EMPTY)).hasSize(1);
    // The rule's state as version 4 wrote it: no ratio, so not armed until its next best.
    java.io.ByteArrayOutputStream v4 = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(v4);
    out.writeInt(4);
    out.writeInt(1); // rules
    out.writeUTF("w");
    out.writeDouble(0.30); // best
    out.writeLong(20); // best step
    out.writeInt(0); // wait
    out.writeLong(20); // last step
    out.writeLong(2); // evaluations
    out.writeBoolean(false); // fired
    out.writeDouble(Double.NaN); // best se
    out.writeLong(20); // best at
    out.writeLong(10); // first evaluated
    out.writeLong(20); // last evaluated
    out.writeLong(0); // steps per epoch
    out.writeBoolean(false); // broken
    out.writeInt(0); // above
    out.writeBoolean(false); // held in streak
    out.writeInt(1); // window
    out.writeDouble(0.30);
    out.writeDouble(Double.NaN);
    out.writeLong(20);
    out.writeInt(0); // latest
    out.writeInt(0); // recent
    RunAlerts old = RunAlerts.serde().deserializer().deserialize("t", v4.toByteArray());
    assertThat(old.rules.get("w").best).isEqualTo(0.30);
    assertThat(old.rules.get("w").bestRatio).isNaN();
    assertThat(engine.apply(old, value("m", 30, 0.35), 0, RunDirectory.EMPTY)).isEmpty();
    assertThat(engine.apply(old, value("m", 40, 0.40), 0, RunDirectory.EMPTY)).as("not armed").isEmpty();
  }

  @Test
  void shouldReadASpanThreeArmingRatioOverTheEvaluationsAroundTheBest() {
    Rule r = new Rule("w", "m", null, Rule.Mode.MIN, 0, 2, 0.05, null, null, null, true, 0, Rule.Action.STOP, true,
        List.of()).withArmingRatio(new Rule.ArmingRatio("d", 6, null, 3));
    double[] rebound = {0.40, 0.30, 0.35, 0.40, 0.41};
    // best 0.30 at step 20; divisors 0.1, 0.075, 0.06 around it: (0.40 + 0.30 + 0.35) / (0.1 + 0.075 + 0.06)
    // = 1.05 / 0.235 = 4.468 < 6: armed, fires at step 40
    assertThat(feedWithDivisor(r, new double[] {0.1, 0.075, 0.06, 0.06, 0.06}, rebound)).singleElement()
        .satisfies(s -> {
          assertThat(s.getStep()).isEqualTo(40);
          assertThat(s.getValuesMap().get("best_over_d")).isCloseTo(1.05 / 0.235, within(1e-12));
        });
    // one large divisor at the best alone (0.075 / ... ratio 4 at its step) among small neighbours:
    // (0.40 + 0.30 + 0.35) / (0.02 + 0.075 + 0.02) = 9.13, not armed; span 1 would arm it (ratio 4)
    assertThat(feedWithDivisor(r, new double[] {0.02, 0.075, 0.02, 0.02, 0.02}, rebound)).isEmpty();
    assertThat(feedWithDivisor(r.withArmingRatio(new Rule.ArmingRatio("d", 6)),
        new double[] {0.02, 0.075, 0.02, 0.02, 0.02}, rebound)).hasSize(1);
    // a missing divisor leaves its evaluation out: (0.30 + 0.35) / (0.075 + 0.06) = 4.81
    assertThat(feedWithDivisor(r, new double[] {Double.NaN, 0.075, 0.06, 0.06, 0.06}, rebound)).singleElement()
        .satisfies(s -> assertThat(s.getValuesMap().get("best_over_d")).isCloseTo(0.65 / 0.135, within(1e-12)));
    // a new best at step 30 starts its own window: 0.30, 0.20, 0.45 over 0.075, 0.02, 0.1 = 4.87
    assertThat(feedWithDivisor(r, new double[] {0.1, 0.075, 0.02, 0.1, 0.1, 0.1}, 0.40, 0.30, 0.20, 0.45, 0.46, 0.47))
        .singleElement().satisfies(s -> {
          assertThat(s.getRestoreStep()).isEqualTo(30);
          assertThat(s.getValuesMap().get("best_over_d")).isCloseTo(0.95 / 0.195, within(1e-12));
        });
    assertThat(r.describe()).contains("(ratios of sums over the evaluation before it, its own and the one after)");
    // the window's sums go through the serde: a copy taken between the best and the one after completes it
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    double[] d = {0.1, 0.075, 0.06, 0.06, 0.06};
    for (int k = 0; k < 2; k++) {
      engine.apply(state, value("d", 10L * (k + 1), d[k]), 0, RunDirectory.EMPTY);
      engine.apply(state, value("m", 10L * (k + 1), rebound[k]), 0, RunDirectory.EMPTY);
    }
    assertThat(state.rules.get("w").ratioOpen).isTrue();
    RunAlerts copy = RunAlerts.serde().deserializer().deserialize("t", RunAlerts.serde().serializer().serialize("t", state));
    assertThat(copy.rules.get("w").ratioOpen).isTrue();
    assertThat(copy.valueAt("m", 20)).as("the monitored series' recent values, which open a window, go through the serde").isEqualTo(0.30);
    List<StopSignal> out = new ArrayList<>();
    for (int k = 2; k < rebound.length; k++) {
      out.addAll(engine.apply(copy, value("d", 10L * (k + 1), d[k]), 0, RunDirectory.EMPTY));
      out.addAll(engine.apply(copy, value("m", 10L * (k + 1), rebound[k]), 0, RunDirectory.EMPTY));
    }
    assertThat(out).singleElement().satisfies(s ->
        assertThat(s.getValuesMap().get("best_over_d")).isCloseTo(1.05 / 0.235, within(1e-12)));
    assertThatThrownBy(() -> new Rule.ArmingRatio("d", 6, null, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("span must be 1 or 3");
  }

  @Test
  void shouldMatchLayerAndSkipPerClassValues() {
    Rule r = new Rule("l", "m", 1, Rule.Mode.MIN, 0, 0, 0.0, null, null, null, true, 0, Rule.Action.STOP, true, List.of());
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(r), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    engine.apply(state, value("m", 10, 0.2).toBuilder().setLayer(1).build(), 0, RunDirectory.EMPTY);
    assertThat(engine.apply(state, value("m", 20, 0.9), 0, RunDirectory.EMPTY)).as("no layer").isEmpty();
    assertThat(engine.apply(state, value("m", 30, 0.9).toBuilder().setLayer(0).build(), 0, RunDirectory.EMPTY)).as("layer 0").isEmpty();
    assertThat(engine.apply(state, value("m", 40, 0.9).toBuilder().setLayer(1).setClassLabel(3).build(), 0, RunDirectory.EMPTY))
        .as("per class").isEmpty();
    assertThat(engine.apply(state, value("m", 50, 0.9).toBuilder().setLayer(1).build(), 0, RunDirectory.EMPTY)).hasSize(1);
  }

  @Test
  void shouldRoundTripTheStateThroughItsSerde() {
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(Rule.of("r1", "m").withPatience(3)), List.of()),
        new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    engine.apply(state, value("m", 10, 0.2), 0, RunDirectory.EMPTY);
    engine.apply(state, value("m", 20, 0.3), 0, RunDirectory.EMPTY);
    RunAlerts copy = RunAlerts.serde().deserializer().deserialize("t", RunAlerts.serde().serializer().serialize("t", state));
    // continuing from the copy fires at the same point as continuing from the original
    assertThat(engine.apply(copy, value("m", 30, 0.3), 0, RunDirectory.EMPTY)).isEmpty();
    assertThat(engine.apply(copy, value("m", 40, 0.3), 0, RunDirectory.EMPTY)).singleElement()
        .satisfies(s -> assertThat(s.getRestoreStep()).isEqualTo(10));
  }

  /** Feeds {@code values} at steps {@code every}, 2 {@code every}, ...; returns the signals. */
  private static List<StopSignal> feedEvery(Rule rule, long every, double... values) {
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(rule), List.of()), new EvaluationListener() {});
    RunAlerts state = new RunAlerts();
    List<StopSignal> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.addAll(engine.apply(state, value(rule.monitor(), every * (i + 1), values[i]), 5000, RunDirectory.EMPTY));
    }
    return out;
  }

  @Test
  void shouldAverageTheValuesWithinTheLastNStepsWithSmoothingInSteps() {
    Rule r = Rule.of("s", "m").withPatience(1).withSmoothing(Span.steps(30), null);
    double[] values = {0.9, 0.6, 0.3, 0.6, 0.9, 0.9};
    // every 10 steps, 30 steps hold 3 values: the first mean at step 30 (0.6, reaching back to step 0),
    // 0.5 at step 40 (the best: values of steps 20, 30, 40), 0.6 at 50 -> fires, restoring the middle, 30
    assertThat(feedEvery(r, 10, values)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(50);
      assertThat(s.getRestoreStep()).isEqualTo(30);
      assertThat(s.getValuesMap().get("best")).isCloseTo(0.5, within(1e-12));
      assertThat(s.getValuesMap().get("m/mean")).isCloseTo(0.6, within(1e-12));
      assertThat(s.getReason()).contains("m (mean of 3 over 30 steps) = 0.6");
    });
    // the same as the mean of 3 evaluations at that cadence
    assertThat(feedEvery(r.withSmoothing(3, null), 10, values)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(50);
      assertThat(s.getRestoreStep()).isEqualTo(30);
    });
    // every 40 steps, 30 steps hold the latest value alone: the rule reads as unsmoothed
    double[] epochs = {0.5, 0.3, 0.35, 0.2, 0.4};
    List<StopSignal> smoothed = feedEvery(r, 40, epochs);
    List<StopSignal> plain = feedEvery(Rule.of("s", "m").withPatience(1), 40, epochs);
    assertThat(smoothed).hasSize(1);
    assertThat(smoothed.get(0).getStep()).isEqualTo(plain.get(0).getStep()).isEqualTo(120);
    assertThat(smoothed.get(0).getRestoreStep()).isEqualTo(plain.get(0).getRestoreStep()).isEqualTo(80);
    assertThat(smoothed.get(0).getReason()).startsWith("m (the only value within 30 steps) = 0.35");
    // every 15 steps, 30 steps hold 2 values (a value 30 steps back is outside): means 0.75, 0.45, 0.45
    // (not better), 0.75 -> fires at step 60 with the best window (15, 30) restored at its earlier middle
    assertThat(feedEvery(r, 15, values)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(60);
      assertThat(s.getRestoreStep()).isEqualTo(30);
    });
    assertThat(r.describe()).contains("(min, mean over 30 steps)");
  }

  @Test
  void shouldCountTheStepsOfASmoothingWindowFromTheValueBeforeItEvenBeforeStartFrom() {
    // values at steps 10 and 20 come before start_from (25): not averaged, but the window of the
    // evaluated values reaches back to step 20, so it covers 30 steps at step 50 (3 values), not 60
    Rule r = Rule.of("s", "m").withPatience(1).withSmoothing(Span.steps(30), null).withStartFrom(Span.steps(25));
    assertThat(feedEvery(r, 10, 0.0, 0.0, 0.9, 0.6, 0.3, 0.6, 0.9)).singleElement().satisfies(s -> {
      // means 0.6 at 50 and 0.5 at 60 (the best), 0.6 at 70 -> fires, restoring the middle of (40, 50, 60)
      assertThat(s.getStep()).isEqualTo(70);
      assertThat(s.getRestoreStep()).isEqualTo(50);
      assertThat(s.getValuesMap().get("best")).isCloseTo(0.5, within(1e-12));
    });
  }

  @Test
  void shouldReadTheArmingRatioOfASmoothedRuleOverItsWindowAndWithSpanThreeItsNeighbours() {
    Rule base = Rule.of("w", "m").withPatience(2).withDeltas(Delta.ZERO, Delta.absolute(0.05))
        .withSmoothing(Span.steps(20), null).withArmingThreshold(0.01);
    double[] m = {0.5, 0.4, 0.2, 0.2, 0.4, 0.5, 0.6};
    double[] d = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
    // means of 2: 0.45, 0.3, 0.2 (the best, window steps 30 and 40), 0.3, 0.45 -> a rebound at step 60.
    // span 1: (0.2 + 0.2) / (0.1 + 0.1) = 2; span 3 adds the value before the window (step 20: 0.4) and
    // the one after (step 50: 0.4): 1.2 / 0.4 = 3
    Rule span1 = base.withArmingRatio(new Rule.ArmingRatio("d", 2.5));
    assertThat(feedWithDivisor(span1, d, m)).singleElement().satisfies(s -> {
      assertThat(s.getStep()).isEqualTo(60);
      assertThat(s.getRestoreStep()).isEqualTo(30);
      assertThat(s.getValuesMap().get("best_over_d")).isCloseTo(2.0, within(1e-12));
    });
    assertThat(feedWithDivisor(base.withArmingRatio(new Rule.ArmingRatio("d", 2.5, null, 3)), d, m)).isEmpty();
    assertThat(feedWithDivisor(base.withArmingRatio(new Rule.ArmingRatio("d", 3.5, null, 3)), d, m)).singleElement()
        .satisfies(s -> assertThat(s.getValuesMap().get("best_over_d")).isCloseTo(3.0, within(1e-12)));
    // a divisor missing at one of the window's steps leaves that step out of both sums: 0.2 / 0.1
    assertThat(feedWithDivisor(span1, new double[] {0.1, 0.1, Double.NaN, 0.1, 0.1, 0.1, 0.1}, m)).singleElement()
        .satisfies(s -> assertThat(s.getValuesMap().get("best_over_d")).isCloseTo(2.0, within(1e-12)));
  }

  @Test
  void shouldRoundTripSmoothingUnitsAndErrorsThroughTheSerde() {
    Rule smooth = Rule.of("s", "m").withPatience(Span.epochs(1)).withDeltas(Delta.se(1), Delta.ZERO)
        .withSmoothing(2, Span.steps(5));
    Rule broken = Rule.of("b", "x").withPatience(Span.epochs(1));
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(smooth, broken), List.of()), new EvaluationListener() {});
    RunDirectory runs = RunDirectory.of(java.util.Map.of("r", dev.rote.contract.v1.RunMetadata.newBuilder()
        .setRunId("r").setDataset(dev.rote.contract.v1.DatasetInfo.newBuilder().setTrainSize(40))
        .putHyperparameters("batch_size", "1").build()));
    RunAlerts state = new RunAlerts();
    for (long step = 10; step <= 30; step += 10) {
      engine.apply(state, value("m", step, 0.5 - step / 100.0).toBuilder().setStandardError(0.01).build(), 0, runs);
    }
    engine.apply(state, value("x", 30, 1).toBuilder().setRunId("r").build(), 0, RunDirectory.EMPTY);
    RunAlerts copy = RunAlerts.serde().deserializer().deserialize("t", RunAlerts.serde().serializer().serialize("t", state));
    assertThat(copy.broken("b")).isTrue();
    // From the copy and from the original, the same values give the same signal.
    for (RunAlerts a : List.of(state, copy)) {
      List<StopSignal> out = new ArrayList<>();
      for (long step = 40; step <= 90; step += 10) {
        out.addAll(engine.apply(a, value("m", step, 0.5).toBuilder().setStandardError(0.01).build(), 0, runs));
      }
      assertThat(out).singleElement().satisfies(sig -> {
        assertThat(sig.getStep()).isEqualTo(70); // 40 steps (1 epoch) after the best window ended at 30
        assertThat(sig.getRestoreStep()).isEqualTo(20);
        assertThat(sig.getRestoreFromStep()).isEqualTo(15);
        assertThat(sig.getRestoreToStep()).isEqualTo(25);
      });
    }
  }

  @Test
  void shouldReadTheStateOfTheFirstVersion() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
    out.writeInt(1);
    out.writeInt(1);
    out.writeUTF("r1");
    out.writeDouble(0.2); // best
    out.writeLong(10); // best step
    out.writeInt(2); // wait
    out.writeLong(30); // last step
    out.writeLong(3); // evaluations
    out.writeBoolean(false);
    out.writeInt(0);
    RunAlerts old = RunAlerts.serde().deserializer().deserialize("t", bytes.toByteArray());
    RuleEngine engine = new RuleEngine(new RuleSet(List.of(Rule.of("r1", "m").withPatience(3)), List.of()),
        new EvaluationListener() {});
    assertThat(engine.apply(old, value("m", 40, 0.3), 0, RunDirectory.EMPTY)).singleElement()
        .satisfies(s -> assertThat(s.getRestoreStep()).isEqualTo(10));
  }
}
