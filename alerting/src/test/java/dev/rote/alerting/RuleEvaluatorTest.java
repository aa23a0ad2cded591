package dev.rote.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleEvaluatorTest {

  private static final RuleSet RULES = new RuleSet(List.of(Rule.of("flips", "prediction_flip_rate").withPatience(2)),
      List.of());

  private static Indicator flipRate(String run, long step, double value) {
    return Indicator.newBuilder().setRunId(run).setName("prediction_flip_rate").setStep(step).setValue(value).build();
  }

  @Test
  void shouldKeepEachRunsStateApartAndFireOncePerRuleAndRun() {
    List<String> evaluated = new ArrayList<>();
    RuleEvaluator evaluator = new RuleEvaluator(RULES, dev.rote.service.RunDirectory.EMPTY, new EvaluationListener() {
      @Override
      public void evaluated(Rule rule, String runId) {
        evaluated.add(runId);
      }
    });
    List<StopSignal> signals = new ArrayList<>();
    double[] values = {0.3, 0.2, 0.25, 0.26, 0.27, 0.28};
    for (int i = 0; i < values.length; i++) {
      signals.addAll(evaluator.apply(flipRate("run-a", 10L * (i + 1), values[i]), 1000));
      if (i < 3) {
        signals.addAll(evaluator.apply(flipRate("run-b", 10L * (i + 1), values[i]), 1000));
      }
    }
    assertThat(signals).singleElement().satisfies(s -> {
      assertThat(s.getRunId()).isEqualTo("run-a");
      assertThat(s.getStep()).isEqualTo(40);
      assertThat(s.getRestoreStep()).isEqualTo(20);
      assertThat(s.getAction()).isEqualTo(SignalAction.SIGNAL_ACTION_STOP);
      assertThat(s.getSignalId()).isEqualTo("run-a/flips");
    });
    assertThat(evaluator.fired("run-a", "flips")).isTrue();
    assertThat(evaluator.fired("run-b", "flips")).isFalse();
    assertThat(evaluated).filteredOn("run-b"::equals).hasSize(3);
  }
}
