package dev.rote.reference.experiment;

import dev.rote.reference.Architecture;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Measured training-step and evaluation times of the reference models on the machine a matrix is budgeted
 * for, and the run-time estimates they give. A matrix file lists them under {@code timing:}; the estimates
 * assume 60,000 training and 10,000 test examples where a cell says 0 (all of Fashion-MNIST).
 *
 * @param msPerStep per model, milliseconds per training step (with Rote's telemetry at default sampling) by
 *     batch size; other batch sizes are interpolated linearly, and scaled in proportion beyond the table
 * @param evalMsPer1000 per model, milliseconds to measure 1,000 test examples
 */
public record StepTimes(Map<Architecture, NavigableMap<Integer, Double>> msPerStep,
    Map<Architecture, Double> evalMsPer1000) {

  static final int ALL_TRAIN = 60_000;
  static final int ALL_TEST = 10_000;

  public StepTimes {
    Map<Architecture, NavigableMap<Integer, Double>> copy = new EnumMap<>(Architecture.class);
    msPerStep.forEach((k, v) -> copy.put(k, new TreeMap<>(v)));
    msPerStep = copy;
    evalMsPer1000 = new EnumMap<>(evalMsPer1000);
    for (Architecture a : Architecture.values()) {
      if (!msPerStep.containsKey(a) || msPerStep.get(a).isEmpty() || !evalMsPer1000.containsKey(a)) {
        throw new IllegalArgumentException("timing must give ms_per_step and eval_ms_per_1000 for every model ("
            + Architecture.choices() + "), lacks " + a.cliName());
      }
    }
  }

  /** Milliseconds per training step of {@code model} at {@code batch}. */
  public double msPerStep(Architecture model, int batch) {
    NavigableMap<Integer, Double> t = msPerStep.get(model);
    Map.Entry<Integer, Double> lo = t.floorEntry(batch);
    Map.Entry<Integer, Double> hi = t.ceilingEntry(batch);
    if (lo == null) {
      return hi.getValue() * batch / hi.getKey();
    }
    if (hi == null) {
      return lo.getValue() * batch / lo.getKey();
    }
    if (lo.getKey().equals(hi.getKey())) {
      return lo.getValue();
    }
    double f = (batch - lo.getKey()) / (double) (hi.getKey() - lo.getKey());
    return lo.getValue() + f * (hi.getValue() - lo.getValue());
  }

  /**
   * Estimated minutes of one run: Rote's full-length run (training steps and an evaluation of the test
   * examples each epoch) and, with {@code validationFraction} > 0, the baseline trained on the rest for at
   * most as many epochs, measuring its validation split and the test examples each epoch (an upper bound:
   * the baseline usually stops earlier).
   */
  public double runMinutes(MatrixCell cell, double validationFraction) {
    int train = cell.trainSize() == 0 ? ALL_TRAIN : cell.trainSize();
    int test = cell.testSize() == 0 ? ALL_TEST : cell.testSize();
    double step = msPerStep(cell.model(), cell.batchSize());
    double eval = evalMsPer1000.get(cell.model()) / 1000;
    double rote = cell.epochs() * (steps(train, cell.batchSize()) * step + test * eval);
    double baseline = 0;
    if (validationFraction > 0) {
      int validation = (int) Math.round(validationFraction * train);
      baseline = cell.epochs() * (steps(train - validation, cell.batchSize()) * step + (test + validation) * eval);
    }
    return (rote + baseline) / 60_000;
  }

  /** Estimated minutes of all of a cell's runs. */
  public double cellMinutes(MatrixCell cell, double validationFraction) {
    return cell.runs().size() * runMinutes(cell, validationFraction);
  }

  private static long steps(int examples, int batch) {
    return (examples + batch - 1) / batch;
  }
}
