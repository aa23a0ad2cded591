package dev.rote.analyzer;

import dev.rote.analyzer.math.Nmf;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.Matrix;
import dev.rote.contract.v1.ProbeActivations;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * NMF non-linearity of a probe record's hidden layers (Collins, Bigdeli &amp; Süsstrunk 2018,
 * "Detecting Memorization in ReLU Networks"): the probe rows are split into groups, each group's
 * activations (examples × units, non-negative) factorized at the analyzer's ranks, and the mean
 * relative reconstruction error over the ranks is the group's value. The analyzer groups by the
 * probe examples' true class when the trainer sends it ({@code ProbeActivations.true_labels}), else
 * by the network's latest prediction on each example, else (nothing predicted yet) by the training
 * label; {@code ./rote reproduce} also groups by training label to measure what that grouping adds.
 */
public final class ProbeNonlinearity {

  /** How the probe rows were grouped. */
  public enum Grouping {
    /** By the true (clean) class the trainer sent. */
    TRUE_CLASS,
    /** By the network's latest prediction on each probe example. */
    PREDICTION,
    /** By the label the example was trained with. */
    TRAINING_LABEL
  }

  /**
   * One hidden layer's values.
   *
   * @param index the layer's index
   * @param byGroup each group's non-linearity (groups of fewer than two rows are left out)
   * @param mean the mean over the groups
   */
  public record Layer(int index, SortedMap<Integer, Double> byGroup, double mean) {}

  /**
   * @param layers layers with at least one group of two rows, in record order
   * @param depthRatio deepest layer's mean over the first layer's, or NaN with fewer than two layers
   */
  public record Result(List<Layer> layers, double depthRatio) {}

  private ProbeNonlinearity() {}

  /**
   * Factorizes every layer of {@code probes} with its rows grouped by {@code groups} (one group
   * label per row).
   */
  public static Result of(ProbeActivations probes, int[] groups, AnalyzerConfig config) {
    Nmf.Config nmf = new Nmf.Config(config.nmfMaxIterations(), config.nmfTolerance(), 42);
    int[] ranks = config.nmfRanks();
    List<Layer> layers = new ArrayList<>();
    for (LayerActivations l : probes.getLayersList()) {
      Matrix m = l.getActivations();
      if (groups.length != m.getRows()) {
        throw new IllegalArgumentException("layer " + l.getIndex() + ": " + m.getRows() + " rows for "
            + groups.length + " group labels");
      }
      TreeMap<Integer, List<Integer>> rowsByGroup = new TreeMap<>();
      for (int r = 0; r < m.getRows(); r++) {
        rowsByGroup.computeIfAbsent(groups[r], k -> new ArrayList<>()).add(r);
      }
      TreeMap<Integer, Double> values = new TreeMap<>();
      double sum = 0;
      for (var entry : rowsByGroup.entrySet()) {
        List<Integer> rows = entry.getValue();
        if (rows.size() < 2) {
          continue;
        }
        float[] a = new float[rows.size() * m.getCols()];
        for (int r = 0; r < rows.size(); r++) {
          int base = rows.get(r) * m.getCols();
          for (int c = 0; c < m.getCols(); c++) {
            a[r * m.getCols() + c] = m.getData(base + c);
          }
        }
        double value = Nmf.sweep(a, rows.size(), m.getCols(), ranks, nmf).nonlinearity();
        values.put(entry.getKey(), value);
        sum += value;
      }
      if (!values.isEmpty()) {
        layers.add(new Layer(l.getIndex(), Collections.unmodifiableSortedMap(values), sum / values.size()));
      }
    }
    double ratio = layers.size() >= 2 && layers.get(0).mean() > 0
        ? layers.get(layers.size() - 1).mean() / layers.get(0).mean() : Double.NaN;
    return new Result(List.copyOf(layers), ratio);
  }
}
