package dev.rote.trainer;

import dev.rote.contract.v1.StopSignal;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.deeplearning4j.earlystopping.termination.EpochTerminationCondition;
import org.deeplearning4j.earlystopping.termination.IterationTerminationCondition;
import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends DL4J's early-stopping training ({@code EarlyStoppingTrainer}, {@code EarlyStoppingGraphTrainer})
 * after a Rote stop signal arrived for the run. Register the same condition in both lists:
 *
 * <pre>{@code
 * RoteTerminationCondition rote = RoteTerminationCondition.of(telemetry);
 * EarlyStoppingConfiguration<MultiLayerNetwork> es = new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
 *     .iterationTerminationConditions(rote)
 *     .epochTerminationConditions(rote, new MaxEpochsTerminationCondition(100))
 *     ...
 *     .build();
 * new EarlyStoppingTrainer(es, net, telemetry.wrap(trainIterator)).fit();
 * }</pre>
 *
 * <p>As an iteration condition it ends training at the next iteration; as an epoch condition, at
 * the end of the epoch, after the epoch's score was computed. With a {@link RoteIterators} wrapper
 * (which ends the epoch at the next step after a signal) the epoch condition ends training right
 * there: the stop lands at the next step either way. The trainer then ends with termination reason
 * {@code IterationTerminationCondition} or {@code EpochTerminationCondition} and this condition's
 * {@link #toString()} (rule and reason of the signal) as its details.
 *
 * <p>DL4J 1.0.0-M2.1 reads the best model's score when an iteration condition fires, and there is
 * none before the first epoch's score was computed: it fails with a {@code NullPointerException}. So
 * the iteration role never fires during epoch 0 (the network's epoch count, which the trainer sets at
 * each epoch start, tells it) or before the epoch role has seen a scored epoch: a signal in epoch 0
 * ends training at the end of epoch 0 (epoch role) or at the first iteration of epoch 1. Without an
 * epoch source ({@link #RoteTerminationCondition(Supplier)}) only the epoch role tells it that a
 * scored epoch exists; register it in both lists.
 *
 * <p>The conditions are {@link java.io.Serializable}; the signal and epoch sources are not
 * serialized. A deserialized copy has no source and never fires; its {@code toString()} still names
 * the signal seen before serialization, if any.
 */
public final class RoteTerminationCondition implements IterationTerminationCondition, EpochTerminationCondition {

  private static final long serialVersionUID = 2L;
  private static final Logger log = LoggerFactory.getLogger(RoteTerminationCondition.class);

  private final transient Supplier<Optional<StopSignal>> signals;
  private final transient IntSupplier epoch;
  private transient volatile StopSignal signal;
  private transient volatile boolean scoredEpoch;
  private transient volatile boolean deferred;
  private volatile String description;

  /**
   * A condition without an epoch source: its iteration role waits until its epoch role has seen a
   * scored epoch.
   *
   * @param signals asked for the run's stop signal, e.g. {@code rote::stopSignal}
   */
  public RoteTerminationCondition(Supplier<Optional<StopSignal>> signals) {
    this(signals, null);
  }

  /**
   * @param signals asked for the run's stop signal, e.g. {@code rote::stopSignal}
   * @param epoch the trained network's epoch count, e.g. {@code net::getEpochCount}; may be null
   */
  public RoteTerminationCondition(Supplier<Optional<StopSignal>> signals, IntSupplier epoch) {
    this.signals = Objects.requireNonNull(signals, "signals");
    this.epoch = epoch;
  }

  /** A condition that fires on {@code rote}'s stop signal, with the epoch of the network it is attached to. */
  public static RoteTerminationCondition of(RoteTelemetry rote) {
    Objects.requireNonNull(rote, "rote");
    RoteTelemetryListener listener = rote.listener();
    return new RoteTerminationCondition(rote::stopSignal, () -> epochOf(listener.model()));
  }

  private static int epochOf(Model model) {
    if (model instanceof org.deeplearning4j.nn.multilayer.MultiLayerNetwork mln) {
      return mln.getEpochCount();
    }
    if (model instanceof org.deeplearning4j.nn.graph.ComputationGraph graph) {
      return graph.getEpochCount();
    }
    return -1;
  }

  /** Starts a training run: no epoch has been scored yet. A signal once received keeps the condition fired. */
  @Override
  public void initialize() {
    scoredEpoch = false;
  }

  /**
   * Iteration role: true once a stop signal is present and the trainer has a best model to return
   * (see the class comment); the score is not looked at.
   */
  @Override
  public boolean terminate(double lastMiniBatchScore) {
    if (!poll()) {
      return false;
    }
    int e = epoch == null ? -1 : epoch.getAsInt();
    if (scoredEpoch || e >= 1) {
      return true;
    }
    if (!deferred) {
      deferred = true;
      String how = epoch == null && !scoredEpoch
          ? "; this condition has no epoch source: it must also be an epoch termination condition, or use "
              + "RoteTerminationCondition.of(rote)" : "";
      log.warn("stop signal {} arrived in epoch 0: deferred to the end of the epoch (DL4J's early-stopping trainer "
          + "has no best model before the first epoch is scored){}", signal.getSignalId(), how);
      if (!how.isEmpty()) {
        System.err.println("[rote] WARNING: RoteTerminationCondition deferred stop signal " + signal.getSignalId()
            + " to the end of epoch 0" + how);
      }
    }
    return false;
  }

  /** Epoch role: true once a stop signal is present; the epoch's score exists by now. */
  @Override
  public boolean terminate(int epochNum, double score, boolean minimize) {
    scoredEpoch = true;
    return poll();
  }

  private boolean poll() {
    if (signal == null && signals != null) {
      signals.get().ifPresent(s -> {
        signal = s;
        description = s.getRule() + ": " + s.getReason() + " (signal " + s.getSignalId() + ")";
      });
    }
    return signal != null;
  }

  /** The stop signal that fired the condition, if one did. */
  public Optional<StopSignal> signal() {
    return Optional.ofNullable(signal);
  }

  /** Names the rule, e.g. {@code RoteTerminationCondition(stop signal from rule r: reason (signal id))}. */
  @Override
  public String toString() {
    String d = description;
    return "RoteTerminationCondition(" + (d == null ? "no stop signal" : "stop signal from rule " + d) + ")";
  }
}
