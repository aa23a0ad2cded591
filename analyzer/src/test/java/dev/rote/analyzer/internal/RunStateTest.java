package dev.rote.analyzer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunStateTest {

  @Test
  void shouldRoundTripEveryFieldThroughItsSerde() {
    RunState s = new RunState();
    s.lastStep = 42;
    s.lastEpoch = 3;
    s.epochStartStep = 40;
    s.stepsPerEpoch = 13;
    s.lastEmitStep = 40;
    s.lastEvalAccuracy = 0.81;
    s.ensureExamples(9);
    s.predicted[2] = 7;
    s.correct[2] = true;
    s.steps.add(new RunState.StepStats(41, 128, 100, 12.5, 90, 4, 2, 30, 6));
    s.steps.add(new RunState.StepStats(42, 64, 50, 3.25, 60, 1, 0, 10, 1));
    s.sensitivities.add(new RunState.Sensitivities(42, new long[] {1, 9}, new int[] {3, 4}, new float[] {0.5f, 2f}));

    RunState r = RunState.serde().deserializer().deserialize("t", RunState.serde().serializer().serialize("t", s));

    assertThat(r.lastStep).isEqualTo(42);
    assertThat(r.lastEpoch).isEqualTo(3);
    assertThat(r.epochStartStep).isEqualTo(40);
    assertThat(r.stepsPerEpoch).isEqualTo(13);
    assertThat(r.lastEmitStep).isEqualTo(40);
    assertThat(r.lastEvalAccuracy).isEqualTo(0.81);
    assertThat(r.predicted).containsExactly(s.predicted);
    assertThat(r.predicted[0]).isEqualTo((byte) -1);
    assertThat(r.correct).containsExactly(s.correct);
    assertThat(r.steps).containsExactlyElementsOf(s.steps);
    assertThat(r.sensitivities).hasSize(1);
    RunState.Sensitivities x = r.sensitivities.getFirst();
    assertThat(x.step()).isEqualTo(42);
    assertThat(x.ids()).containsExactly(1, 9);
    assertThat(x.labels()).containsExactly(3, 4);
    assertThat(x.values()).containsExactly(0.5f, 2f);
  }
}
