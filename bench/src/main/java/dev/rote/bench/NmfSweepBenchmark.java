package dev.rote.bench;

import dev.rote.analyzer.math.Nmf;
import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The NMF sweep beside this machine's GEMM ceiling, as a JMH benchmark: the time of one
 * {@link Nmf#sweep} over ranks 1, 2, 4, 8, 16 of a 128×512 ReLU-like probe, and of 10
 * single-threaded ND4J/OpenBLAS sgemm 512³, each timed one call at a time (single-shot) after
 * warm-up (30 sweeps; 3 calls of the GEMM).
 * {@link #report} runs it and writes the table {@code ./rote bench analyzer} prints; JMH's own
 * runner ({@code org.openjdk.jmh.Main NmfSweepBenchmark}) runs it too.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 15)
@Fork(1)
public class NmfSweepBenchmark {

  static final int GEMM_SIZE = 512;
  static final int GEMM_REPS = 10;

  /** A ReLU-like probe matrix and the ranks of the sweep. */
  @State(Scope.Benchmark)
  public static class Probe {
    @Param("128")
    public int m;

    @Param("512")
    public int n;

    @Param("1,2,4,8,16")
    public String ranks;

    float[] a;
    int[] k;

    @Setup
    public void setUp() {
      a = SyntheticData.reluLike(m, n, 1);
      k = parseRanks(ranks);
    }
  }

  /** Square float matrices for the ceiling. */
  @State(Scope.Benchmark)
  public static class Gemm {
    INDArray x;
    INDArray y;
    INDArray z;

    @Setup
    public void setUp() {
      x = Nd4j.rand(DataType.FLOAT, GEMM_SIZE, GEMM_SIZE);
      y = Nd4j.rand(DataType.FLOAT, GEMM_SIZE, GEMM_SIZE);
      z = Nd4j.create(DataType.FLOAT, GEMM_SIZE, GEMM_SIZE);
    }
  }

  /**
   * One sweep. Warmed up with 30 sweeps (3 iterations of 10): a fresh JVM needs about that many
   * before the JIT has compiled the kernels; with only 3 the timed calls still get faster.
   */
  @Benchmark
  @Warmup(iterations = 3, batchSize = 10)
  public Nmf.Sweep sweep(Probe p) {
    return Nmf.sweep(p.a, p.m, p.n, p.k, Nmf.DEFAULTS);
  }

  /** {@value #GEMM_REPS} products of two 512×512 float matrices. */
  @Benchmark
  public INDArray gemm(Gemm g) {
    for (int i = 0; i < GEMM_REPS; i++) {
      Nd4j.gemm(g.x, g.y, g.z, false, false, 1.0, 0.0);
    }
    return g.z;
  }

  static int[] parseRanks(String ranks) {
    return Arrays.stream(ranks.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  /**
   * Runs both benchmarks through JMH and reports the medians: sweep time, sweep GFLOP/s, GEMM
   * GFLOP/s and their ratio, as a Markdown table under a line naming the sweep.
   *
   * @param repeats timed calls of each benchmark, after the warm-up
   * @param forks JVMs forked for each benchmark; 0 runs them in this JVM
   */
  static String report(int m, int n, int[] ranks, int repeats, int forks) {
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be >= 1, was " + repeats);
    }
    String rankList = Arrays.stream(ranks).mapToObj(Integer::toString).collect(Collectors.joining(","));
    Collection<RunResult> results;
    try {
      results = new Runner(new OptionsBuilder()
          .include(Pattern.quote(NmfSweepBenchmark.class.getName()) + "\\.")
          .param("m", Integer.toString(m)).param("n", Integer.toString(n)).param("ranks", rankList)
          .measurementIterations(repeats).forks(forks)
          .verbosity(VerboseMode.SILENT).build()).run();
    } catch (RunnerException e) {
      throw new IllegalStateException("the NMF benchmark failed: " + e.getMessage(), e);
    }
    double sweepMs = medianMillis(results, "sweep");
    double gemmMs = medianMillis(results, "gemm");
    Nmf.Sweep s = Nmf.sweep(SyntheticData.reluLike(m, n, 1), m, n, ranks, Nmf.DEFAULTS);
    double sweepRate = s.flops() / (sweepMs / 1e3) / 1e9;
    double ceiling = GEMM_REPS * 2.0 * GEMM_SIZE * GEMM_SIZE * GEMM_SIZE / (gemmMs / 1e3) / 1e9;
    StringBuilder out = new StringBuilder();
    out.append(String.format("NMF sweep k=%s on a %dx%d ReLU-like probe (%s iterations, %.2f GFLOP):%n",
        Arrays.toString(ranks), m, n, Arrays.toString(s.iterations()), s.flops() / 1e9));
    out.append(String.format("| measure | median |%n|---|---|%n"));
    out.append(String.format("| sweep time | %.1f ms |%n", sweepMs));
    out.append(String.format("| sweep throughput | %.1f GFLOP/s |%n", sweepRate));
    out.append(String.format("| GEMM ceiling (ND4J/OpenBLAS sgemm %d^3, same run) | %.1f GFLOP/s |%n", GEMM_SIZE,
        ceiling));
    out.append(String.format("| sweep / ceiling | %.0f %% |%n", 100 * sweepRate / ceiling));
    return out.toString();
  }

  private static double medianMillis(Collection<RunResult> results, String benchmark) {
    return results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + benchmark)).findFirst()
        .orElseThrow(() -> new IllegalStateException("JMH ran no " + benchmark + " benchmark"))
        .getPrimaryResult().getStatistics().getPercentile(50);
  }
}
