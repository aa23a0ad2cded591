package dev.rote.reference;

import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.StopSignal;
import dev.rote.reference.ReferenceTrainer.EpochReport;
import dev.rote.reference.ReferenceTrainer.Progress;
import dev.rote.reference.ReferenceTrainer.Result;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.data.NoisyLabels;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.RoteTelemetryListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One run of the reference trainer: epochs of shuffled mini-batches, instrumented by Rote's
 * listener, the clean test set measured after each epoch, and the run's stop signal looked for at
 * every step boundary and handed to the {@link StopPolicy}.
 */
final class TrainingLoop {

  /** Where the run stands with Rote. */
  private enum Phase {
    /** Instrumented and publishing; a signal only recorded (observe-only) keeps the run live. */
    LIVE,
    /** Stopped by an obeyed signal, training on without Rote only to measure the full run. */
    DETACHED,
    /** Stopped by an obeyed signal. */
    STOPPED
  }

  private final TrainOptions options;
  private final IdxDataset data;
  private final TrainingSet set;
  private final NoisyLabels labels;
  private final RoteTelemetry telemetry;
  private final StopOptions stopOptions;
  private final Progress progress;
  private final Model net;
  private final RoteTelemetryListener listener;
  private final StopPolicy policy;

  private Phase phase = Phase.LIVE;
  private long step;
  private long stoppedAtStep = -1;
  private Optional<StopSignal> signal = Optional.empty();
  private StopPolicy.Outcome outcome;
  private int epochsDone;
  private double last = Double.NaN;
  private double best = Double.NaN;
  private long bestStep = -1;
  private final List<double[]> curve = new ArrayList<>();

  TrainingLoop(TrainOptions options, IdxDataset data, TrainingSet set, RoteTelemetry telemetry,
      StopOptions stopOptions, Progress progress) {
    this.options = options;
    this.data = data;
    this.set = set;
    this.labels = set.labels();
    this.telemetry = telemetry;
    this.stopOptions = stopOptions;
    this.progress = progress;
    this.net = Networks.build(options, ReferenceTrainer.shapeOf(data),
        (long) options.epochs() * options.stepsPerEpoch(set.size()));
    this.listener = telemetry.listener();
    this.policy = new StopPolicy(stopOptions, data);
  }

  Result run() {
    net.addListeners(listener);
    // The probe set: the first examples trained of each true class; the trainer knows the clean labels, so
    // it sends them and the analyzer groups probe rows by true class (not by the noisy training label).
    int[] trained = set.examples();
    int[] probe = Batches.select(trained,
        Probes.firstPerClass(Batches.select(data.trainLabels(), trained), data.numClasses(), options.probePerClass()));
    listener.setProbeSet(Batches.features(data, true, probe), Batches.toLongs(probe),
        Batches.select(labels.labels(), probe), Batches.select(data.trainLabels(), probe));
    telemetry.publishRun(RunDescription.of(options, data, set, net, probe));
    listener.publishUntrainedProbes(net); // step 0: the untrained network's NMF, the control
    int[] order = trained; // example ids in the whole training set, so runs on a subset compare by id
    try {
      for (int epoch = 0; epoch < options.epochs() && phase != Phase.STOPPED; epoch++) {
        Batches.shuffleForEpoch(order, options.seed(), epoch);
        trainEpoch(epoch, order);
      }
    } catch (RuntimeException e) {
      if (phase == Phase.LIVE) { // after an obeyed stop the run's status is published already
        telemetry.finish(RunStatus.RUN_STATUS_FAILED, e.toString(), null);
      }
      throw e;
    }
    if (phase == Phase.LIVE) {
      telemetry.finish(RunStatus.RUN_STATUS_COMPLETED, "", null);
    }
    return result();
  }

  /** One epoch, unless an obeyed stop ends it (then the partial epoch is neither measured nor reported). */
  private void trainEpoch(int epoch, int[] order) {
    double lossSum = 0;
    int steps = 0;
    for (int from = 0; from < order.length; from += options.batchSize()) {
      if (outcome == null && (signal = telemetry.stopSignal()).isPresent()) {
        onSignal(signal.get());
        if (phase == Phase.STOPPED) {
          return;
        }
      }
      trainStep(Arrays.copyOfRange(order, from, Math.min(order.length, from + options.batchSize())));
      lossSum += net.score();
      steps++;
    }
    Nets.incrementEpochCount(net);
    if (phase == Phase.LIVE) {
      policy.afterEpoch(step, net);
    }
    TestScore score = TestScore.of(net, data);
    if (Double.isNaN(best) || score.accuracy() > best) {
      best = score.accuracy();
      bestStep = step;
    }
    curve.add(new double[] {step, score.accuracy()});
    if (phase == Phase.LIVE) {
      epochsDone = epoch + 1;
      last = score.accuracy();
      telemetry.publishEvaluation(step, epoch, "test", score.accuracy(), score.loss(), data.testSize());
    }
    progress.onEpoch(new EpochReport(epoch + 1, options.epochs(), step, steps == 0 ? Double.NaN : lossSum / steps,
        score.accuracy(), score.loss(), telemetry.sink().sent(), telemetry.sink().dropped(),
        phase == Phase.DETACHED));
  }

  private void onSignal(StopSignal s) {
    outcome = policy.onSignal(net, s, step);
    progress.onStop(s, step);
    if (!stopOptions.obey()) {
      return;
    }
    stoppedAtStep = step;
    telemetry.finish(RunStatus.RUN_STATUS_STOPPED, s.getRule() + ": " + s.getReason(),
        outcome.restoredStep() >= 0 ? outcome.restoredStep() : null);
    if (stopOptions.continueAfterStop()) {
      phase = Phase.DETACHED;
      net.setListeners(new ArrayList<org.deeplearning4j.optimize.api.TrainingListener>());
    } else {
      phase = Phase.STOPPED;
    }
  }

  private void trainStep(int[] batch) {
    INDArray x = Batches.features(data, true, batch);
    INDArray y = Batches.oneHot(Batches.select(labels.labels(), batch), data.numClasses());
    if (phase == Phase.DETACHED) {
      Nets.fit(net, x, y);
      step++;
      return;
    }
    listener.beginBatch(Batches.toLongs(batch), Batches.select(labels.flipped(), batch));
    Nets.fit(net, x, y); // the listener takes dL/dx from the step's own backward pass
    step = listener.lastStep();
    policy.afterStep(step, net);
  }

  private Result result() {
    boolean stopped = phase != Phase.LIVE;
    double fullRun = phase == Phase.DETACHED ? curve.get(curve.size() - 1)[1] : Double.NaN;
    double kept = stopped ? outcome.accuracyKept(stopOptions.obey()) : last;
    boolean handled = outcome != null;
    return new Result(stopped ? RunStatus.RUN_STATUS_STOPPED : RunStatus.RUN_STATUS_COMPLETED,
        stopped ? stoppedAtStep : step, epochsDone, kept, best, bestStep, curve,
        handled ? signal : Optional.empty(),
        handled ? outcome.stopStep() : -1, handled ? outcome.accuracyAtStop() : Double.NaN,
        handled ? outcome.restoredStep() : -1, handled ? outcome.accuracyAtRestore() : Double.NaN,
        fullRun, handled ? outcome.accuracyAtAverage() : Double.NaN,
        handled ? outcome.measured() : List.of());
  }
}
