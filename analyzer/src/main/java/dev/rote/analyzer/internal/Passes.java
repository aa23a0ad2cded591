package dev.rote.analyzer.internal;

import dev.rote.analyzer.math.StandardErrors;
import dev.rote.contract.IndicatorNames;
import dev.rote.contract.v1.Indicator;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The epoch-level ("pass") indicators of one run: per pass over the training data, counts from each
 * example's presentations (this presentation against the example's previous one), emitted once when
 * the pass closes, at its last step, with {@code Indicator.epoch} = the pass index (0-based).
 *
 * <p>A pass closes at whichever comes first:
 * <ul>
 *   <li>the trainer's epoch field advances (DL4J's {@code fit(iterator)} increments it): the pass
 *       closes at the last step of the old epoch;
 *   <li>before the first presentation of an id seen before (the first pass is over: every id so far
 *       was new), for trainers whose epoch field never advances;
 *   <li>after that, once the open pass holds as many presentations as there are distinct ids, at the
 *       presentation that completes it, so a full pass of a {@code fit(iterator)} run is emitted at
 *       its own last step rather than at the next epoch's first.
 * </ul>
 * Boundaries are per example, so a batch that straddles two passes splits between them. The
 * count rule assumes passes over a fixed set of ids, every batch summarized ({@code summary_every
 * 1}); with sampled summaries only the epoch field closes passes. A pass that presented fewer than
 * half of the distinct ids (its telemetry has a gap) closes without indicators.
 */
final class Passes {

  /** The indicators of one pass, in emission order: {@code epoch_prediction_flip_rate} last. */
  static final List<String> ORDER = IndicatorNames.EPOCH_ORDER;

  /** Passes over which {@code epoch_fit_progress} measures learning. */
  static final int FIT_SPAN = 3;

  int index;
  long presentations;
  long correct;
  double lossSum;
  double lossSquares;
  long withHistory;
  long flips;
  long forgets;
  long learned;
  /**
   * Presentations whose previous presentation was incorrect; -1 when not counted for the open pass
   * (a pass open in a state written before the count existed), so the pass publishes no
   * {@code epoch_wrong_learned_rate} rather than one over part of it.
   */
  long previousWrong;
  long lastStep;
  long lastTimeMs;
  /** A repeated id has been seen: the first pass is over, passes close by count. */
  boolean repeated;
  long distinct;
  /** Accuracy and presentations of the last {@link #FIT_SPAN} closed passes, oldest first. */
  final double[] recentAccuracy = new double[FIT_SPAN];
  final long[] recentPresentations = new long[FIT_SPAN];
  int closed;

  /** Called at a batch record whose epoch field is {@code epoch}, before its examples. */
  void onEpochField(int previousEpoch, int epoch, String runId, List<Indicator> out) {
    if (previousEpoch >= 0 && epoch > previousEpoch && presentations > 0) {
      close(runId, out);
    }
  }

  /**
   * Counts one presentation.
   *
   * @param repeat whether the example id was presented before (false without ids)
   * @param newId whether this is the id's first presentation (false without ids)
   * @param previousCorrect the previous presentation's correctness, or null when there was none
   */
  void present(String runId, long step, long timeMs, boolean newId, boolean repeat, boolean ok, double loss,
      int previous, int predicted, Boolean previousCorrect, List<Indicator> out) {
    if (repeat && !repeated) {
      repeated = true;
      if (presentations > 0) {
        close(runId, out);
      }
    }
    if (newId) {
      distinct++;
    }
    presentations++;
    correct += ok ? 1 : 0;
    lossSum += loss;
    lossSquares += loss * loss;
    if (previousCorrect != null) {
      withHistory++;
      flips += previous != predicted ? 1 : 0;
      forgets += previousCorrect && !ok ? 1 : 0;
      learned += !previousCorrect && ok ? 1 : 0;
      if (previousWrong >= 0) {
        previousWrong += previousCorrect ? 0 : 1;
      }
    }
    lastStep = step;
    lastTimeMs = timeMs;
    if (repeated && presentations >= distinct) {
      close(runId, out);
    }
  }

  private void close(String runId, List<Indicator> out) {
    if (presentations * 2 < distinct) {
      // An incomplete pass: most of its telemetry is missing (a gap after an outage, a replay that
      // starts mid-epoch). Its rates would rest on a fraction of the examples, with standard errors
      // that a stop rule judging in standard errors would keep as its reference; leave it out.
      index++;
      reset();
      return;
    }
    double accuracy = (double) correct / presentations;
    double accuracySe = StandardErrors.binomial(accuracy, presentations);
    out.add(value(runId, IndicatorNames.EPOCH_TRAIN_ACCURACY, accuracy, presentations, accuracySe));
    double meanLoss = lossSum / presentations;
    out.add(value(runId, IndicatorNames.EPOCH_TRAIN_LOSS, meanLoss, presentations,
        StandardErrors.mean(lossSum, lossSquares, presentations)));
    if (withHistory > 0) {
      double forgetting = (double) forgets / withHistory;
      out.add(value(runId, IndicatorNames.EPOCH_FORGETTING_RATE, forgetting, withHistory,
          StandardErrors.binomial(forgetting, withHistory)));
      double learning = (double) learned / withHistory;
      out.add(value(runId, IndicatorNames.EPOCH_LEARNED_RATE, learning, withHistory,
          StandardErrors.binomial(learning, withHistory)));
    }
    if (previousWrong > 0) {
      double wrongLearned = (double) learned / previousWrong;
      out.add(value(runId, IndicatorNames.EPOCH_WRONG_LEARNED_RATE, wrongLearned, previousWrong,
          StandardErrors.binomial(wrongLearned, previousWrong)));
    }
    if (closed >= FIT_SPAN) {
      out.add(fitProgress(runId, accuracy, accuracySe));
    }
    if (withHistory > 0) {
      double flipRate = (double) flips / withHistory;
      out.add(value(runId, IndicatorNames.EPOCH_PREDICTION_FLIP_RATE, flipRate, withHistory,
          StandardErrors.binomial(flipRate, withHistory)));
    }
    System.arraycopy(recentAccuracy, 1, recentAccuracy, 0, FIT_SPAN - 1);
    System.arraycopy(recentPresentations, 1, recentPresentations, 0, FIT_SPAN - 1);
    recentAccuracy[FIT_SPAN - 1] = accuracy;
    recentPresentations[FIT_SPAN - 1] = presentations;
    closed++;
    index++;
    reset();
  }

  private void reset() {
    presentations = 0;
    correct = 0;
    lossSum = 0;
    lossSquares = 0;
    withHistory = 0;
    flips = 0;
    forgets = 0;
    learned = 0;
    previousWrong = 0;
  }

  /**
   * (A_e - A_b) / (3 (1 - A_b)) with A_b the accuracy 3 passes earlier; 0 when A_b = 1 (nothing
   * left to learn). Standard error by the delta method, treating the two passes as independent.
   */
  private Indicator fitProgress(String runId, double accuracy, double accuracySe) {
    double base = recentAccuracy[0];
    if (base >= 1) {
      return value(runId, IndicatorNames.EPOCH_FIT_PROGRESS, 0, presentations, Double.NaN);
    }
    double left = FIT_SPAN * (1 - base);
    double progress = (accuracy - base) / left;
    double baseSe = StandardErrors.binomial(base, recentPresentations[0]);
    double dCurrent = 1 / left;
    double dBase = (accuracy - 1) / (left * (1 - base));
    double se = Math.sqrt(dCurrent * dCurrent * accuracySe * accuracySe + dBase * dBase * baseSe * baseSe);
    return value(runId, IndicatorNames.EPOCH_FIT_PROGRESS, progress, presentations, se);
  }

  private Indicator value(String runId, String name, double value, long n, double se) {
    return Indicators.indicator(runId, lastStep, index, lastTimeMs, name, null, null, value, n, se);
  }

  static final int BYTES = 4 + 8 * 6 + 8 * 2 + 8 * 2 + 1 + 8 + FIT_SPAN * 16 + 4 + 8;

  void write(ByteBuffer out) {
    out.putInt(index).putLong(presentations).putLong(correct).putLong(withHistory).putLong(flips).putLong(forgets)
        .putLong(learned).putDouble(lossSum).putDouble(lossSquares).putLong(lastStep).putLong(lastTimeMs)
        .put((byte) (repeated ? 1 : 0)).putLong(distinct);
    for (int i = 0; i < FIT_SPAN; i++) {
      out.putDouble(recentAccuracy[i]).putLong(recentPresentations[i]);
    }
    out.putInt(closed).putLong(previousWrong);
  }

  /**
   * @param withPreviousWrong whether the state holds {@link #previousWrong} (run state format 3 on);
   *     without it the open pass's count is unknown (-1) until the pass closes
   */
  static Passes read(ByteBuffer in, boolean withPreviousWrong) {
    Passes p = new Passes();
    p.index = in.getInt();
    p.presentations = in.getLong();
    p.correct = in.getLong();
    p.withHistory = in.getLong();
    p.flips = in.getLong();
    p.forgets = in.getLong();
    p.learned = in.getLong();
    p.lossSum = in.getDouble();
    p.lossSquares = in.getDouble();
    p.lastStep = in.getLong();
    p.lastTimeMs = in.getLong();
    p.repeated = in.get() != 0;
    p.distinct = in.getLong();
    for (int i = 0; i < FIT_SPAN; i++) {
      p.recentAccuracy[i] = in.getDouble();
      p.recentPresentations[i] = in.getLong();
    }
    p.closed = in.getInt();
    p.previousWrong = withPreviousWrong ? in.getLong() : -1;
    return p;
  }
}
