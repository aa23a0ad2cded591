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

  private static final int VERSION = 1;

  final Map<String, RuleState> rules = new TreeMap<>();
  final Map<String, Double> latest = new TreeMap<>();

  /** Whether the named rule has fired for this run. */
  public boolean fired(String rule) {
    RuleState s = rules.get(rule);
    return s != null && s.fired;
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
      if (version != VERSION) {
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
