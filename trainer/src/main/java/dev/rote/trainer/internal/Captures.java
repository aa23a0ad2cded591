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
  /** Probe activations; {@code trueLabels} (the examples' clean classes) may be null. */
  public record ProbeCapture(long[] ids, int[] labels, int[] trueLabels, MatrixCapture[] layers) {
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
      float[] margins,
      float[] sensitivity,
      boolean[] noisy) {

    /** Approximate serialized size of a batch summary. */
    public static long sizeHint(int batchSize, int layers) {
      return 64L + 64L * layers + 30L * batchSize;
    }

    /** Turns a step's ids, or its input rows when it has none, into the example-id column. */
    public interface IdResolver {
      /**
       * @param ids ids declared for the step, or null
       * @param rows the step's input rows (row-major) when no ids were declared, else null
       * @return the example ids, or null when there are none
       */
      long[] resolve(long[] ids, float[] rows, int batchSize);
    }

    /**
     * Collects a batch capture over the hooks of one step. Predictions, losses and margins come
     * either computed already or from an {@link OutputHead}, evaluated lazily (on the sender thread,
     * unless {@link #meanLoss()} is asked for first). Example ids are resolved when the capture is
     * built.
     */
    public static final class Builder {
      private final int rows;
      private long[] ids;
      private float[] contentRows;
      private float[] labelMatrix;
      private int[] targets;
      private boolean[] noisy;
      private OutputHead head;
      private int[] predicted;
      private float[] losses;
      private float[] margins;
      private LayerCapture[] layers;
      private float[] sensitivity;
      private double learningRate = Double.NaN;
      private double fallbackLoss = Double.NaN;

      public Builder(int rows) {
        this.rows = rows;
      }

      public int rows() {
        return rows;
      }

      /** Declared ids of the rows. */
      public Builder ids(long[] declared) {
        this.ids = declared;
        return this;
      }

      /** The rows' input values (row-major), for content ids. */
      public Builder contentRows(float[] data) {
        this.contentRows = data;
        return this;
      }

      public Builder noisy(boolean[] n) {
        this.noisy = n;
        return this;
      }

      /** The label matrix ({@code rows x classes}, row-major); the trained label of a row is its argmax. */
      public Builder labels(float[] matrix, int classes) {
        this.labelMatrix = matrix;
        this.targets = argMaxRows(matrix, rows, classes);
        return this;
      }

      public boolean hasLabels() {
        return targets != null;
      }

      public int[] targets() {
        return targets;
      }

      public Builder head(OutputHead h) {
        this.head = h;
        return this;
      }

      /** Values computed already. */
      public Builder outputs(int[] predictedClasses, float[] exampleLosses, float[] exampleMargins) {
        this.predicted = predictedClasses;
        this.losses = exampleLosses;
        this.margins = exampleMargins;
        return this;
      }

      public Builder layers(LayerCapture[] l) {
        this.layers = l;
        return this;
      }

      public Builder sensitivity(float[] s) {
        this.sensitivity = s;
        return this;
      }

      public boolean hasSensitivity() {
        return sensitivity != null;
      }

      public Builder learningRate(double lr) {
        this.learningRate = lr;
        return this;
      }

      /** The batch loss to publish when there are no per-example losses (the network's score). */
      public Builder fallbackLoss(double loss) {
        this.fallbackLoss = loss;
        return this;
      }

      /** Bytes of copied arrays held until the capture is built. */
      public long heldBytes() {
        return 4L * (contentRows == null ? 0 : contentRows.length) + (head == null ? 0 : head.bytes());
      }

      private synchronized void evaluate() {
        if (head != null && predicted == null && targets != null) {
          predicted = new int[rows];
          losses = new float[rows];
          margins = new float[rows];
          head.compute(labelMatrix, targets, predicted, losses, margins);
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

      /** The finished capture; call on the thread that may pay for evaluating the output head and the ids. */
      public BatchCapture build(IdResolver resolver) {
        evaluate();
        boolean perExample = targets != null && predicted != null;
        int n = perExample ? rows : 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
          if (targets[i] == predicted[i]) {
            correct++;
          }
        }
        long[] exampleIds = resolver == null ? ids : resolver.resolve(ids, contentRows, rows);
        double accuracy = n == 0 ? Double.NaN : (double) correct / n;
        return new BatchCapture(perExample ? meanLoss() : fallbackLoss, accuracy, learningRate, n, layers,
            perExample ? exampleIds : null, perExample ? targets : null, perExample ? predicted : null,
            perExample ? losses : null, perExample ? margins : null,
            perExample ? sensitivity : null, perExample ? noisy : null);
      }
    }
  }

  /**
   * A row-major float copy of any array (a view, another type or order is copied first), in one bulk
   * copy from the buffer (ND4J's {@code asFloat()} reads element by element: ~10x slower).
   */
  public static float[] floats(org.nd4j.linalg.api.ndarray.INDArray a) {
    return floats(a, null);
  }

  /**
   * {@link #floats(org.nd4j.linalg.api.ndarray.INDArray)} into {@code reuse} when it has exactly the
   * array's length, else into a new array.
   */
  public static float[] floats(org.nd4j.linalg.api.ndarray.INDArray a, float[] reuse) {
    boolean plain = a.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT && a.ordering() == 'c' && !a.isView()
        && a.data().length() == a.length();
    org.nd4j.linalg.api.ndarray.INDArray c = plain ? a : a.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c');
    org.nd4j.linalg.factory.Nd4j.getAffinityManager().ensureLocation(c,
        org.nd4j.linalg.api.concurrency.AffinityManager.Location.HOST);
    float[] out = reuse != null && reuse.length == c.length() ? reuse : new float[(int) c.length()];
    c.data().asNioFloat().get(out);
    return out;
  }

  /**
   * Per-row L1 norms of an array whose first dimension is the example: ||row_i||_1 over all its other
   * dimensions.
   */
  public static float[] rowNorm1(org.nd4j.linalg.api.ndarray.INDArray a) {
    long n = a.size(0);
    org.nd4j.linalg.api.ndarray.INDArray flat = a.rank() == 2 ? a : a.reshape('c', n, a.length() / n);
    return flat.norm1(1).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatVector();
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
    if (b.margins() != null) {
      for (float m : b.margins()) {
        c.addMargin(m);
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
    if (p.trueLabels() != null) {
      for (int label : p.trueLabels()) {
        a.addTrueLabels(label);
      }
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
