package dev.rote.alerting.cli;

import dev.rote.alerting.RuleSet;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --rules FILE}: the stop rules, or the built-in memorization-onset rules. */
public final class RulesOption {

  @Option(names = "--rules", paramLabel = "FILE",
      description = "Stop rules in YAML (default: the built-in memorization-onset rules).")
  Path rules;

  /** Loads the rules, printing their warnings; a bad file throws a message naming line and field. */
  public RuleSet load(PrintStream err) {
    RuleSet set = rules == null ? RuleSet.defaults() : RuleSet.load(rules);
    set.warnings().forEach(w -> err.println("warning: " + w));
    return set;
  }

  /** The rules file, or "built-in rules". */
  public String describe() {
    return rules == null ? "built-in rules" : rules.toString();
  }
}
