package dev.rote.contract;

/** Names of the indicators the analyzer publishes on {@code rote.indicators}; see the README for formulas and directions. */
public final class IndicatorNames {

  /** Gini coefficient of per-example mean ||dL/dx||_1 over the window (Arpit et al. 2017). */
  public static final String LOSS_SENSITIVITY_GINI = "loss_sensitivity_gini";
  /** Mean per-example loss sensitivity over the window, per class (class_label set). */
  public static final String LOSS_SENSITIVITY_MEAN = "loss_sensitivity_mean";
  /**
   * Mean NMF reconstruction error over the ranks, per hidden layer and class (Collins, Bigdeli &amp;
   * Süsstrunk 2018); probe rows grouped by true class when the trainer sends it, else by prediction.
   */
  public static final String NMF_NONLINEARITY = "nmf_nonlinearity";
  /** Non-linearity of the deepest hidden layer divided by the first one's. */
  public static final String NMF_NONLINEARITY_DEPTH_RATIO = "nmf_nonlinearity_depth_ratio";
  /** Presentations in the rolling window whose prediction differs from the example's previous one. */
  public static final String PREDICTION_FLIPS = "prediction_flips";
  /** Prediction flips divided by presentations with a previous prediction. */
  public static final String PREDICTION_FLIP_RATE = "prediction_flip_rate";
  /** Presentations in the window that went from correct to incorrect (Toneva et al. 2019). */
  public static final String FORGETTING_EVENTS = "forgetting_events";
  /** Forgetting events divided by presentations with a previous prediction. */
  public static final String FORGETTING_RATE = "forgetting_rate";
  /** Training accuracy over the window, against the labels as trained. */
  public static final String TRAIN_ACCURACY = "train_accuracy";
  /** Mean training loss over the window. */
  public static final String TRAIN_LOSS = "train_loss";
  /** Training accuracy over the window minus the latest clean evaluation accuracy. */
  public static final String GENERALIZATION_GAP = "generalization_gap";
  /** Clean evaluation accuracy, as published by the trainer. */
  public static final String TEST_ACCURACY = "test_accuracy";
  /** Clean evaluation loss, as published by the trainer. */
  public static final String TEST_LOSS = "test_loss";
  /**
   * Evaluation only: fraction of examples with injected noisy labels that the network predicts as
   * their noisy label, over the window. Detectors must never read it.
   */
  public static final String NOISY_MEMORIZED_FRACTION = "noisy_memorized_fraction";


  // Epoch-level ("pass") indicators: one value per pass over the training data, emitted at the
  // pass's last step with Indicator.epoch = the pass index, each with its sample size and standard
  // error, in this order, epoch_prediction_flip_rate last.

  /** Training accuracy over the pass's presentations, against the labels as trained. */
  public static final String EPOCH_TRAIN_ACCURACY = "epoch_train_accuracy";
  /** Mean per-example training loss over the pass's presentations. */
  public static final String EPOCH_TRAIN_LOSS = "epoch_train_loss";
  /** Share of the pass's presentations (with a previous one) that went from correct to incorrect. */
  public static final String EPOCH_FORGETTING_RATE = "epoch_forgetting_rate";
  /** Share of the pass's presentations (with a previous one) that went from incorrect to correct. */
  public static final String EPOCH_LEARNED_RATE = "epoch_learned_rate";
  /**
   * Of the pass's presentations whose previous presentation was incorrect, the share that is correct
   * now: how much of what the network got wrong it learns per pass, against the labels as trained.
   * Low when the wrong examples resist (labels that contradict what the network has learned).
   */
  public static final String EPOCH_WRONG_LEARNED_RATE = "epoch_wrong_learned_rate";
  /**
   * Share of the still-misclassified training examples learned per pass, over the last 3 passes:
   * (A_e - A_{e-3}) / (3 (1 - A_{e-3})), A = epoch_train_accuracy; from the 4th pass on.
   */
  public static final String EPOCH_FIT_PROGRESS = "epoch_fit_progress";
  /**
   * The label wave (Yuan, Feng &amp; Liu, ICLR 2024): share of the pass's presentations (with a
   * previous one) whose prediction differs from the example's previous prediction.
   */
  public static final String EPOCH_PREDICTION_FLIP_RATE = "epoch_prediction_flip_rate";

  /** The epoch-level indicators in the order the analyzer emits them for one pass. */
  public static final java.util.List<String> EPOCH_ORDER = java.util.List.of(EPOCH_TRAIN_ACCURACY,
      EPOCH_TRAIN_LOSS, EPOCH_FORGETTING_RATE, EPOCH_LEARNED_RATE, EPOCH_WRONG_LEARNED_RATE, EPOCH_FIT_PROGRESS,
      EPOCH_PREDICTION_FLIP_RATE);

  /** Every run-level indicator name above, for validating what rules monitor. */
  public static final java.util.Set<String> ALL = java.util.Set.of(
      LOSS_SENSITIVITY_GINI, LOSS_SENSITIVITY_MEAN, NMF_NONLINEARITY, NMF_NONLINEARITY_DEPTH_RATIO,
      PREDICTION_FLIPS, PREDICTION_FLIP_RATE, FORGETTING_EVENTS, FORGETTING_RATE, TRAIN_ACCURACY,
      TRAIN_LOSS, GENERALIZATION_GAP, TEST_ACCURACY, TEST_LOSS, NOISY_MEMORIZED_FRACTION,
      EPOCH_TRAIN_ACCURACY, EPOCH_TRAIN_LOSS, EPOCH_FORGETTING_RATE, EPOCH_LEARNED_RATE, EPOCH_WRONG_LEARNED_RATE,
      EPOCH_FIT_PROGRESS,
      EPOCH_PREDICTION_FLIP_RATE);

  private IndicatorNames() {}
}
