package dev.rote.analyzer.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

  private static final int FORMAT = 1;

  /** Per summary step: counts that rolling indicators sum over the window. */
  record StepStats(long step, int examples, int correct, double lossSum, int withHistory, int flips,
      int forgets, int noisy, int noisyMemorized) {}

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
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream(64 + predicted.length * 2 + steps.size() * 48);
      DataOutputStream out = new DataOutputStream(buf);
      out.writeInt(FORMAT);
      out.writeLong(lastStep);
      out.writeInt(lastEpoch);
      out.writeLong(epochStartStep);
      out.writeLong(stepsPerEpoch);
      out.writeLong(lastEmitStep);
      out.writeDouble(lastEvalAccuracy);
      out.writeInt(predicted.length);
      out.write(predicted);
      byte[] c = new byte[correct.length];
      for (int i = 0; i < c.length; i++) {
        c[i] = (byte) (correct[i] ? 1 : 0);
      }
      out.write(c);
      out.writeInt(steps.size());
      for (StepStats s : steps) {
        out.writeLong(s.step());
        out.writeInt(s.examples());
        out.writeInt(s.correct());
        out.writeDouble(s.lossSum());
        out.writeInt(s.withHistory());
        out.writeInt(s.flips());
        out.writeInt(s.forgets());
        out.writeInt(s.noisy());
        out.writeInt(s.noisyMemorized());
      }
      out.writeInt(sensitivities.size());
      for (Sensitivities s : sensitivities) {
        out.writeLong(s.step());
        out.writeInt(s.ids().length);
        for (int i = 0; i < s.ids().length; i++) {
          out.writeLong(s.ids()[i]);
          out.writeInt(s.labels()[i]);
          out.writeFloat(s.values()[i]);
        }
      }
      out.flush();
      return buf.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RunState fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalStateException("run state format " + format + " is not " + FORMAT);
      }
      RunState s = new RunState();
      s.lastStep = in.readLong();
      s.lastEpoch = in.readInt();
      s.epochStartStep = in.readLong();
      s.stepsPerEpoch = in.readLong();
      s.lastEmitStep = in.readLong();
      s.lastEvalAccuracy = in.readDouble();
      int n = in.readInt();
      s.predicted = new byte[n];
      in.readFully(s.predicted);
      byte[] c = new byte[n];
      in.readFully(c);
      s.correct = new boolean[n];
      for (int i = 0; i < n; i++) {
        s.correct[i] = c[i] != 0;
      }
      int steps = in.readInt();
      for (int i = 0; i < steps; i++) {
        s.steps.addLast(new StepStats(in.readLong(), in.readInt(), in.readInt(), in.readDouble(), in.readInt(),
            in.readInt(), in.readInt(), in.readInt(), in.readInt()));
      }
      int sens = in.readInt();
      for (int i = 0; i < sens; i++) {
        long step = in.readLong();
        int m = in.readInt();
        long[] ids = new long[m];
        int[] labels = new int[m];
        float[] values = new float[m];
        for (int j = 0; j < m; j++) {
          ids[j] = in.readLong();
          labels[j] = in.readInt();
          values[j] = in.readFloat();
        }
        s.sensitivities.addLast(new Sensitivities(step, ids, labels, values));
      }
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sums of the window's step statistics. */
  StepStats totals() {
    int examples = 0;
    int correctCount = 0;
    double loss = 0;
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
      history += s.withHistory();
      flips += s.flips();
      forgets += s.forgets();
      noisy += s.noisy();
      memorized += s.noisyMemorized();
    }
    return new StepStats(lastStep, examples, correctCount, loss, history, flips, forgets, noisy, memorized);
  }
}
