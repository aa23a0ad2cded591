package dev.rote.reference.experiment;

import dev.rote.reference.Architecture;
import dev.rote.reference.Optimization;
import dev.rote.reference.cli.ModelOptions;
import dev.rote.reference.data.LabelNoise;
import dev.rote.reference.data.NoisyLabels;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads matrix YAML into a {@link Matrix}, with errors that name the line and the field. */
final class MatrixFile {

  private static final Set<String> TOP = Set.of("rules_designed_on", "timing", "defaults", "cells");
  private static final Set<String> SETTING = Set.of("data", "train_size", "test_size", "batch_size", "epochs",
      "model", "hidden", "optimizer", "learning_rate", "lr_schedule", "weight_decay", "noise", "noise_pairs",
      "seeds");
  private static final Set<String> CELL = union(SETTING, Set.of("name", "estimate_minutes"));
  private static final String DEFAULT = "default";

  private final String source;

  private MatrixFile(String source) {
    this.source = source;
  }

  static Matrix parse(String yaml, String source) {
    Node root;
    try (Reader reader = new StringReader(yaml)) {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new MatrixException(source + " line " + line + ": not valid YAML: " + e.getProblem(), e);
    } catch (IOException | RuntimeException e) {
      throw new MatrixException(source + ": not valid YAML: " + e.getMessage(), e);
    }
    if (root == null) {
      throw new MatrixException(source + ": empty matrix file; expected a 'cells:' list");
    }
    return new MatrixFile(source).matrix(root);
  }

  private Matrix matrix(Node root) {
    Map<String, Node> top = fields(root, TOP, "the file");
    Map<String, Node> defaults = top.containsKey("defaults") ? fields(top.get("defaults"), SETTING, "defaults")
        : Map.of();
    Node cells = top.get("cells");
    if (!(cells instanceof SequenceNode list) || list.getValue().isEmpty()) {
      throw error(cells == null ? root : cells, "cells", "must be a list of one or more cells");
    }
    List<MatrixCell> out = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    for (Node c : list.getValue()) {
      Map<String, Node> f = new LinkedHashMap<>(defaults);
      f.putAll(fields(c, CELL, "a cell"));
      MatrixCell cell = cell(c, f);
      if (!names.add(cell.name())) {
        throw error(c, "name", "duplicate cell name '" + cell.name() + "'");
      }
      out.add(cell);
    }
    String designed = top.containsKey("rules_designed_on") ? text(top.get("rules_designed_on"), "rules_designed_on")
        : "";
    StepTimes timing = top.containsKey("timing") ? timing(top.get("timing")) : null;
    return new Matrix(designed, out, timing);
  }

  private MatrixCell cell(Node node, Map<String, Node> f) {
    if (!f.containsKey("name")) {
      throw error(node, "name", "missing: every cell has a name");
    }
    String name = text(f.get("name"), "name");
    Architecture model = value(f, "model", "mlp", Architecture::parse);
    Optimization.Optimizer optimizer = value(f, "optimizer", "adam", Optimization.Optimizer::parse);
    Optimization d = Optimization.defaults(optimizer);
    Optimization.LrSchedule schedule = value(f, "lr_schedule", DEFAULT,
        s -> s.equals(DEFAULT) ? d.schedule() : Optimization.LrSchedule.parse(s));
    double weightDecay = value(f, "weight_decay", DEFAULT, s -> s.equals(DEFAULT) ? d.weightDecay() : number(s));
    double lr = value(f, "learning_rate", DEFAULT,
        s -> s.equals(DEFAULT) ? Optimization.defaultLearningRate(model, optimizer) : number(s));
    try {
      return new MatrixCell(name, Path.of(value(f, "data", ModelOptions.DEFAULT_DATA, Function.identity())),
          integer(f, "train_size", 10_000, 0), integer(f, "test_size", 0, 0), integer(f, "batch_size", 128, 1),
          integer(f, "epochs", 30, 1), model, hidden(f), new Optimization(optimizer, schedule, weightDecay), lr,
          noise(f), value(f, "noise_pairs", "", LabelNoise::parsePairs), seeds(f),
          f.containsKey("estimate_minutes") ? value(f, "estimate_minutes", "0", MatrixFile::number) : null);
    } catch (MatrixException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw error(node, "cell " + name, e.getMessage());
    }
  }

  private int[] hidden(Map<String, Node> f) {
    Node n = f.get("hidden");
    if (n == null) {
      return new int[] {512, 512};
    }
    List<Node> items = n instanceof SequenceNode s ? s.getValue() : List.of(n);
    List<Integer> widths = new ArrayList<>();
    for (Node item : items) {
      for (String w : text(item, "hidden").split(",")) {
        widths.add(parse(item, "hidden", w.trim(), v -> positive(Integer.parseInt(v))));
      }
    }
    return widths.stream().mapToInt(Integer::intValue).toArray();
  }

  /** {@code noise: {symmetric: [..], asymmetric: [..]}}, or a plain list of symmetric levels. */
  private List<NoiseCondition> noise(Map<String, Node> f) {
    Node n = f.get("noise");
    if (n == null) {
      return levels(List.of(0.0, 0.2, 0.4, 0.6), NoisyLabels.Mode.SYMMETRIC, new ArrayList<>());
    }
    List<NoiseCondition> out = new ArrayList<>();
    if (n instanceof SequenceNode) {
      return levels(numbers(n, "noise"), NoisyLabels.Mode.SYMMETRIC, out);
    }
    Map<String, Node> modes = fields(n, Set.of("symmetric", "asymmetric"), "noise");
    if (modes.isEmpty()) {
      throw error(n, "noise", "must list symmetric and/or asymmetric levels");
    }
    modes.forEach((mode, levels) -> levels(numbers(levels, "noise." + mode), NoisyLabels.Mode.parseNoiseMode(mode),
        out));
    if (out.stream().distinct().count() != out.size()) {
      throw error(n, "noise", "lists a condition twice (level 0 is clean in either mode)");
    }
    return out;
  }

  private List<NoiseCondition> levels(List<Double> levels, NoisyLabels.Mode mode, List<NoiseCondition> out) {
    for (double l : levels) {
      out.add(NoiseCondition.of(mode, l));
    }
    return out;
  }

  private List<Long> seeds(Map<String, Node> f) {
    Node n = f.get("seeds");
    if (n == null) {
      return List.of(1L, 2L);
    }
    if (n instanceof ScalarNode) {
      int count = integer(f, "seeds", 2, 1);
      List<Long> seeds = new ArrayList<>();
      for (long s = 1; s <= count; s++) {
        seeds.add(s);
      }
      return seeds;
    }
    return numbers(n, "seeds").stream().map(d -> {
      if (d != Math.rint(d)) {
        throw error(n, "seeds", "must be whole numbers, was " + d);
      }
      return d.longValue();
    }).toList();
  }

  private StepTimes timing(Node node) {
    Map<String, Node> t = fields(node, Set.of("ms_per_step", "eval_ms_per_1000"), "timing");
    Map<Architecture, NavigableMap<Integer, Double>> steps = new EnumMap<>(Architecture.class);
    Map<Architecture, Double> eval = new EnumMap<>(Architecture.class);
    Node ms = t.get("ms_per_step");
    Node ev = t.get("eval_ms_per_1000");
    if (ms == null || ev == null) {
      throw error(node, "timing", "needs ms_per_step and eval_ms_per_1000");
    }
    for (NodeTuple m : mapping(ms, "timing.ms_per_step").getValue()) {
      Architecture a = parse(m.getKeyNode(), "timing.ms_per_step", text(m.getKeyNode(), "model"), Architecture::parse);
      NavigableMap<Integer, Double> byBatch = new TreeMap<>();
      for (NodeTuple b : mapping(m.getValueNode(), "timing.ms_per_step." + a.cliName()).getValue()) {
        byBatch.put(parse(b.getKeyNode(), "batch size", text(b.getKeyNode(), "batch size"),
            v -> positive(Integer.parseInt(v))), parse(b.getValueNode(), "ms", text(b.getValueNode(), "ms"),
            v -> positive(number(v))));
      }
      steps.put(a, byBatch);
    }
    for (NodeTuple e : mapping(ev, "timing.eval_ms_per_1000").getValue()) {
      eval.put(parse(e.getKeyNode(), "timing.eval_ms_per_1000", text(e.getKeyNode(), "model"), Architecture::parse),
          parse(e.getValueNode(), "ms", text(e.getValueNode(), "ms"), v -> positive(number(v))));
    }
    try {
      return new StepTimes(steps, eval);
    } catch (IllegalArgumentException e) {
      throw error(node, "timing", e.getMessage());
    }
  }

  // Node helpers.

  private Map<String, Node> fields(Node node, Set<String> allowed, String what) {
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : mapping(node, what).getValue()) {
      String key = text(t.getKeyNode(), what);
      if (!allowed.contains(key)) {
        throw error(t.getKeyNode(), key, "unknown field in " + what + "; known: " + new TreeSet<>(allowed));
      }
      if (out.put(key, t.getValueNode()) != null) {
        throw error(t.getKeyNode(), key, "given twice");
      }
    }
    return out;
  }

  private MappingNode mapping(Node node, String what) {
    if (!(node instanceof MappingNode m)) {
      throw error(node, what, "must be a mapping of fields");
    }
    return m;
  }

  private String text(Node node, String field) {
    if (!(node instanceof ScalarNode s)) {
      throw error(node, field, "must be a single value");
    }
    return s.getValue();
  }

  private List<Double> numbers(Node node, String field) {
    if (!(node instanceof SequenceNode s)) {
      throw error(node, field, "must be a list of numbers");
    }
    return s.getValue().stream().map(n -> parse(n, field, text(n, field), MatrixFile::number)).toList();
  }

  private <T> T value(Map<String, Node> f, String field, String absent, Function<String, T> parser) {
    Node n = f.get(field);
    return n == null ? parser.apply(absent) : parse(n, field, text(n, field).trim(), parser);
  }

  private int integer(Map<String, Node> f, String field, int absent, int min) {
    int v = value(f, field, Integer.toString(absent), Integer::parseInt);
    if (v < min) {
      throw error(f.get(field), field, "must be an integer >= " + min + ", was " + v);
    }
    return v;
  }

  private <T> T parse(Node node, String field, String text, Function<String, T> parser) {
    try {
      return parser.apply(text);
    } catch (NumberFormatException e) {
      throw error(node, field, "must be a number, was '" + text + "'");
    } catch (IllegalArgumentException e) {
      throw error(node, field, e.getMessage());
    }
  }

  private static double number(String text) {
    double v = Double.parseDouble(text);
    if (!Double.isFinite(v)) {
      throw new NumberFormatException(text);
    }
    return v;
  }

  private static <N extends Number> N positive(N n) {
    if (!(n.doubleValue() > 0)) {
      throw new IllegalArgumentException("must be > 0, was " + n);
    }
    return n;
  }

  private MatrixException error(Node node, String field, String message) {
    int line = node == null ? 0 : node.getStartMark().getLine() + 1;
    return new MatrixException(source + " line " + line + ": " + field + ": " + message);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new TreeSet<>(a);
    u.addAll(b);
    return Set.copyOf(u);
  }
}
