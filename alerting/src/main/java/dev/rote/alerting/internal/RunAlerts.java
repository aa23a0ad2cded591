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

/** The alerting state of one run: each rule's progress and the latest value of each series. */
public final class RunAlerts {

  /** Version 2 adds units, smoothing and errors to each rule's state; version 1 still reads. */
  private static final int VERSION = 2;

  final Map<String, RuleState> rules = new TreeMap<>();
  final Map<String, Double> latest = new TreeMap<>();

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
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RunAlerts fromBytes(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      int version = in.readInt();
      if (version != VERSION && version != 1) {
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
