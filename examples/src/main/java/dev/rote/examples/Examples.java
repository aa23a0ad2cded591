package dev.rote.examples;

import dev.rote.contract.v1.RunStatus;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** The examples by name, and what their {@code main} methods share: parsing, loading, exit codes. */
public final class Examples {

  /** An example program. */
  @FunctionalInterface
  public interface Example {
    ExampleResult run(ExampleSettings settings, PrintStream out) throws Exception;
  }

  /** Every example, by the name {@code ./rote example NAME} takes. */
  public static final Map<String, Example> ALL;

  static {
    Map<String, Example> all = new LinkedHashMap<>();
    all.put("plain-fit", PlainFitExample::run);
    all.put("cnn", CnnExample::run);
    all.put("graph", GraphExample::run);
    all.put("early-stopping", EarlyStoppingExample::run);
    ALL = java.util.Collections.unmodifiableMap(all);
  }

  private Examples() {}

  /**
   * Runs an example from its command line: exit code 0 when the run completed or was stopped by
   * Rote, 1 when it failed, 2 for a bad option or data set (the message and the usage go to stderr).
   */
  static int main(String name, String[] args, Example example) {
    ExampleSettings settings;
    try {
      settings = ExampleSettings.parse(name, args);
    } catch (IllegalArgumentException e) {
      System.err.println(name + ": " + e.getMessage());
      System.err.println(ExampleSettings.usage(name));
      return 2;
    }
    try {
      ExampleResult r = example.run(settings, System.out);
      return r.status() == RunStatus.RUN_STATUS_FAILED ? 1 : 0;
    } catch (IllegalArgumentException e) {
      System.err.println(name + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println(name + ": failed: " + e);
      return 1;
    }
  }

  /** Loads the settings' data and says what it holds. */
  static MnistIdx load(ExampleSettings s, PrintStream out) {
    MnistIdx data = MnistIdx.load(s.data(), s.trainSize(), s.testSize(), s.labelNoise(), s.seed());
    out.printf("run %s: %d training examples (%d labels changed by noise), %d test examples, from %s%n", s.runId(),
        data.train().numExamples(), data.noisy(), data.test().numExamples(), s.data());
    return data;
  }
}
