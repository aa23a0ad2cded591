package dev.rote.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a phase's CPU went on this machine: the CPU time of a few processes and the whole machine's
 * busy time ({@code /proc/stat}, so other users' work shows), between two readings. On a shared
 * 2-core machine the load generator, the broker and the analyzer compete for the same cores, and a
 * benchmark's figures mean little without this.
 */
final class CpuBudget {

  private static final Path STAT = Path.of("/proc/stat");

  private final long[] pids;
  private final double[] start;
  private final long[] machineStart;
  private final long startNanos = System.nanoTime();

  /** Starts counting for the processes {@code pids}. */
  CpuBudget(long... pids) {
    this.pids = pids.clone();
    this.start = cpuSeconds(this.pids);
    this.machineStart = machineJiffies();
  }

  /**
   * One line: wall time, the CPU-seconds of each process named in {@code names} (same order as the
   * pids), and the machine's busy cores on average, all since construction.
   */
  String since(String... names) {
    double wall = (System.nanoTime() - startNanos) / 1e9;
    double[] now = cpuSeconds(pids);
    StringBuilder b = new StringBuilder(String.format("over %.1f s:", wall));
    for (int i = 0; i < pids.length; i++) {
      b.append(String.format(" %s %.1f CPU-s (%.2f cores);", names[i], now[i] - start[i], (now[i] - start[i]) / wall));
    }
    long[] m = machineJiffies();
    if (m != null && machineStart != null && m[1] > machineStart[1]) {
      double busy = (double) (m[0] - machineStart[0]) / (m[1] - machineStart[1]);
      b.append(String.format(" the machine %.0f %% busy (%.2f of %d cores, every user's work)", busy * 100,
          busy * Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors()));
    }
    return b.toString();
  }

  private static double[] cpuSeconds(long[] pids) {
    double[] out = new double[pids.length];
    for (int i = 0; i < pids.length; i++) {
      out[i] = cpuSeconds(pids[i]);
    }
    return out;
  }

  /** CPU-seconds (user + system) of process {@code pid} so far; 0 when it cannot be read. */
  static double cpuSeconds(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L) / 1e9;
  }

  /** Busy and total jiffies of all CPUs, from {@code /proc/stat}; null where it cannot be read. */
  static long[] machineJiffies() {
    try {
      return parse(Files.readAllLines(STAT).get(0));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Busy (all but idle and iowait) and total jiffies of a {@code /proc/stat} "cpu" line. */
  static long[] parse(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (!f[0].equals("cpu")) {
      throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
    }
    long total = 0;
    long idle = 0;
    // user nice system idle iowait irq softirq steal (guest times are already in user and nice)
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      long v = Long.parseLong(f[i]);
      total += v;
      if (i == 4 || i == 5) {
        idle += v;
      }
    }
    return new long[] {total - idle, total};
  }
}
