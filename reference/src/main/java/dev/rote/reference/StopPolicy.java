package dev.rote.reference;

import dev.rote.contract.v1.StopSignal;
import dev.rote.reference.ReferenceTrainer.RestoreMeasure;
import dev.rote.reference.data.IdxDataset;
import dev.rote.trainer.Checkpoints;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;

/**
 * What the reference trainer does with a stop signal, as {@link StopOptions} say: measure the model
 * at the stop; when restoring, go back to the model of the restore policy (by default what the signal
 * recommends, as the trainer library restores it: the mean of the step checkpoints in its restore
 * window, else the checkpoint closest to its restore step), and measure the other policies
 * asked for on the side; save the model kept. Obeyed, the network itself is restored and saved; only
 * recorded (or when training goes on detached), copies are measured and the network is left as it is.
 */
final class StopPolicy {

  /** Epoch-end checkpoints held for epoch averages: more than any run here has epochs. */
  private static final int EPOCH_END_CAPACITY = 256;

  /**
   * @param stopStep last step trained when the signal arrived
   * @param accuracyAtStop clean test accuracy of the model at the stop
   * @param restoredStep step of the checkpoint restored (or measured), or -1
   * @param accuracyAtRestore clean test accuracy of that checkpoint, or NaN
   * @param accuracyAtAverage clean test accuracy of the averaged checkpoints, or NaN
   * @param measured every restore policy measured, the restored one included, in the order asked for
   */
  record Outcome(long stopStep, double accuracyAtStop, long restoredStep, double accuracyAtRestore,
      double accuracyAtAverage, List<RestoreMeasure> measured) {

    /** The clean test accuracy of the model the run keeps. */
    double accuracyKept(boolean obeyed) {
      if (!Double.isNaN(accuracyAtAverage) && obeyed) {
        return accuracyAtAverage;
      }
      return Double.isNaN(accuracyAtRestore) ? accuracyAtStop : accuracyAtRestore;
    }
  }

  private final StopOptions options;
  private final IdxDataset data;
  private final Checkpoints checkpoints;
  private final Checkpoints epochEnds;
  private final boolean keepEpochEnds;
  /** The trainer-library stores measured ({@link RestorePolicy.LibraryCheckpoints}), by policy. */
  private final Map<RestorePolicy, Checkpoints> libraryStores = new LinkedHashMap<>();

  StopPolicy(StopOptions options, IdxDataset data) {
    this.options = options;
    this.data = data;
    this.checkpoints = options.restore() ? new Checkpoints(options.checkpointEvery(), options.checkpointCapacity())
        : null;
    boolean epochs = options.restore() && Stream.concat(options.measured().stream(),
        Stream.of(options.restorePolicy())).anyMatch(p -> p instanceof RestorePolicy.EpochAverage
            || p instanceof RestorePolicy.SignalWindow);
    this.epochEnds = new Checkpoints(0, epochs ? EPOCH_END_CAPACITY : 1, true);
    this.keepEpochEnds = epochs;
    if (options.restore()) {
      options.measured().stream().filter(p -> p instanceof RestorePolicy.LibraryCheckpoints)
          .forEach(p -> libraryStores.put(p, ((RestorePolicy.LibraryCheckpoints) p).newStore()));
    }
  }

  /** Called after every training step: takes a checkpoint when restoring and one is due. */
  void afterStep(long step, Model net) {
    if (checkpoints != null) {
      checkpoints.onStep(step, net);
    }
    libraryStores.values().forEach(c -> c.onStep(step, net));
  }

  /** Called at the end of every epoch, {@code step} steps into the run: an epoch-end checkpoint when needed. */
  void afterEpoch(long step, Model net) {
    if (keepEpochEnds) {
      epochEnds.onEpochEnd(step, net);
    }
    libraryStores.values().forEach(c -> c.onEpochEnd(step, net));
  }

  /** Handles the run's stop signal, received after {@code step}. */
  Outcome onSignal(Model net, StopSignal signal, long step) {
    double atStop = TestScore.of(net, data).accuracy();
    boolean restoring = checkpoints != null && signal.hasRestoreStep();
    if (!restoring) {
      if (options.obey() && options.saveModel() != null) {
        Nets.save(net, options.saveModel());
      }
      return new Outcome(step, atStop, -1, Double.NaN, Double.NaN, List.of());
    }
    long r = signal.getRestoreStep();
    Map<String, Optional<RestorePolicy.Restored>> candidates = new LinkedHashMap<>();
    List<RestorePolicy> policies = new ArrayList<>(options.measured());
    RestorePolicy kept = options.restorePolicy();
    policies.add(0, new RestorePolicy.Closest());
    policies.add(kept);
    List<RestoreMeasure> measured = new ArrayList<>();
    Map<String, Double> accuracy = new LinkedHashMap<>();
    for (RestorePolicy p : policies) {
      if (candidates.containsKey(p.name())) {
        continue;
      }
      Optional<RestorePolicy.Restored> c = p.restore(libraryStores.getOrDefault(p, checkpoints), epochEnds, signal, net);
      candidates.put(p.name(), c);
      c.ifPresent(x -> {
        double acc = TestScore.of(x.model(), data).accuracy();
        accuracy.put(p.name(), acc);
        if (options.measured().contains(p) || p.equals(kept)) {
          measured.add(new RestoreMeasure(p.name(), acc, x.steps()));
        }
      });
    }
    var closest = candidates.get("closest");
    long restored = closest.map(c -> c.steps().get(0)).orElse(-1L);
    double atRestore = accuracy.getOrDefault("closest", Double.NaN);
    boolean averaged = kept instanceof RestorePolicy.StepAverage
        || kept instanceof RestorePolicy.SignalWindow w && w.averages(epochEnds, signal)
        || kept instanceof RestorePolicy.SignalWindowSteps w && w.averages(checkpoints, signal);
    double atAverage = averaged ? accuracy.getOrDefault(kept.name(), Double.NaN) : Double.NaN;
    Model keptModel = candidates.get(kept.name()).map(RestorePolicy.Restored::model).orElse(net);
    if (options.obey() && !options.continueAfterStop() && keptModel != net) {
      // Parameters and updater state of the closest checkpoint, as the trainer library restores; an
      // average then replaces the parameters (the library keeps the closest one's updater state too).
      checkpoints.restore(net, r);
      if (averaged) {
        net.setParams(keptModel.params());
      }
      keptModel = net;
    }
    if (options.obey() && options.saveModel() != null) {
      Nets.save(keptModel, options.saveModel());
    }
    return new Outcome(step, atStop, restored, atRestore, atAverage, measured);
  }
}
