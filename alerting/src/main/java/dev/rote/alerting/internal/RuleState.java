package dev.rote.alerting.internal;

/** Where one rule stands for one run. */
final class RuleState {
  /** Best (smoothed) value so far, or the baseline, or the worst possible value. */
  double best;
  /** Standard error of the best value; NaN when unknown (0 is used for a baseline). */
  double bestSe = Double.NaN;
  /** Step to restore for the best value: its own, or the middle of its smoothing window; -1 before one. */
  long bestStep = -1;
  /** The best value over the arming ratio's indicator at the best's step; NaN when unknown or none. */
  double bestRatio = Double.NaN;
  /** With an arming ratio over 3 evaluations: the sums of the values and of the divisors around the best. */
  double ratioNum = Double.NaN;
  double ratioDen = Double.NaN;
  /** With an arming ratio over 3 evaluations: the evaluation after the best is still to be added. */
  boolean ratioOpen;
  /** Step of the evaluation that set the best value; patience in steps counts from it. */
  long bestAt = -1;
  int wait;
  /** Evaluations in a row, up to the latest, more than the rebound off the best; 0 after a new best. */
  int above;
  /** Whether the rule's conditions held at one of those evaluations in a row. */
  boolean heldInStreak;
  /** Last step seen, evaluated or not: re-delivered or out-of-order values change nothing. */
  long lastStep = -1;
  long evaluations;
  boolean fired;
  /** Steps of the first and the latest evaluation. */
  long firstEvaluated = -1;
  long lastEvaluated = -1;
  /** The run's steps per epoch once a rule with epoch units resolved it; 0 before. */
  long stepsPerEpoch;
  /** The rule cannot evaluate this run (reported once): it never fires for it. */
  boolean broken;
  /** The last values, their standard errors and steps, oldest first, for the moving average. */
  double[] windowValues = new double[0];
  double[] windowSes = new double[0];
  long[] windowSteps = new long[0];

  RuleState(double best) {
    this.best = best;
  }

  /**
   * Adds one evaluation to the best's ratio window, when its value is finite and its divisor
   * positive and finite (a missing one leaves the evaluation out); updates {@link #bestRatio}.
   */
  void addToRatio(Double value, Double over) {
    if (value != null && over != null && Double.isFinite(value) && over > 0 && Double.isFinite(over)) {
      ratioNum += value;
      ratioDen += over;
    }
    bestRatio = ratioDen > 0 ? ratioNum / ratioDen : Double.NaN;
  }

  /** Adds a value to the window of the last {@code size} values; returns whether the window is full. */
  boolean push(double value, double se, long step, int size) {
    append(value, se, step, Math.max(0, windowValues.length + 1 - size));
    return windowValues.length == size;
  }

  /**
   * Adds a value to the window of the values less than {@code steps} steps before it (at least
   * itself), dropping older ones.
   */
  void pushWithin(double value, double se, long step, long steps) {
    int drop = 0;
    while (drop < windowSteps.length && step - windowSteps[drop] >= steps) {
      drop++;
    }
    append(value, se, step, drop);
  }

  /** Appends a value to the window after dropping its {@code drop} oldest values. */
  private void append(double value, double se, long step, int drop) {
    int n = windowValues.length - drop + 1;
    double[] values = new double[n];
    double[] ses = new double[n];
    long[] steps = new long[n];
    System.arraycopy(windowValues, drop, values, 0, n - 1);
    System.arraycopy(windowSes, drop, ses, 0, n - 1);
    System.arraycopy(windowSteps, drop, steps, 0, n - 1);
    values[n - 1] = value;
    ses[n - 1] = se;
    steps[n - 1] = step;
    windowValues = values;
    windowSes = ses;
    windowSteps = steps;
  }

  /** Step of the window's oldest value; -1 when empty. */
  long oldestStep() {
    return windowSteps.length == 0 ? -1 : windowSteps[0];
  }

  /** The mean of the window. */
  double mean() {
    double sum = 0;
    for (double v : windowValues) {
      sum += v;
    }
    return sum / windowValues.length;
  }

  /** Standard error of the window's mean, sqrt(Σ se²) / N, treating the values as independent; NaN if one is unknown. */
  double meanSe() {
    double squares = 0;
    for (double se : windowSes) {
      squares += se * se;
    }
    return Math.sqrt(squares) / windowSes.length;
  }

  /** The middle step of the window (the earlier of the two middles for an even size). */
  long middleStep() {
    return windowSteps[(windowSteps.length - 1) / 2];
  }
}
