package dev.rote.trainer.internal;

import static dev.rote.contract.IndicatorNames.EPOCH_FIT_PROGRESS;
import static dev.rote.contract.IndicatorNames.EPOCH_FORGETTING_RATE;
import static dev.rote.contract.IndicatorNames.EPOCH_LEARNED_RATE;
import static dev.rote.contract.IndicatorNames.EPOCH_WRONG_LEARNED_RATE;
import static dev.rote.contract.IndicatorNames.EPOCH_PREDICTION_FLIP_RATE;
import static dev.rote.contract.IndicatorNames.EPOCH_TRAIN_ACCURACY;
import static dev.rote.contract.IndicatorNames.EPOCH_TRAIN_LOSS;
import static dev.rote.contract.IndicatorNames.FORGETTING_EVENTS;
import static dev.rote.contract.IndicatorNames.FORGETTING_RATE;
import static dev.rote.contract.IndicatorNames.GENERALIZATION_GAP;
import static dev.rote.contract.IndicatorNames.LOSS_SENSITIVITY_GINI;
import static dev.rote.contract.IndicatorNames.LOSS_SENSITIVITY_MEAN;
import static dev.rote.contract.IndicatorNames.NMF_NONLINEARITY;
import static dev.rote.contract.IndicatorNames.NMF_NONLINEARITY_DEPTH_RATIO;
import static dev.rote.contract.IndicatorNames.PREDICTION_FLIPS;
import static dev.rote.contract.IndicatorNames.PREDICTION_FLIP_RATE;
import static dev.rote.contract.IndicatorNames.TRAIN_ACCURACY;
import static dev.rote.contract.IndicatorNames.TRAIN_LOSS;

import dev.rote.contract.v1.Degradation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run's telemetry cannot carry. Each kind is reported once: logged, printed to standard
 * error (a warning nobody configured a logger for must still be seen), and handed to the run so
 * that its metadata names it. Thread-safe.
 */
public final class Degradations {

  private static final Logger log = LoggerFactory.getLogger(Degradations.class);

  /** Rules of the built-in rule set, as they appear in degradation records. */
  public static final String RULE_MEMORIZATION_ONSET = "rule:memorization_onset";
  public static final String RULE_FORGETTING_RISING = "rule:forgetting_rising";
  public static final String RULE_NONLINEARITY_RISING = "rule:nonlinearity_rising";

  /** What needs example ids that repeat across epochs. */
  public static final List<String> NEEDS_IDS = List.of(PREDICTION_FLIPS, PREDICTION_FLIP_RATE, FORGETTING_EVENTS,
      FORGETTING_RATE, EPOCH_PREDICTION_FLIP_RATE, EPOCH_FORGETTING_RATE, EPOCH_LEARNED_RATE, EPOCH_WRONG_LEARNED_RATE,
      LOSS_SENSITIVITY_GINI, LOSS_SENSITIVITY_MEAN, RULE_MEMORIZATION_ONSET, RULE_FORGETTING_RISING);
  /** What needs per-example labels, predictions and losses. */
  public static final List<String> NEEDS_PER_EXAMPLE = List.of(PREDICTION_FLIPS, PREDICTION_FLIP_RATE,
      FORGETTING_EVENTS, FORGETTING_RATE, EPOCH_PREDICTION_FLIP_RATE, EPOCH_FORGETTING_RATE, EPOCH_LEARNED_RATE,
      EPOCH_WRONG_LEARNED_RATE, EPOCH_TRAIN_ACCURACY, EPOCH_TRAIN_LOSS, EPOCH_FIT_PROGRESS, LOSS_SENSITIVITY_GINI, LOSS_SENSITIVITY_MEAN,
      TRAIN_ACCURACY, TRAIN_LOSS, GENERALIZATION_GAP, RULE_MEMORIZATION_ONSET, RULE_FORGETTING_RISING);
  /** What needs per-example loss sensitivities. */
  public static final List<String> NEEDS_SENSITIVITY = List.of(LOSS_SENSITIVITY_GINI, LOSS_SENSITIVITY_MEAN);
  /** What needs probe activations. */
  public static final List<String> NEEDS_PROBES = List.of(NMF_NONLINEARITY, NMF_NONLINEARITY_DEPTH_RATIO,
      RULE_NONLINEARITY_RISING);
  /**
   * What needs epoch numbers: the analyzer's rolling window is one epoch, learned from them. (The
   * epoch-level indicators and the rules on them count passes by example ids without them.)
   */
  public static final List<String> NEEDS_EPOCHS = List.of(PREDICTION_FLIP_RATE, FORGETTING_RATE,
      LOSS_SENSITIVITY_GINI, TRAIN_ACCURACY, TRAIN_LOSS, "checkpoints:epoch_end");

  private final String runId;
  private final Map<String, Degradation> found = new LinkedHashMap<>();
  private final List<Consumer<Degradation>> listeners = new ArrayList<>();

  public Degradations(String runId) {
    this.runId = runId;
  }

  /** Calls {@code listener} for every degradation reported from now on. */
  public synchronized void onReport(Consumer<Degradation> listener) {
    listeners.add(listener);
  }

  /**
   * Reports a degradation unless one of the same kind was reported already.
   *
   * @return true when it was new
   */
  public boolean report(String what, String detail, List<String> indicators) {
    Degradation d = Degradation.newBuilder().setWhat(what).setDetail(detail).addAllIndicators(indicators).build();
    List<Consumer<Degradation>> notify;
    synchronized (this) {
      if (found.containsKey(what)) {
        return false;
      }
      found.put(what, d);
      notify = List.copyOf(listeners);
    }
    String affected = indicators.isEmpty() ? "" : "\n[rote]   will not work or not be meaningful: "
        + String.join(", ", indicators);
    System.err.println("[rote] WARNING run " + runId + ": telemetry degraded (" + what + "): " + detail + affected);
    log.warn("run {}: telemetry degraded ({}): {}; affected: {}", runId, what, detail, indicators);
    for (Consumer<Degradation> c : notify) {
      c.accept(d);
    }
    return true;
  }

  public synchronized List<Degradation> all() {
    return List.copyOf(found.values());
  }

  public synchronized boolean has(String what) {
    return found.containsKey(what);
  }
}
