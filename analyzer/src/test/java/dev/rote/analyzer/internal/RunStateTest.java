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
    s.steps.add(new RunState.StepStats(41, 128, 100, 12.5, 7.75, 90, 4, 2, 30, 6));
    s.steps.add(new RunState.StepStats(42, 64, 50, 3.25, 1.5, 60, 1, 0, 10, 1));
    s.sensitivities.add(new RunState.Sensitivities(42, new long[] {1, 9}, new int[] {3, 4}, new float[] {0.5f, 2f}));
    Passes p = s.passes;
    p.index = 5;
    p.presentations = 70;
    p.correct = 61;
    p.lossSum = 20.5;
    p.lossSquares = 9.25;
    p.withHistory = 69;
    p.flips = 8;
    p.forgets = 3;
    p.learned = 4;
    p.previousWrong = 11;
    p.lastStep = 42;
    p.lastTimeMs = 1234;
    p.repeated = true;
    p.distinct = 300;
    p.recentAccuracy[0] = 0.5;
    p.recentAccuracy[2] = 0.75;
    p.recentPresentations[1] = 299;
    p.closed = 5;

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
    assertThat(r.passes).usingRecursiveComparison().isEqualTo(s.passes);
  }

  @Test
  void shouldReadAStateOfTheFirstFormatWithAFreshPassHistory() {
    RunState s = new RunState();
    s.lastStep = 7;
    s.steps.add(new RunState.StepStats(7, 4, 3, 2.0, 0.0, 1, 1, 0, 0, 0));
    s.passes.index = 3;
    // Format 1 is the current format without the trailing pass state.
    RunState r = RunState.fromBytes(olderFormat(s.toBytes(), 1, Passes.BYTES));

    assertThat(r.lastStep).isEqualTo(7);
    assertThat(r.steps).containsExactlyElementsOf(s.steps);
    assertThat(r.passes.index).isZero();
  }

  @Test
  void shouldReadAStateOfTheSecondFormatWithItsPassAndAnUnknownCountOfPreviouslyWrong() {
    RunState s = new RunState();
    s.lastStep = 7;
    s.passes.index = 3;
    s.passes.learned = 2;
    s.passes.previousWrong = 5;
    // Format 2 is format 3 without the pass's trailing count of presentations previously wrong.
    RunState r = RunState.fromBytes(olderFormat(s.toBytes(), 2, Long.BYTES));

    assertThat(r.lastStep).isEqualTo(7);
    assertThat(r.passes.index).isEqualTo(3);
    assertThat(r.passes.learned).isEqualTo(2);
    // the open pass's count is unknown: it publishes no wrong-learned rate over part of the pass
    assertThat(r.passes.previousWrong).isEqualTo(-1);
    assertThat(RunState.fromBytes(r.toBytes()).passes.previousWrong).as("unknown survives a write").isEqualTo(-1);
  }

  /** {@code current} as an older format wrote it: without its last {@code bytesAdded}, numbered {@code format}. */
  private static byte[] olderFormat(byte[] current, int format, int bytesAdded) {
    java.nio.ByteBuffer old = java.nio.ByteBuffer.allocate(current.length - bytesAdded);
    old.put(current, 0, old.capacity()).putInt(0, format);
    return old.array();
  }
}
