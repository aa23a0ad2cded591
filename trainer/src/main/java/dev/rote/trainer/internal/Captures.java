package dev.rote.trainer.internal;

import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.LayerStats;
import dev.rote.contract.v1.Matrix;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.Telemetry;

/**
 * Values copied off the training thread's arrays into plain Java arrays, and their conversion to
 * wire records. Conversion runs on the sink's sender thread.
 */
public final class Captures {

  private Captures() {}

  /** Per-layer statistics of one step. */
  public record LayerCapture(int index, String name, double paramNorm, double gradNorm, double updateRatio) {}

  /** One hidden layer's activations on the probe set, row-major. */
  public record MatrixCapture(int index, String name, int rows, int cols, float[] data) {}

  /** Probe activations of one step. */
  public record ProbeCapture(long[] ids, int[] labels, MatrixCapture[] layers) {
    public long sizeHint() {
      long n = 16L * ids.length;
      for (MatrixCapture m : layers) {
        n += 4L * m.data().length + 32;
      }
      return n;
    }
  }

  /** A batch summary; array columns may be null when not captured. */
  public record BatchCapture(
      double loss,
      double accuracy,
      double learningRate,
      int batchSize,
      LayerCapture[] layers,
      long[] ids,
      int[] labels,
      int[] predicted,
      float[] losses,
      float[] sensitivity,
      boolean[] noisy) {

    /** Approximate serialized size of a batch summary. */
    public static long sizeHint(int batchSize, int layers) {
      return 64L + 64L * layers + 26L * batchSize;
    }

    /**
     * Collects a batch capture over the hooks of one step. Predictions and losses come either
     * computed already or from an {@link OutputHead}, evaluated lazily (on the sender thread,
     * unless {@link #meanLoss()} is asked for first).
     */
    public static final class Builder {
      private final long[] ids;
      private final int[] labels;
      private final boolean[] noisy;
      private OutputHead head;
      private int[] predicted;
      private float[] losses;
      private LayerCapture[] layers;
      private float[] sensitivity;
      private double learningRate = Double.NaN;

      public Builder(long[] ids, int[] labels, int[] predicted, float[] losses, boolean[] noisy) {
        this.ids = ids;
        this.labels = labels;
        this.predicted = predicted;
        this.losses = losses;
        this.noisy = noisy;
      }

      public Builder(long[] ids, int[] labels, OutputHead head, boolean[] noisy) {
        this(ids, labels, null, null, noisy);
        this.head = head;
      }

      public Builder layers(LayerCapture[] l) {
        this.layers = l;
        return this;
      }

      public Builder sensitivity(float[] s) {
        this.sensitivity = s;
        return this;
      }

      public Builder learningRate(double lr) {
        this.learningRate = lr;
        return this;
      }

      private synchronized void evaluate() {
        if (head != null && predicted == null) {
          predicted = new int[labels.length];
          losses = new float[labels.length];
          head.compute(labels, predicted, losses);
        }
      }

      public double meanLoss() {
        evaluate();
        if (losses == null || losses.length == 0) {
          return Double.NaN;
        }
        double sum = 0;
        for (float l : losses) {
          sum += l;
        }
        return sum / losses.length;
      }

      /** The finished capture; call on the thread that may pay for evaluating the output head. */
      public BatchCapture build() {
        evaluate();
        int n = labels == null ? 0 : labels.length;
        int correct = 0;
        for (int i = 0; i < n; i++) {
          if (labels[i] == predicted[i]) {
            correct++;
          }
        }
        double accuracy = n == 0 ? Double.NaN : (double) correct / n;
        return new BatchCapture(meanLoss(), accuracy, learningRate, n, layers, ids, labels,
            predicted, losses, sensitivity, noisy);
      }
    }
  }

  /** Index of the largest value of each row of a row-major {@code rows x cols} matrix. */
  public static int[] argMaxRows(float[] m, int rows, int cols) {
    int[] out = new int[rows];
    for (int r = 0; r < rows; r++) {
      int best = 0;
      float max = m[r * cols];
      for (int c = 1; c < cols; c++) {
        float v = m[r * cols + c];
        if (v > max) {
          max = v;
          best = c;
        }
      }
      out[r] = best;
    }
    return out;
  }

  public static Telemetry toTelemetry(String runId, long step, int epoch, long timeMs, BatchCapture b) {
    BatchSummary.Builder s = BatchSummary.newBuilder()
        .setLoss(b.loss())
        .setAccuracy(b.accuracy())
        .setLearningRate(b.learningRate())
        .setBatchSize(b.batchSize());
    if (b.layers() != null) {
      for (LayerCapture l : b.layers()) {
        s.addLayers(LayerStats.newBuilder()
            .setIndex(l.index())
            .setName(l.name())
            .setParameterNorm(l.paramNorm())
            .setGradientNorm(l.gradNorm())
            .setUpdateRatio(l.updateRatio()));
      }
    }
    ExampleColumns.Builder c = ExampleColumns.newBuilder();
    if (b.ids() != null) {
      for (long id : b.ids()) {
        c.addExampleId(id);
      }
    }
    if (b.labels() != null) {
      for (int i = 0; i < b.labels().length; i++) {
        c.addLabel(b.labels()[i]).addPredicted(b.predicted()[i]).addLoss(b.losses()[i]);
      }
    }
    if (b.sensitivity() != null) {
      for (float v : b.sensitivity()) {
        c.addSensitivity(v);
      }
    }
    if (b.noisy() != null) {
      for (boolean v : b.noisy()) {
        c.addNoisy(v);
      }
    }
    s.setExamples(c);
    return header(runId, step, epoch, timeMs).setBatch(s).build();
  }

  public static Telemetry toTelemetry(String runId, long step, int epoch, long timeMs, ProbeCapture p) {
    ProbeActivations.Builder a = ProbeActivations.newBuilder();
    for (long id : p.ids()) {
      a.addExampleIds(id);
    }
    for (int label : p.labels()) {
      a.addLabels(label);
    }
    for (MatrixCapture m : p.layers()) {
      Matrix.Builder mb = Matrix.newBuilder().setRows(m.rows()).setCols(m.cols());
      float[] d = m.data();
      for (float v : d) {
        mb.addData(v);
      }
      a.addLayers(LayerActivations.newBuilder().setIndex(m.index()).setName(m.name()).setActivations(mb));
    }
    return header(runId, step, epoch, timeMs).setProbes(a).build();
  }

  public static Telemetry.Builder header(String runId, long step, int epoch, long timeMs) {
    return Telemetry.newBuilder().setRunId(runId).setStep(step).setEpoch(epoch).setTimeMs(timeMs);
  }
}
