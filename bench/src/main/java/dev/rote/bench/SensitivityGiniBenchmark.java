package dev.rote.bench;

import dev.rote.analyzer.math.Gini;
import dev.rote.analyzer.math.SortedGini;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The loss-sensitivity Gini of one emission, as the analyzer computes it at every emission (every
 * 10 steps): a full sort of the window's per-example means ({@link Gini#of(double[], int)}) against
 * the previous emission's order kept and merged ({@link SortedGini}). The emissions are those of a
 * run with {@code examples} training examples, batch 128 and sensitivities every 10th step over a
 * window of one epoch (about examples / 10 means per window), in order, cycling; the means (in the
 * analyzer's first-seen order) are computed once in the setup, so only the Gini is timed. Run:
 * {@code java -cp "$(cat cli/target/classpath.txt)" org.openjdk.jmh.Main SensitivityGiniBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SensitivityGiniBenchmark {

  /** Consecutive emissions of one run: each one's example ids and means, in first-seen order. */
  @State(Scope.Benchmark)
  public static class Emissions {
    @Param({"10000", "60000"})
    public int examples;

    final List<long[]> ids = new ArrayList<>();
    final List<double[]> means = new ArrayList<>();

    @Setup(Level.Trial)
    public void record() {
      SplittableRandom rnd = new SplittableRandom(5);
      int stepsPerEpoch = (examples + 127) / 128;
      int windowSamples = Math.max(1, stepsPerEpoch / 10);
      Deque<long[]> windowIds = new ArrayDeque<>();
      Deque<float[]> windowValues = new ArrayDeque<>();
      int[] order = new int[examples];
      for (int i = 0; i < examples; i++) {
        order[i] = i;
      }
      int next = examples;
      for (int step = 1; ids.size() < 200; step++) {
        long[] batch = new long[128];
        for (int i = 0; i < 128; i++) {
          if (next == examples) { // a new pass: a fresh shuffle
            for (int k = examples - 1; k > 0; k--) {
              int j = rnd.nextInt(k + 1);
              int t = order[k];
              order[k] = order[j];
              order[j] = t;
            }
            next = 0;
          }
          batch[i] = order[next++];
        }
        if (step % 10 != 0) {
          continue;
        }
        float[] values = new float[128];
        for (int i = 0; i < 128; i++) {
          values[i] = (float) Math.abs(rnd.nextGaussian());
        }
        windowIds.addLast(batch);
        windowValues.addLast(values);
        if (windowIds.size() > windowSamples) {
          windowIds.removeFirst();
          windowValues.removeFirst();
        }
        if (windowIds.size() == windowSamples) {
          Map<Long, double[]> sums = new LinkedHashMap<>();
          var v = windowValues.iterator();
          for (long[] x : windowIds) {
            float[] xv = v.next();
            for (int i = 0; i < x.length; i++) {
              double[] acc = sums.computeIfAbsent(x[i], k -> new double[2]);
              acc[0] += xv[i];
              acc[1]++;
            }
          }
          long[] emissionIds = new long[sums.size()];
          double[] emissionMeans = new double[sums.size()];
          int at = 0;
          for (Map.Entry<Long, double[]> e : sums.entrySet()) {
            emissionIds[at] = e.getKey();
            emissionMeans[at++] = e.getValue()[0] / e.getValue()[1];
          }
          ids.add(emissionIds);
          means.add(emissionMeans);
        }
      }
    }
  }

  /** Where each benchmark thread is in the emissions, with the kept order. */
  @State(Scope.Thread)
  public static class Cursor {
    int at;
    final SortedGini sorted = new SortedGini();
    final SortedGini.Order order = new SortedGini.Order();
  }

  @Benchmark
  public double fullSort(Emissions e, Cursor c) {
    int i = c.at++ % e.means.size();
    double[] means = e.means.get(i);
    return Gini.of(means, means.length);
  }

  @Benchmark
  public double keptOrder(Emissions e, Cursor c) {
    int i = c.at++ % e.means.size();
    double[] means = e.means.get(i);
    return c.sorted.gini(c.order, e.ids.get(i), means, means.length, e.examples);
  }
}
