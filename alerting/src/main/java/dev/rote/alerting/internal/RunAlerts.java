package dev.rote.alerting.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The alerting state of one run: each rule's progress, the latest value of each series and, for the
 * series a smoothed condition reads, its latest values.
 */
public final class RunAlerts {

  /**
   * Version 2 adds units, smoothing and errors to each rule's state, version 3 the recent values of
   * smoothed conditions, version 4 each rule's count of evaluations in a row off its best (and
   * whether its conditions held at one of them), version 5 each rule's best over its arming
   * ratio's divisor, version 6 the sums of a ratio over 3 evaluations around the best (the value
   * before the best comes from the recent values). Versions 1 to 5 still read: without recent values a smoothed
   * condition waits for its window to fill again; without the count a rebound asked of several
   * evaluations in a row counts from the next; without the ratio a rule armed by one waits for its
   * next best (a ratio over 3 evaluations keeps version 5's single-step ratio until then). An older
   * build cannot read version 6 (a rollback starts the alerting state over from its changelog's
   * start, failing to read it): roll back with a new application id.
   */
  private static final int VERSION = 6;

  final Map<String, RuleState> rules = new TreeMap<>();
  final Map<String, Double> latest = new TreeMap<>();
  /** Series to its latest values and their steps, oldest first, as many as the longest smoothing asks. */
  final Map<String, Recent> recent = new TreeMap<>();

  /** A series' latest values with their steps, in step order. */
  record Recent(long[] steps, double[] values) {}

  /**
   * Adds the series' value at {@code step} to its recent values, keeping the last {@code keep}: a
   * value at the last step kept replaces it (a re-delivery), one at an earlier step changes nothing
   * (out of order), as for the rules' own state.
   */
  void remember(String series, long step, double value, int keep) {
    Recent old = recent.getOrDefault(series, new Recent(new long[0], new double[0]));
    int last = old.steps().length - 1;
    if (last >= 0 && step < old.steps()[last]) {
      return;
    }
    if (last >= 0 && step == old.steps()[last]) {
      old.values()[last] = value;
      return;
    }
    int n = Math.min(keep, old.steps().length + 1);
    long[] steps = new long[n];
    double[] values = new double[n];
    System.arraycopy(old.steps(), old.steps().length - (n - 1), steps, 0, n - 1);
    System.arraycopy(old.values(), old.values().length - (n - 1), values, 0, n - 1);
    steps[n - 1] = step;
    values[n - 1] = value;
    recent.put(series, new Recent(steps, values));
  }

  /** The latest step before {@code step} among the series' recent values, or -1. */
  long stepBefore(String series, long step) {
    Recent r = recent.get(series);
    if (r != null) {
      for (int k = r.steps().length - 1; k >= 0; k--) {
        if (r.steps()[k] < step) {
          return r.steps()[k];
        }
      }
    }
    return -1;
  }

  /** The series' value at {@code step} among its recent values, or null. */
  Double valueAt(String series, long step) {
    Recent r = recent.get(series);
    if (r == null) {
      return null;
    }
    for (int k = r.steps().length - 1; k >= 0; k--) {
      if (r.steps()[k] == step) {
        return r.values()[k];
      }
    }
    return null;
  }

  /** The mean of the series' last {@code n} values, or null before {@code n} arrived. */
  Double meanOfLast(String series, int n) {
    Recent r = recent.get(series);
    if (r == null || r.values().length < n) {
      return null;
    }
    double sum = 0;
    for (int k = r.values().length - n; k < r.values().length; k++) {
      sum += r.values()[k];
    }
    return sum / n;
  }

  /** Whether the named rule has fired for this run. */
  public boolean fired(String rule) {
    RuleState s = rules.get(rule);
    return s != null && s.fired;
  }

  /** Whether the named rule found it cannot evaluate this run (and said so once). */
  public boolean broken(String rule) {
    RuleState s = rules.get(rule);
    return s != null && s.broken;
  }

  byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(VERSION);
      out.writeInt(rules.size());
      for (var e : rules.entrySet()) {
        RuleState s = e.getValue();
        out.writeUTF(e.getKey());
        out.writeDouble(s.best);
        out.writeLong(s.bestStep);
        out.writeInt(s.wait);
        out.writeLong(s.lastStep);
        out.writeLong(s.evaluations);
        out.writeBoolean(s.fired);
        out.writeDouble(s.bestSe);
        out.writeLong(s.bestAt);
        out.writeLong(s.firstEvaluated);
        out.writeLong(s.lastEvaluated);
        out.writeLong(s.stepsPerEpoch);
        out.writeBoolean(s.broken);
        out.writeInt(s.above);
        out.writeBoolean(s.heldInStreak);
        out.writeDouble(s.bestRatio);
        out.writeDouble(s.ratioNum);
        out.writeDouble(s.ratioDen);
        out.writeBoolean(s.ratioOpen);
        out.writeInt(s.windowValues.length);
        for (int i = 0; i < s.windowValues.length; i++) {
          out.writeDouble(s.windowValues[i]);
          out.writeDouble(s.windowSes[i]);
          out.writeLong(s.windowSteps[i]);
        }
      }
      out.writeInt(latest.size());
      for (var e : latest.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeDouble(e.getValue());
      }
      out.writeInt(recent.size());
      for (var e : recent.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().steps().length);
        for (int k = 0; k < e.getValue().steps().length; k++) {
          out.writeLong(e.getValue().steps()[k]);
          out.writeDouble(e.getValue().values()[k]);
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RunAlerts fromBytes(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int version = in.readInt();
      if (version < 1 || version > VERSION) {
        throw new IllegalStateException("unknown alerting state version " + version);
      }
      RunAlerts a = new RunAlerts();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        RuleState s = new RuleState(in.readDouble());
        s.bestStep = in.readLong();
        s.wait = in.readInt();
        s.lastStep = in.readLong();
        s.evaluations = in.readLong();
        s.fired = in.readBoolean();
        if (version >= 2) {
          s.bestSe = in.readDouble();
          s.bestAt = in.readLong();
          s.firstEvaluated = in.readLong();
          s.lastEvaluated = in.readLong();
          s.stepsPerEpoch = in.readLong();
          s.broken = in.readBoolean();
          if (version >= 4) {
            s.above = in.readInt();
            s.heldInStreak = in.readBoolean();
          }
          if (version >= 5) {
            s.bestRatio = in.readDouble();
          }
          if (version >= 6) {
            s.ratioNum = in.readDouble();
            s.ratioDen = in.readDouble();
            s.ratioOpen = in.readBoolean();
          }
          int w = in.readInt();
          s.windowValues = new double[w];
          s.windowSes = new double[w];
          s.windowSteps = new long[w];
          for (int k = 0; k < w; k++) {
            s.windowValues[k] = in.readDouble();
            s.windowSes[k] = in.readDouble();
            s.windowSteps[k] = in.readLong();
          }
        } else {
          s.bestAt = s.bestStep;
        }
        a.rules.put(name, s);
      }
      int m = in.readInt();
      for (int i = 0; i < m; i++) {
        a.latest.put(in.readUTF(), in.readDouble());
      }
      if (version >= 3) {
        int r = in.readInt();
        for (int i = 0; i < r; i++) {
          String series = in.readUTF();
          int length = in.readInt();
          long[] steps = new long[length];
          double[] values = new double[length];
          for (int k = 0; k < length; k++) {
            steps[k] = in.readLong();
            values[k] = in.readDouble();
          }
          a.recent.put(series, new Recent(steps, values));
        }
      }
      return a;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Serde for the state store. */
  public static Serde<RunAlerts> serde() {
    Serializer<RunAlerts> ser = (topic, a) -> a == null ? null : a.toBytes();
    Deserializer<RunAlerts> de = (topic, data) -> data == null ? null : fromBytes(data);
    return Serdes.serdeFrom(ser, de);
  }
}
