package dev.rote.bench;

import dev.rote.broker.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Rote service ({@code analyzer}, {@code alerting}) in a child JVM of its own, started with the
 * arguments of its command line: the deployed shape, for benchmarks and fault tests that kill it
 * with SIGKILL, restart it, and count the CPU it used.
 */
public final class ServiceProcess implements AutoCloseable {

  /** The analyzer's entry point, {@code rote analyzer [options]}. */
  public static final String ANALYZER = "dev.rote.analyzer.cli.AnalyzerMain";
  /** The alerting service's entry point, {@code rote alerting [options]}. */
  public static final String ALERTING = "dev.rote.alerting.cli.AlertingMain";

  private final String mainClass;
  private final String classpath;
  private final List<String> jvmOptions;
  private final List<String> args;
  private final Path log;
  private Process process;
  private ClassDataSharing.Start cds;
  private boolean cdsEnabled = ClassDataSharing.enabled();
  private int starts;
  private final List<Start> startTimes = new ArrayList<>();
  private long cpuNanosOfEarlierStarts;

  /**
   * @param args the service command and its options, e.g. {@code analyzer --bootstrap-servers ...}
   * @param log where the process's output goes (appended across restarts)
   */
  public ServiceProcess(String mainClass, List<String> jvmOptions, List<String> args, Path log) {
    this(mainClass, null, jvmOptions, args, log);
  }

  /** @param classpath the child's class path; null for this JVM's */
  public ServiceProcess(String mainClass, String classpath, List<String> jvmOptions, List<String> args, Path log) {
    this.mainClass = mainClass;
    this.classpath = classpath;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.args = List.copyOf(args);
    this.log = log;
  }

  /**
   * When one start of the service happened, wall clock ({@link System#currentTimeMillis()}), to line
   * up with the timestamps of its log and of a test's timeline.
   *
   * @param spawnedMs when the JVM was spawned
   * @param runningMs when its log first said that it runs (polled every 100 ms), or 0
   */
  public record Start(long spawnedMs, long runningMs) {
    /** Seconds from the spawn to running. */
    public double seconds() {
      return (runningMs - spawnedMs) / 1e3;
    }
  }

  /**
   * Whether its JVM maps a class-data archive of the service's classes ({@link ClassDataSharing}),
   * written by its first start that exits cleanly; on by default, unless {@code ROTE_CDS=off}.
   */
  public synchronized ServiceProcess classDataSharing(boolean on) {
    cdsEnabled = on;
    return this;
  }

  /** Starts the service and waits until it prints that it runs. */
  public synchronized ServiceProcess start(Duration timeout) throws InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(mainClass + " is running");
    }
    long mark = logLength();
    long spawned = System.currentTimeMillis();
    cds = ClassDataSharing.plan(mainClass, classpath == null ? ChildJvm.classpath() : classpath, cdsEnabled);
    List<String> options = new ArrayList<>(jvmOptions);
    options.addAll(cds.options());
    process = ChildJvm.start(mainClass, cds.classpath(), options, args, log);
    starts++;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!logSince(mark).contains("running against")) {
      if (!process.isAlive()) {
        throw new IllegalStateException(mainClass + " exited with code " + process.exitValue() + ":\n"
            + ChildJvm.tail(log, 30));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(mainClass + " not running after " + timeout.toSeconds() + " s:\n"
            + ChildJvm.tail(log, 30));
      }
      Thread.sleep(100);
    }
    startTimes.add(new Start(spawned, System.currentTimeMillis()));
    return this;
  }

  /** Every completed start so far, in order. */
  public synchronized List<Start> starts() {
    return List.copyOf(startTimes);
  }

  /** Kills the service with SIGKILL, as a crash would, and waits until it is gone. */
  public synchronized void kill() throws InterruptedException {
    cpuNanosOfEarlierStarts += cpuNanos(process);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    cds.settle(false);
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process.pid();
  }

  /** CPU time (user + system) of every start of this service so far, in seconds. */
  public synchronized double cpuSeconds() {
    long now = process == null || !process.isAlive() ? 0 : cpuNanos(process);
    return (cpuNanosOfEarlierStarts + now) / 1e9;
  }

  private static long cpuNanos(Process p) {
    return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  public Path log() {
    return log;
  }

  private long logLength() {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private String logSince(long offset) {
    try {
      byte[] all = Files.readAllBytes(log);
      return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Stops the service cleanly (SIGTERM), killing it after 30 s. */
  @Override
  public synchronized void close() {
    if (process == null || !process.isAlive()) {
      if (cds != null) {
        cds.settle(false);
      }
      return;
    }
    process.destroy();
    boolean clean = false;
    try {
      clean = process.waitFor(30, TimeUnit.SECONDS);
      if (!clean) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    cds.settle(clean);
  }
}
