package dev.rote.analyzer.internal;

import dev.rote.analyzer.math.SortedGini;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Everything the analyzer remembers about one run, kept in the {@code run-state} store. Per-example
 * values are flat arrays indexed by example id, so (de)serializing the state is a few bulk copies.
 */
public final class RunState {

  /**
   * Format 3 adds the pass's count of presentations previously wrong, format 2 the pass state;
   * formats 1 (no passes) and 2 still read (a pass open at a format-2 state counts from zero).
   */
  private static final int FORMAT = 3;

  /** Per summary step: counts that rolling indicators sum over the window. */
  record StepStats(long step, int examples, int correct, double lossSum, double lossSquares, int withHistory,
      int flips, int forgets, int noisy, int noisyMemorized) {}

  /** Loss sensitivities sampled at one step. */
  record Sensitivities(long step, long[] ids, int[] labels, float[] values) {}

  long lastStep;
  int lastEpoch = -1;
  long epochStartStep;
  long stepsPerEpoch;
  long lastEmitStep;
  double lastEvalAccuracy = Double.NaN;
  /** Last prediction per example id; -1 before the first presentation. */
  byte[] predicted = new byte[0];
  /** Whether the last prediction was correct, per example id. */
  boolean[] correct = new boolean[0];
  final Deque<StepStats> steps = new ArrayDeque<>();
  final Deque<Sensitivities> sensitivities = new ArrayDeque<>();
  /** The open pass and the closed passes' history, for the epoch-level indicators. */
  Passes passes = new Passes();
  /**
   * The sensitivity means of the last emission in ascending order, so the next Gini sorts only what
   * changed; a cache, not serialized: a restored state starts it empty.
   */
  final SortedGini.Order sensitivityOrder = new SortedGini.Order();

  void ensureExamples(int maxIdInclusive) {
    if (maxIdInclusive >= predicted.length) {
      int size = Math.max(maxIdInclusive + 1, predicted.length * 2);
      int old = predicted.length;
      predicted = Arrays.copyOf(predicted, size);
      Arrays.fill(predicted, old, size, (byte) -1);
      correct = Arrays.copyOf(correct, size);
    }
  }

  /** Drops window entries at or before {@code step - window}. */
  void prune(long step, long window) {
    long oldest = step - window;
    while (!steps.isEmpty() && steps.peekFirst().step() <= oldest) {
      steps.removeFirst();
    }
    while (!sensitivities.isEmpty() && sensitivities.peekFirst().step() <= oldest) {
      sensitivities.removeFirst();
    }
  }

  public static Serde<RunState> serde() {
    Serializer<RunState> ser = (topic, s) -> s == null ? null : s.toBytes();
    Deserializer<RunState> de = (topic, b) -> b == null ? null : fromBytes(b);
    return Serdes.serdeFrom(ser, de);
  }

  byte[] toBytes() {
    int sensCount = 0;
    for (Sensitivities x : sensitivities) {
      sensCount += x.ids().length;
    }
    int size = 4 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 2 * predicted.length + 4 + steps.size() * 56 + 4
        + sensitivities.size() * 12 + sensCount * 16 + Passes.BYTES;
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(FORMAT).putLong(lastStep).putInt(lastEpoch).putLong(epochStartStep).putLong(stepsPerEpoch)
        .putLong(lastEmitStep).putDouble(lastEvalAccuracy).putInt(predicted.length).put(predicted);
    byte[] c = new byte[correct.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = (byte) (correct[i] ? 1 : 0);
    }
    out.put(c).putInt(steps.size());
    for (StepStats x : steps) {
      out.putLong(x.step()).putInt(x.examples()).putInt(x.correct()).putDouble(x.lossSum())
          .putInt(x.withHistory()).putInt(x.flips()).putInt(x.forgets()).putInt(x.noisy())
          .putInt(x.noisyMemorized()).putDouble(x.lossSquares());
    }
    out.putInt(sensitivities.size());
    for (Sensitivities x : sensitivities) {
      int m = x.ids().length;
      out.putLong(x.step()).putInt(m);
      out.asLongBuffer().put(x.ids());
      out.position(out.position() + 8 * m);
      out.asIntBuffer().put(x.labels());
      out.position(out.position() + 4 * m);
      out.asFloatBuffer().put(x.values());
      out.position(out.position() + 4 * m);
    }
    passes.write(out);
    return out.array();
  }

  static RunState fromBytes(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int format = in.getInt();
    if (format < 1 || format > FORMAT) {
      throw new IllegalStateException("run state format " + format + " is not one of 1.." + FORMAT);
    }
    RunState s = new RunState();
    s.lastStep = in.getLong();
    s.lastEpoch = in.getInt();
    s.epochStartStep = in.getLong();
    s.stepsPerEpoch = in.getLong();
    s.lastEmitStep = in.getLong();
    s.lastEvalAccuracy = in.getDouble();
    int n = in.getInt();
    s.predicted = new byte[n];
    in.get(s.predicted);
    s.correct = new boolean[n];
    for (int i = 0; i < n; i++) {
      s.correct[i] = in.get() != 0;
    }
    int steps = in.getInt();
    for (int i = 0; i < steps; i++) {
      long step = in.getLong();
      int examples = in.getInt();
      int correct = in.getInt();
      double loss = in.getDouble();
      int history = in.getInt();
      int flips = in.getInt();
      int forgets = in.getInt();
      int noisy = in.getInt();
      int memorized = in.getInt();
      double squares = in.getDouble(); // format 1 wrote 0 here: no standard error for the window's loss
      s.steps.addLast(new StepStats(step, examples, correct, loss, squares, history, flips, forgets, noisy,
          memorized));
    }
    int sens = in.getInt();
    for (int i = 0; i < sens; i++) {
      long step = in.getLong();
      int m = in.getInt();
      long[] ids = new long[m];
      int[] labels = new int[m];
      float[] values = new float[m];
      in.asLongBuffer().get(ids);
      in.position(in.position() + 8 * m);
      in.asIntBuffer().get(labels);
      in.position(in.position() + 4 * m);
      in.asFloatBuffer().get(values);
      in.position(in.position() + 4 * m);
      s.sensitivities.addLast(new Sensitivities(step, ids, labels, values));
    }
    if (format >= 2) {
      s.passes = Passes.read(in, format >= 3);
    }
    return s;
  }

  /** Sums of the window's step statistics. */
  StepStats totals() {
    int examples = 0;
    int correctCount = 0;
    double loss = 0;
    double squares = 0;
    int history = 0;
    int flips = 0;
    int forgets = 0;
    int noisy = 0;
    int memorized = 0;
    for (Iterator<StepStats> it = steps.iterator(); it.hasNext(); ) {
      StepStats s = it.next();
      examples += s.examples();
      correctCount += s.correct();
      loss += s.lossSum();
      squares += s.lossSquares();
      history += s.withHistory();
      flips += s.flips();
      forgets += s.forgets();
      noisy += s.noisy();
      memorized += s.noisyMemorized();
    }
    return new StepStats(lastStep, examples, correctCount, loss, squares, history, flips, forgets, noisy, memorized);
  }
}
