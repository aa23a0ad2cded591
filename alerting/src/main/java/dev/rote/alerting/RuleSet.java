package dev.rote.alerting;

import dev.rote.contract.IndicatorNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The stop rules the alerting service evaluates, read from YAML.
 *
 * <pre>{@code
 * rules:
 *   - name: flip_rate_rebound        # required, unique
 *     monitor: prediction_flip_rate  # required: an indicator name
 *     layer: 1                       # optional: only values of this layer
 *     mode: min                      # min | max                    (default min)
 *     min_delta: 1 se                # 0.002 | 5% | 1 se            (default 0)
 *     patience: 2 epochs             # 24 (evaluations) | 240 steps | 2 epochs (default 3)
 *     rebound: 4 se                  # fire only this far off the best: 0.01 | 5% | 4 se (default 0)
 *     rebound_for: 2                 # ... at this many evaluations in a row (default 1)
 *     arming_threshold: 0.12         # ... once the best has been better than this (default none)
 *     arming_ratio:                  # ... or once the best over another indicator at its step has been
 *       over: epoch_forgetting_rate  #     better than the threshold (default none)
 *       threshold: 6
 *       limit: 9                     #     and the threshold arms only while the ratio is below this
 *       span: 3                      #     1: at the best's step; 3: sums over it and its neighbours (default 1)
 *     smoothing: 1                   # moving average: 3 (evaluations) | 60 steps (the values within them) (default 1)
 *     baseline: 0.5                  # optional (Keras)
 *     stopping_threshold: 0.01       # optional (Lightning)
 *     divergence_threshold: 0.9      # optional (Lightning)
 *     check_finite: true             #                              (default true)
 *     start_from: 2 epochs           # 200 (steps) | 200 steps | 2 epochs (default 0)
 *     start_from_step: 0             # the same in steps; not with start_from
 *     action: stop                   # warn | stop                  (default stop)
 *     restore_best: true             # recommend the best step      (default true)
 *     restore_average: 1 epochs      # recommend the checkpoints this close to it (default none)
 *     when:                          # optional, all must hold
 *       - indicator: train_accuracy
 *         above: 0.5
 *         smoothing: 1               # the mean of the last N values (default 1)
 *         over: other_indicator      # compare the value over this one's (each the mean of N) (default none)
 * }</pre>
 *
 * @param rules the rules, names unique
 * @param warnings problems that do not stop the service, e.g. a rule monitoring an indicator the
 *     analyzer does not publish
 */
public record RuleSet(List<Rule> rules, List<String> warnings) {

  /** Resource holding the built-in rules. */
  public static final String DEFAULT_RESOURCE = "/dev/rote/alerting/default-rules.yaml";

  private static final Set<String> RULE_FIELDS = Set.of("name", "monitor", "layer", "mode", "min_delta",
      "patience", "rebound", "smoothing", "baseline", "stopping_threshold", "divergence_threshold", "check_finite",
      "start_from", "start_from_step", "action", "restore_best", "restore_average", "when", "rebound_for",
      "arming_threshold", "arming_ratio");
  private static final Set<String> ARMING_RATIO_FIELDS = Set.of("over", "threshold", "limit", "span");
  private static final Set<Span.Unit> ANY_UNIT = EnumSet.allOf(Span.Unit.class);
  private static final Set<Span.Unit> STEPS_OR_EPOCHS = EnumSet.of(Span.Unit.STEPS, Span.Unit.EPOCHS);
  private static final Set<Span.Unit> EVALUATIONS_OR_STEPS = EnumSet.of(Span.Unit.EVALUATIONS, Span.Unit.STEPS);
  private static final Set<String> CONDITION_FIELDS = Set.of("indicator", "layer", "above", "below", "smoothing", "over");
  /** Indicators with no value that has neither a layer nor a class label. */
  private static final Set<String> PER_CLASS_OR_LAYER =
      Set.of(IndicatorNames.NMF_NONLINEARITY, IndicatorNames.LOSS_SENSITIVITY_MEAN);

  public RuleSet {
    rules = List.copyOf(rules);
    warnings = List.copyOf(warnings);
    Set<String> names = new HashSet<>();
    for (Rule r : rules) {
      if (!names.add(r.name())) {
        throw new RulesException("duplicate rule name " + r.name());
      }
    }
  }

  /** The built-in rules: the memorization-onset detector (see the README). */
  public static RuleSet defaults() {
    try (InputStream in = RuleSet.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in rules");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a rules file; a file that cannot be used throws {@link RulesException} naming the line. */
  public static RuleSet load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new RulesException("cannot read rules file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses rules YAML; {@code source} names it in messages. */
  public static RuleSet parse(String yaml, String source) {
    Node root;
    try (Reader reader = new StringReader(yaml)) {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new RulesException(source + " line " + line + ": not valid YAML: " + e.getProblem(), e);
    } catch (IOException | RuntimeException e) {
      throw new RulesException(source + ": not valid YAML: " + e.getMessage(), e);
    }
    Parser p = new Parser(source);
    if (root == null) {
      throw new RulesException(source + ": empty rules file; expected a 'rules:' list");
    }
    Map<String, Node> top = p.mapping(root, Set.of("rules"), "the file");
    Node list = top.get("rules");
    if (list == null) {
      throw p.error(root, "rules", "missing; expected a 'rules:' list");
    }
    if (!(list instanceof SequenceNode seq)) {
      throw p.error(list, "rules", "must be a list of rules");
    }
    List<Rule> rules = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Node item : seq.getValue()) {
      Rule r = p.rule(item);
      if (!names.add(r.name())) {
        throw p.error(item, "name", "duplicate rule name '" + r.name() + "'");
      }
      if (!IndicatorNames.ALL.contains(r.monitor())) {
        warnings.add(source + " line " + line(item) + ": rule '" + r.name() + "' monitors '" + r.monitor()
            + "', which the analyzer does not publish (known: " + String.join(", ", IndicatorNames.ALL.stream()
                .sorted().toList()) + ")");
      }
      if (PER_CLASS_OR_LAYER.contains(r.monitor()) && r.layer() == null) {
        warnings.add(source + " line " + line(item) + ": rule '" + r.name() + "' monitors '" + r.monitor()
            + "' without a layer: the analyzer publishes it per layer or per class only, so the rule never "
            + "evaluates (add layer: N)");
      }
      for (Rule.Condition c : r.when()) {
        if (!IndicatorNames.ALL.contains(c.indicator())) {
          warnings.add(source + " line " + line(item) + ": rule '" + r.name() + "' has a condition on '"
              + c.indicator() + "', which the analyzer does not publish");
        }
        if (c.over() != null && !IndicatorNames.ALL.contains(c.over())) {
          warnings.add(source + " line " + line(item) + ": rule '" + r.name() + "' has a condition over '"
              + c.over() + "', which the analyzer does not publish");
        }
      }
      if (r.armingRatio() != null && !IndicatorNames.ALL.contains(r.armingRatio().over())) {
        warnings.add(source + " line " + line(item) + ": rule '" + r.name() + "' is armed by a ratio over '"
            + r.armingRatio().over() + "', which the analyzer does not publish");
      }
      rules.add(r);
    }
    if (rules.isEmpty()) {
      throw p.error(list, "rules", "must list at least one rule");
    }
    return new RuleSet(rules, warnings);
  }

  private static int line(Node n) {
    return n.getStartMark().getLine() + 1;
  }

  /** Turns YAML nodes into rules, with errors that name the line and field. */
  private record Parser(String source) {

    Rule rule(Node node) {
      Map<String, Node> f = mapping(node, RULE_FIELDS, "a rule");
      String name = string(f, node, "name", null);
      String monitor = string(f, node, "monitor", null);
      Rule.Mode mode = switch (string(f, node, "mode", "min").toLowerCase(Locale.ROOT)) {
        case "min" -> Rule.Mode.MIN;
        case "max" -> Rule.Mode.MAX;
        default -> throw error(f.get("mode"), "mode", "must be min or max, was '" + scalar(f.get("mode")) + "'");
      };
      Rule.Action action = switch (string(f, node, "action", "stop").toLowerCase(Locale.ROOT)) {
        case "stop" -> Rule.Action.STOP;
        case "warn" -> Rule.Action.WARN;
        default -> throw error(f.get("action"), "action", "must be warn or stop, was '" + scalar(f.get("action")) + "'");
      };
      List<Rule.Condition> when = new ArrayList<>();
      Node w = f.get("when");
      if (w != null) {
        if (!(w instanceof SequenceNode seq)) {
          throw error(w, "when", "must be a list of conditions");
        }
        for (Node c : seq.getValue()) {
          Map<String, Node> cf = mapping(c, CONDITION_FIELDS, "a condition");
          try {
            when.add(new Rule.Condition(string(cf, c, "indicator", null), integer(cf, "layer", null, 0),
                number(cf, "above", null, false), number(cf, "below", null, false),
                integer(cf, "smoothing", 1, 1), cf.containsKey("over") ? string(cf, c, "over", null) : null));
          } catch (RulesException e) {
            throw e;
          } catch (IllegalArgumentException e) {
            throw error(c, "when", e.getMessage());
          }
        }
      }
      if (f.containsKey("start_from") && f.containsKey("start_from_step")) {
        throw error(f.get("start_from_step"), "start_from_step", "give start_from or start_from_step, not both");
      }
      Span startFrom = f.containsKey("start_from") ? span(f, "start_from", null, Span.Unit.STEPS, STEPS_OR_EPOCHS)
          : Span.steps(integer(f, "start_from_step", 0, 0));
      try {
        return new Rule(name, monitor, integer(f, "layer", null, 0), mode, delta(f, "min_delta"),
            span(f, "patience", Span.evaluations(3), Span.Unit.EVALUATIONS, ANY_UNIT), delta(f, "rebound"),
            smoothing(f), number(f, "baseline", null, false),
            number(f, "stopping_threshold", null, false), number(f, "divergence_threshold", null, false),
            bool(f, "check_finite", true), startFrom, action, bool(f, "restore_best", true),
            span(f, "restore_average", null, Span.Unit.EVALUATIONS, ANY_UNIT), when, integer(f, "rebound_for", 1, 1),
            number(f, "arming_threshold", null, false), armingRatio(f));
      } catch (RulesException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw error(node, "rule '" + name + "'", e.getMessage());
      }
    }

    Rule.ArmingRatio armingRatio(Map<String, Node> f) {
      Node n = f.get("arming_ratio");
      if (n == null) {
        return null;
      }
      Map<String, Node> af = mapping(n, ARMING_RATIO_FIELDS, "arming_ratio");
      if (!af.containsKey("over")) {
        throw error(n, "arming_ratio.over", "required");
      }
      try {
        String over = string(af, n, "over", null);
        Double threshold = number(af, "threshold", null, true);
        if (threshold == null) {
          throw error(n, "arming_ratio.threshold", "required");
        }
        return new Rule.ArmingRatio(over, threshold, number(af, "limit", null, true), integer(af, "span", 1, 1));
      } catch (RulesException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw error(n, "arming_ratio", e.getMessage());
      }
    }

    /** A rule's {@code smoothing}: N evaluations (bare) or N steps, at least 1, steps at most {@link Rule#MAX_SMOOTHING_STEPS}. */
    Span smoothing(Map<String, Node> f) {
      Span s = span(f, "smoothing", Span.evaluations(1), Span.Unit.EVALUATIONS, EVALUATIONS_OR_STEPS);
      try {
        Rule.checkSmoothing(s);
      } catch (IllegalArgumentException e) {
        throw error(f.get("smoothing"), "smoothing", e.getMessage());
      }
      return s;
    }

    Span span(Map<String, Node> f, String key, Span fallback, Span.Unit bare, Set<Span.Unit> allowed) {
      Node n = f.get(key);
      if (n == null) {
        return fallback;
      }
      try {
        return Span.parse(scalar(n), bare, allowed);
      } catch (IllegalArgumentException e) {
        throw error(n, key, e.getMessage());
      }
    }

    Delta delta(Map<String, Node> f, String key) {
      Node n = f.get(key);
      if (n == null) {
        return Delta.ZERO;
      }
      try {
        return Delta.parse(scalar(n));
      } catch (IllegalArgumentException e) {
        throw error(n, key, e.getMessage());
      }
    }

    Map<String, Node> mapping(Node node, Set<String> allowed, String what) {
      if (!(node instanceof MappingNode m)) {
        throw error(node, what, "must be a mapping of field: value");
      }
      Map<String, Node> fields = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        String key = scalar(t.getKeyNode());
        if (key == null || !allowed.contains(key)) {
          throw error(t.getKeyNode(), String.valueOf(key), "unknown field in " + what + " (allowed: "
              + String.join(", ", allowed.stream().sorted().toList()) + ")");
        }
        if (fields.put(key, t.getValueNode()) != null) {
          throw error(t.getKeyNode(), key, "given twice");
        }
      }
      return fields;
    }

    String string(Map<String, Node> f, Node parent, String key, String fallback) {
      Node n = f.get(key);
      if (n == null) {
        if (fallback == null) {
          throw error(parent, key, "required");
        }
        return fallback;
      }
      String v = scalar(n);
      if (v == null || v.isBlank()) {
        throw error(n, key, "must be a non-empty string");
      }
      return v.trim();
    }

    Integer integer(Map<String, Node> f, String key, Integer fallback, int min) {
      Node n = f.get(key);
      if (n == null) {
        return fallback;
      }
      String v = scalar(n);
      try {
        long value = Long.parseLong(v == null ? "" : v.trim());
        if (value < min || value > Integer.MAX_VALUE) {
          throw error(n, key, "must be an integer >= " + min + ", was " + v);
        }
        return (int) value;
      } catch (NumberFormatException e) {
        throw error(n, key, "must be an integer >= " + min + ", was '" + v + "'");
      }
    }

    Double number(Map<String, Node> f, String key, Double fallback, boolean nonNegative) {
      Node n = f.get(key);
      if (n == null) {
        return fallback;
      }
      String v = scalar(n);
      try {
        double value = Double.parseDouble(v == null ? "" : v.trim());
        if (!Double.isFinite(value) || (nonNegative && value < 0)) {
          throw error(n, key, "must be a finite number" + (nonNegative ? " >= 0" : "") + ", was " + v);
        }
        return value;
      } catch (NumberFormatException e) {
        throw error(n, key, "must be a number, was '" + v + "'");
      }
    }

    boolean bool(Map<String, Node> f, String key, boolean fallback) {
      Node n = f.get(key);
      if (n == null) {
        return fallback;
      }
      String v = scalar(n);
      if ("true".equalsIgnoreCase(v)) {
        return true;
      }
      if ("false".equalsIgnoreCase(v)) {
        return false;
      }
      throw error(n, key, "must be true or false, was '" + v + "'");
    }

    String scalar(Node n) {
      return n instanceof ScalarNode s ? s.getValue() : null;
    }

    RulesException error(Node at, String field, String problem) {
      return new RulesException(source + " line " + line(at) + ": " + field + ": " + problem);
    }
  }
}
