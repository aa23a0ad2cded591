package dev.rote.analyzer.internal;

import dev.rote.analyzer.ProbeNonlinearity.Grouping;
import dev.rote.contract.v1.ProbeActivations;
import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Which group each probe row goes into for NMF non-linearity: its true class when the trainer sent
 * it, else the network's latest prediction on the example (from the run state: its last training
 * presentation), else its training label. The state processor decides and hands the groups to the
 * NMF processor in a header of the probes topic, {@value #HEADER}: one byte (the grouping), then one
 * big-endian int per row.
 */
final class ProbeGroups {

  static final String HEADER = "rote.probe.groups";

  /** The grouping chosen and the group of each row. */
  record Choice(Grouping grouping, int[] groups) {}

  private ProbeGroups() {}

  static Choice of(ProbeActivations p, RunState s) {
    int rows = p.getLabelsCount();
    if (p.getTrueLabelsCount() == rows && rows > 0) {
      return new Choice(Grouping.TRUE_CLASS, p.getTrueLabelsList().stream().mapToInt(Integer::intValue).toArray());
    }
    if (p.getExampleIdsCount() == rows && rows > 0) {
      int[] predicted = new int[rows];
      boolean all = true;
      for (int r = 0; r < rows && all; r++) {
        long id = p.getExampleIds(r);
        all = id >= 0 && id < s.predicted.length && s.predicted[(int) id] >= 0;
        predicted[r] = all ? s.predicted[(int) id] : -1;
      }
      if (all) {
        return new Choice(Grouping.PREDICTION, predicted);
      }
    }
    return trainingLabels(p);
  }

  static Choice trainingLabels(ProbeActivations p) {
    return new Choice(Grouping.TRAINING_LABEL, p.getLabelsList().stream().mapToInt(Integer::intValue).toArray());
  }

  static Header header(Choice c) {
    ByteBuffer b = ByteBuffer.allocate(1 + 4 * c.groups().length);
    b.put((byte) c.grouping().ordinal());
    for (int g : c.groups()) {
      b.putInt(g);
    }
    return new RecordHeader(HEADER, b.array());
  }

  /** The groups a record's header carries; by training label when it has none that fits. */
  static Choice from(Headers headers, ProbeActivations p) {
    Header h = headers.lastHeader(HEADER);
    int rows = p.getLabelsCount();
    if (h == null || h.value().length != 1 + 4 * rows || h.value()[0] < 0 || h.value()[0] >= Grouping.values().length) {
      return trainingLabels(p);
    }
    ByteBuffer b = ByteBuffer.wrap(h.value());
    Grouping grouping = Grouping.values()[b.get()];
    int[] groups = new int[rows];
    for (int r = 0; r < rows; r++) {
      groups[r] = b.getInt();
    }
    return new Choice(grouping, groups);
  }
}
