package dev.rote.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Java program started as a child process of this JVM, on this JVM's class path: how Rote runs
 * Kafka nodes, and how tests and benchmarks run services, as separate OS processes that can be
 * killed with {@code SIGKILL}. The child's standard output and error go to a log file; it gets
 * {@code OMP_NUM_THREADS=1} unless this process sets it, and the JVM options of
 * {@value #EXTRA_OPTIONS} after its own.
 */
public final class ChildJvm {

  /**
   * Environment variable with JVM options added to every child, e.g. to record a flight recording
   * ({@code -XX:StartFlightRecording=...}) or turn a logger up while debugging.
   */
  public static final String EXTRA_OPTIONS = "ROTE_CHILD_JAVA_OPTS";

  private ChildJvm() {}

  /** The class path of this JVM, as a child should get it. */
  public static String classpath() {
    return System.getProperty("java.class.path");
  }

  /** The {@code java} launcher of this JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The command line that runs {@code mainClass} with {@code args} in a JVM with {@code jvmOptions}.
   */
  public static List<String> command(String mainClass, List<String> jvmOptions, List<String> args) {
    return command(mainClass, classpath(), jvmOptions, args);
  }

  /** The command line that runs {@code mainClass} on {@code classpath}. */
  public static List<String> command(String mainClass, String classpath, List<String> jvmOptions,
      List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmOptions);
    String extra = System.getenv(EXTRA_OPTIONS);
    if (extra != null && !extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /**
   * Starts {@code mainClass} in a child JVM, appending its output to {@code log}.
   *
   * @throws UncheckedIOException when the process cannot be started
   */
  public static Process start(String mainClass, List<String> jvmOptions, List<String> args, Path log) {
    return start(mainClass, classpath(), jvmOptions, args, log);
  }

  /** Starts {@code mainClass} on {@code classpath} in a child JVM, appending its output to {@code log}. */
  public static Process start(String mainClass, String classpath, List<String> jvmOptions, List<String> args,
      Path log) {
    ProcessBuilder pb = new ProcessBuilder(command(mainClass, classpath, jvmOptions, args));
    pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
    pb.redirectErrorStream(true);
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + mainClass + ": " + e.getMessage(), e);
    }
  }

  /** The last {@code lines} lines of a log file, or a note that there is none. */
  public static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }
}
