package dev.rote.alerting;

import static org.assertj.core.api.Assertions.assertThat;

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
}
