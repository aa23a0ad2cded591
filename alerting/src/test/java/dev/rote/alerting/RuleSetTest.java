package dev.rote.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleSetTest {

  @Test
  void shouldParseEveryFieldOfTheVocabulary() {
    RuleSet set = RuleSet.parse("""
        rules:
          - name: a
            monitor: nmf_nonlinearity
            layer: 1
            mode: max
            min_delta: 0.01
            patience: 5
            rebound: 0.02
            baseline: 0.2
            stopping_threshold: 0.9
            divergence_threshold: 0.05
            check_finite: false
            start_from_step: 100
            action: warn
            restore_best: false
            when:
              - indicator: train_accuracy
                above: 0.5
                below: 0.99
          - name: b
            monitor: test_loss
        """, "t.yaml");
    assertThat(set.rules()).hasSize(2);
    Rule a = set.rules().get(0);
    assertThat(a).isEqualTo(new Rule("a", "nmf_nonlinearity", 1, Rule.Mode.MAX, 0.01, 5, 0.02, 0.2, 0.9, 0.05, false, 100,
        Rule.Action.WARN, false, java.util.List.of(new Rule.Condition("train_accuracy", null, 0.5, 0.99))));
    assertThat(set.rules().get(1)).isEqualTo(Rule.of("b", "test_loss"));
    assertThat(set.warnings()).isEmpty();
  }

  @Test
  void shouldNameTheLineAndFieldOfABadValue() {
    assertThatThrownBy(() -> RuleSet.parse("""
        rules:
          - name: a
            monitor: train_loss
            patience: soon
        """, "t.yaml"))
        .isInstanceOf(RulesException.class)
        .hasMessage("t.yaml line 4: patience: must be N (evaluations), N evaluations, N steps or N epochs with N >= 0, "
            + "was 'soon'");
    assertThatThrownBy(() -> RuleSet.parse("""
        rules:
          - name: a
            monitor: train_loss
            mode: sideways
        """, "t.yaml"))
        .hasMessage("t.yaml line 4: mode: must be min or max, was 'sideways'");
    assertThatThrownBy(() -> RuleSet.parse("""
        rules:
          - name: a
            monitor: train_loss
            min_delta: -1
        """, "t.yaml"))
        .hasMessage("t.yaml line 4: min_delta: must be a number >= 0 (absolute), N% (of the best value) or N se "
            + "(standard errors), was '-1'");
  }

  @Test
  void shouldReadReboundForAndRefuseItWithoutARebound() {
    Rule r = RuleSet.parse("""
        rules:
          - name: a
            monitor: epoch_prediction_flip_rate
            rebound: 3 se
            rebound_for: 2
        """, "t.yaml").rules().get(0);
    assertThat(r.reboundFor()).isEqualTo(2);
    assertThat(r.describe()).contains("is more than 3 se off its best at 2 evaluations in a row");
    assertThat(RuleSet.parse("rules:\n  - name: a\n    monitor: m\n", "t.yaml").rules().get(0).reboundFor())
        .as("default").isEqualTo(1);
    assertThatThrownBy(() -> RuleSet.parse("""
        rules:
          - name: a
            monitor: m
            rebound_for: 2
        """, "t.yaml"))
        .isInstanceOf(RulesException.class)
        .hasMessageContaining("rebound_for 2 needs a rebound > 0");
    assertThatThrownBy(() -> RuleSet.parse("""
        rules:
          - name: a
            monitor: m
            rebound: 0.1
            rebound_for: 0
        """, "t.yaml"))
        .hasMessage("t.yaml line 5: rebound_for: must be an integer >= 1, was 0");
  }

  @Test
  void shouldRejectUnknownFieldsMissingFieldsAndDuplicates() {
    assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n    monitor: train_loss\n    patiense: 3\n", "t.yaml"))
        .hasMessageStartingWith("t.yaml line 4: patiense: unknown field in a rule");
    assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n", "t.yaml"))
        .hasMessage("t.yaml line 2: monitor: required");
    assertThatThrownBy(() -> RuleSet.parse(
        "rules:\n  - name: a\n    monitor: train_loss\n  - name: a\n    monitor: test_loss\n", "t.yaml"))
        .hasMessage("t.yaml line 4: name: duplicate rule name 'a'");
    assertThatThrownBy(() -> RuleSet.parse("rules: [\n", "t.yaml"))
        .hasMessageStartingWith("t.yaml line 2: not valid YAML");
    assertThatThrownBy(() -> RuleSet.parse("", "t.yaml")).hasMessageContaining("empty rules file");
    assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    when:\n      - indicator: x\n",
        "t.yaml")).hasMessage("t.yaml line 5: when: condition on x needs above or below");
    assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    when:\n      - indicator: x\n"
        + "        below: 1\n        smoothing: 17\n", "t.yaml"))
        .hasMessage("t.yaml line 5: when: smoothing of the condition on x must be in [1, 16], was 17");
  }

  @Test
  void shouldReadASmoothedCondition() {
    Rule r = RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    when:\n      - indicator: epoch_fit_progress\n"
        + "        below: 0.02\n        smoothing: 2\n", "t.yaml").rules().get(0);
    assertThat(r.when()).containsExactly(new Rule.Condition("epoch_fit_progress", null, null, 0.02, 2));
    assertThat(r.describe()).contains("while the mean of the last 2 epoch_fit_progress < 0.02");
    assertThat(RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    when:\n      - indicator: g\n        above: 1\n",
        "t.yaml").rules().get(0).when().get(0).smoothing()).isEqualTo(1);
  }

  @Test
  void shouldWarnAboutARuleThatCanNeverEvaluate() {
    RuleSet set = RuleSet.parse("rules:\n  - name: a\n    monitor: nmf_nonlinearity\n"
        + "  - name: b\n    monitor: nmf_nonlinearity\n    layer: 1\n", "t.yaml");
    assertThat(set.warnings()).singleElement().asString()
        .startsWith("t.yaml line 2: rule 'a' monitors 'nmf_nonlinearity' without a layer");
  }

  @Test
  void shouldWarnAboutAnUnknownIndicator() {
    RuleSet set = RuleSet.parse("rules:\n  - name: a\n    monitor: val_loss\n", "t.yaml");
    assertThat(set.warnings()).singleElement().asString()
        .startsWith("t.yaml line 2: rule 'a' monitors 'val_loss', which the analyzer does not publish");
  }

  @Test
  void shouldLoadAFileAndTheBuiltInRules(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("rules.yaml");
    Files.writeString(f, "rules:\n  - name: a\n    monitor: train_loss\n");
    assertThat(RuleSet.load(f).rules()).extracting(Rule::name).containsExactly("a");
    assertThatThrownBy(() -> RuleSet.load(dir.resolve("missing.yaml"))).isInstanceOf(RulesException.class)
        .hasMessageContaining("cannot read rules file");
    RuleSet defaults = RuleSet.defaults();
    assertThat(defaults.rules()).isNotEmpty();
    assertThat(defaults.warnings()).isEmpty();
  }

  @Test
  void shouldParseUnitsSmoothingAndTheRestoreWindow() {
    RuleSet set = RuleSet.parse("""
        rules:
          - name: wave
            monitor: epoch_prediction_flip_rate
            smoothing: 3
            patience: 2 epochs
            min_delta: 1 se
            rebound: 4.5 se
            start_from: 2 epochs
            restore_average: 1 epoch
          - name: steps
            monitor: prediction_flip_rate
            patience: 240 steps
            min_delta: 5%
            rebound: 0.01
            start_from: 100
            restore_average: 2
            smoothing: 60 steps
          - name: evaluations
            monitor: train_loss
            patience: 24 evaluations
        """, "t.yaml");
    Rule wave = set.rules().get(0);
    assertThat(wave.smoothing()).isEqualTo(Span.evaluations(3));
    assertThat(wave.patience()).isEqualTo(Span.epochs(2));
    assertThat(wave.minDelta()).isEqualTo(Delta.se(1));
    assertThat(wave.rebound()).isEqualTo(Delta.se(4.5));
    assertThat(wave.startFrom()).isEqualTo(Span.epochs(2));
    assertThat(wave.restoreAverage()).isEqualTo(Span.epochs(1));
    assertThat(wave.needsEpochLength()).isTrue();
    assertThat(wave.needsStandardErrors()).isTrue();
    Rule steps = set.rules().get(1);
    assertThat(steps.patience()).isEqualTo(Span.steps(240));
    assertThat(steps.minDelta()).isEqualTo(new Delta(5, Delta.Kind.PERCENT));
    assertThat(steps.rebound()).isEqualTo(Delta.absolute(0.01));
    assertThat(steps.startFrom()).isEqualTo(Span.steps(100));
    assertThat(steps.restoreAverage()).isEqualTo(Span.evaluations(2));
    assertThat(steps.needsEpochLength()).isFalse();
    assertThat(steps.smoothing()).isEqualTo(Span.steps(60));
    assertThat(set.rules().get(2).smoothed()).isFalse();
    assertThat(set.rules().get(2).patience()).isEqualTo(Span.evaluations(24));
    assertThat(wave.describe()).isEqualTo("wave: stop when epoch_prediction_flip_rate (min, mean of 3 evaluations) "
        + "has not improved by more than 1 se for 2 epochs and is more than 4.5 se off its best, after 2 epochs, "
        + "restore window 1 epoch");
  }

  @Test
  void shouldNameTheAcceptedFormsOfAUnitThatDoesNotParse() {
    assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    patience: 3 weeks\n", "t.yaml"))
        .hasMessage("t.yaml line 4: patience: must be N (evaluations), N evaluations, N steps or N epochs with "
            + "N >= 0, was '3 weeks'");
    assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    start_from: 3 evaluations\n",
        "t.yaml"))
        .hasMessage("t.yaml line 4: start_from: must be N (steps), N steps or N epochs with N >= 0, "
            + "was '3 evaluations'");
    assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    rebound: 2 sigma\n", "t.yaml"))
        .hasMessage("t.yaml line 4: rebound: must be a number >= 0 (absolute), N% (of the best value) or N se "
            + "(standard errors), was '2 sigma'");
    assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    patience: 2.5 steps\n",
        "t.yaml")).hasMessage("t.yaml line 4: patience: steps must be a whole number, was 2.5");
    assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    smoothing: 0\n", "t.yaml"))
        .hasMessage("t.yaml line 4: smoothing: must be N evaluations or N steps with N >= 1, was 0 evaluations");
    assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    smoothing: 2 epochs\n",
        "t.yaml")).hasMessage("t.yaml line 4: smoothing: must be N (evaluations), N evaluations or N steps with "
            + "N >= 0, was '2 epochs'");
    assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    smoothing: 300 steps\n",
        "t.yaml")).hasMessage("t.yaml line 4: smoothing: must be at most 256 steps, was 300 steps");
    assertThatThrownBy(() -> RuleSet.parse(
        "rules:\n  - name: a\n    monitor: m\n    start_from: 2 epochs\n    start_from_step: 5\n", "t.yaml"))
        .hasMessage("t.yaml line 5: start_from_step: give start_from or start_from_step, not both");
  }

  @Test
  void shouldParseTheArmingThreshold() {
    Rule r = RuleSet.parse("rules:\n  - name: a\n    monitor: epoch_wrong_learned_rate\n    rebound: 4 se\n"
        + "    arming_threshold: 0.12\n", "t").rules().get(0);
    assertThat(r.armingThreshold()).isEqualTo(0.12);
    assertThat(RuleSet.parse("rules:\n  - name: a\n    monitor: epoch_wrong_learned_rate\n", "t").rules().get(0)
        .armingThreshold()).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleSet.parse(
        "rules:\n  - name: a\n    monitor: epoch_wrong_learned_rate\n    arming_threshold: low\n", "t"))
        .hasMessageContaining("arming_threshold");
  }

  @Test
  void shouldParseARatioConditionAndTheArmingRatiosLimit() {
    RuleSet set = RuleSet.parse("rules:\n  - name: a\n    monitor: epoch_wrong_learned_rate\n    rebound: 4 se\n"
        + "    arming_threshold: 0.12\n    arming_ratio:\n      over: epoch_forgetting_rate\n      threshold: 6\n"
        + "      limit: 9\n    when:\n      - indicator: epoch_wrong_learned_rate\n"
        + "        over: epoch_forgetting_rate\n        below: 6\n        smoothing: 2\n", "t");
    Rule r = set.rules().get(0);
    assertThat(r.armingRatio()).isEqualTo(new Rule.ArmingRatio("epoch_forgetting_rate", 6, 9.0, 1));
    assertThat(RuleSet.parse("rules:\n  - name: a\n    monitor: epoch_wrong_learned_rate\n    arming_ratio:\n"
        + "      over: epoch_forgetting_rate\n      threshold: 6\n      span: 3\n", "t").rules().get(0).armingRatio()
        .span()).isEqualTo(3);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n"
        + "    monitor: epoch_wrong_learned_rate\n    arming_ratio:\n      over: epoch_forgetting_rate\n"
        + "      threshold: 6\n      span: 2\n", "t")).hasMessageContaining("span must be 1 or 3");
    assertThat(r.when()).containsExactly(
        new Rule.Condition("epoch_wrong_learned_rate", null, null, 6.0, 2, "epoch_forgetting_rate"));
    assertThat(set.warnings()).isEmpty();
    assertThat(RuleSet.parse("rules:\n  - name: a\n    monitor: m\n    when:\n      - indicator: train_accuracy\n"
        + "        over: no_such_rate\n        below: 1\n", "t").warnings())
        .anySatisfy(w -> assertThat(w).contains("condition over 'no_such_rate'", "does not publish"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n"
        + "    monitor: epoch_wrong_learned_rate\n    arming_ratio:\n      over: epoch_forgetting_rate\n"
        + "      threshold: 6\n      limit: 9\n", "t"))
        .hasMessageContaining("t line").hasMessageContaining("limit 9.0 needs an arming_threshold");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n"
        + "    monitor: m\n    when:\n      - indicator: train_accuracy\n        over: ''\n        below: 1\n", "t"))
        .hasMessageContaining("over").hasMessageContaining("non-empty");
  }

  @Test
  void shouldParseTheArmingRatioAndRefuseOneWithoutItsFields() {
    RuleSet set = RuleSet.parse("rules:\n  - name: a\n    monitor: epoch_wrong_learned_rate\n    rebound: 4 se\n"
        + "    arming_ratio:\n      over: epoch_forgetting_rate\n      threshold: 6\n", "t");
    assertThat(set.rules().get(0).armingRatio()).isEqualTo(new Rule.ArmingRatio("epoch_forgetting_rate", 6));
    assertThat(set.warnings()).isEmpty();
    assertThat(RuleSet.parse("rules:\n  - name: a\n    monitor: epoch_wrong_learned_rate\n", "t").rules().get(0)
        .armingRatio()).isNull();
    assertThat(RuleSet.parse("rules:\n  - name: a\n    monitor: epoch_wrong_learned_rate\n    arming_ratio:\n"
        + "      over: no_such_rate\n      threshold: 6\n", "t").warnings())
        .singleElement().asString().contains("no_such_rate", "does not publish");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n"
        + "    monitor: epoch_wrong_learned_rate\n    arming_ratio:\n      over: epoch_forgetting_rate\n", "t"))
        .hasMessageContaining("arming_ratio.threshold").hasMessageContaining("required");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n"
        + "    monitor: epoch_wrong_learned_rate\n    arming_ratio:\n      threshold: 6\n", "t"))
        .hasMessageContaining("arming_ratio.over").hasMessageContaining("required");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n"
        + "    monitor: epoch_wrong_learned_rate\n    arming_ratio:\n      over: epoch_forgetting_rate\n"
        + "      threshold: -1\n", "t")).hasMessageContaining(">= 0");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n"
        + "    monitor: epoch_wrong_learned_rate\n    arming_ratio:\n", "t")).hasMessageContaining("arming_ratio");
    // a smoothed rule reads its ratio over its window
    assertThat(RuleSet.parse("rules:\n  - name: a\n"
        + "    monitor: epoch_wrong_learned_rate\n    smoothing: 60 steps\n    arming_ratio:\n"
        + "      over: epoch_forgetting_rate\n      threshold: 6\n", "t").rules().get(0).smoothing())
        .isEqualTo(Span.steps(60));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n"
        + "    monitor: epoch_wrong_learned_rate\n    arming_ratio:\n      over: x\n      threshold: 6\n"
        + "      below: 3\n", "t")).hasMessageContaining("unknown field");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuleSet.parse("rules:\n  - name: a\n"
        + "    monitor: epoch_wrong_learned_rate\n    arming_ratio: 6\n", "t")).hasMessageContaining("arming_ratio");
  }
}
