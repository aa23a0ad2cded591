package dev.rote.reference;

import dev.rote.contract.v1.StopSignal;
import dev.rote.reference.data.IdxDataset;
import dev.rote.trainer.Checkpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * What the reference trainer does with a stop signal, as {@link StopOptions} say: measure the model
 * at the stop; when restoring, go back to the checkpoint closest to the signal's restore step (or to
 * the average of the checkpoints around it); save the model kept. Obeyed, the network itself is
 * restored and saved; only recorded (or when training goes on detached), a copy is measured and the
 * network is left as it is.
 */
final class StopPolicy {

  /**
   * @param stopStep last step trained when the signal arrived
   * @param accuracyAtStop clean test accuracy of the model at the stop
   * @param restoredStep step of the checkpoint restored (or measured), or -1
   * @param accuracyAtRestore clean test accuracy of that checkpoint, or NaN
   * @param accuracyAtAverage clean test accuracy of the averaged checkpoints, or NaN
   */
  record Outcome(long stopStep, double accuracyAtStop, long restoredStep, double accuracyAtRestore,
      double accuracyAtAverage) {

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

  StopPolicy(StopOptions options, IdxDataset data) {
    this.options = options;
    this.data = data;
    this.checkpoints = options.restore() ? new Checkpoints(options.checkpointEvery(), options.checkpointCapacity())
        : null;
  }

  /** Called after every training step: takes a checkpoint when restoring and one is due. */
  void afterStep(long step, MultiLayerNetwork net) {
    if (checkpoints != null) {
      checkpoints.onStep(step, net);
    }
  }

  /** Handles the run's stop signal, received after {@code step}. */
  Outcome onSignal(MultiLayerNetwork net, StopSignal signal, long step) {
    double atStop = TestScore.of(net, data).accuracy();
    long restored = -1;
    double atRestore = Double.NaN;
    double atAverage = Double.NaN;
    MultiLayerNetwork kept = net;
    MultiLayerNetwork averaged = null;
    boolean restoring = checkpoints != null && signal.hasRestoreStep();
    if (restoring && options.averageRadius() > 0) {
      long r = signal.getRestoreStep();
      averaged = checkpoints.average(r - options.averageRadius(), r + options.averageRadius(), net).orElse(null);
      atAverage = averaged == null ? Double.NaN : TestScore.of(averaged, data).accuracy();
    }
    if (restoring && checkpoints.closest(signal.getRestoreStep()).isPresent()) {
      if (options.obey() && !options.continueAfterStop()) {
        restored = checkpoints.restore(net, signal.getRestoreStep());
      } else {
        restored = checkpoints.closest(signal.getRestoreStep()).getAsLong();
        kept = checkpoints.copyAt(restored, net);
      }
      atRestore = TestScore.of(kept, data).accuracy();
    }
    if (averaged != null && options.obey()) {
      if (options.continueAfterStop()) {
        kept = averaged;
      } else {
        net.setParams(averaged.params());
        kept = net;
      }
    }
    if (options.obey() && options.saveModel() != null) {
      save(kept);
    }
    return new Outcome(step, atStop, restored, atRestore, atAverage);
  }

  private void save(MultiLayerNetwork net) {
    try {
      ModelSerializer.writeModel(net, options.saveModel().toFile(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model to " + options.saveModel(), e);
    }
  }
}
