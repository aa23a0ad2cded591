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
        .hasMessage("t.yaml line 4: patience: must be an integer >= 0, was 'soon'");
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
        .hasMessage("t.yaml line 4: min_delta: must be a finite number >= 0, was -1");
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
}
