package dev.rote.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleTest {

  @Test
  void shouldDescribeARuleInOneLine() {
    Rule r = new Rule("onset", "nmf_nonlinearity", 1, Rule.Mode.MIN, 0.0, 24, 0.01, null, 0.1, null, true, 100,
        Rule.Action.STOP, true, List.of(new Rule.Condition("train_accuracy", null, 0.5, null)));
    assertThat(r.describe()).isEqualTo("onset: stop when nmf_nonlinearity/1 (min) has not improved by more than 0.0 "
        + "for 24 evaluations and is more than 0.01 off its best, or passes 0.1, while train_accuracy > 0.5, "
        + "from step 100");
    assertThat(Rule.of("plain", "train_loss").withAction(Rule.Action.WARN).describe())
        .isEqualTo("plain: warn when train_loss (min) has not improved by more than 0.0 for 3 evaluations");
  }

  @Test
  void shouldTakeSmoothingInEvaluationsOrStepsAndRefuseOtherForms() {
    assertThat(Rule.of("s", "m").withSmoothing(Span.steps(60), null).describe())
        .isEqualTo("s: stop when m (min, mean over 60 steps) has not improved by more than 0.0 for 3 evaluations");
    assertThat(Rule.of("s", "m").withSmoothing(3, null).describe()).contains("(min, mean of 3 evaluations)");
    assertThat(Rule.of("s", "m").smoothed()).isFalse();
    assertThat(Rule.of("s", "m").withSmoothing(Span.steps(1), null).smoothed()).isTrue();
    assertThatThrownBy(() -> Rule.of("s", "m").withSmoothing(Span.epochs(1), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("N evaluations or N steps");
    assertThatThrownBy(() -> Rule.of("s", "m").withSmoothing(Span.steps(0), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("N >= 1, was 0 steps");
    assertThatThrownBy(() -> Rule.of("s", "m").withSmoothing(Span.steps(257), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 256 steps");
  }
}
