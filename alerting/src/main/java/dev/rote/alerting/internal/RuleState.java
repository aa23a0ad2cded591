package dev.rote.alerting.internal;

/** Where one rule stands for one run. */
final class RuleState {
  double best;
  long bestStep = -1;
  int wait;
  long lastStep = -1;
  long evaluations;
  boolean fired;

  RuleState(double best) {
    this.best = best;
  }
}
