package dev.rote.trainer;

import dev.rote.contract.v1.StopSignal;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.deeplearning4j.earlystopping.termination.IterationTerminationCondition;

/**
 * Ends DL4J's early-stopping training ({@code EarlyStoppingTrainer}) at the next iteration after a
 * Rote stop signal arrived for the run.
 *
 * <pre>{@code
 * EarlyStoppingConfiguration<MultiLayerNetwork> es = new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
 *     .iterationTerminationConditions(RoteTerminationCondition.of(rote))
 *     ...
 *     .build();
 * }</pre>
 *
 * <p>The trainer then ends with termination reason {@code IterationTerminationCondition} and this
 * condition's {@link #toString()} (rule and reason of the signal) as its details.
 *
 * <p>DL4J 1.0.0-M2.1 reads the best model's score when an iteration condition fires, so it fails
 * with a {@code NullPointerException} when the signal arrives before the end of the first epoch,
 * when no best model has been saved yet.
 *
 * <p>{@link IterationTerminationCondition} is {@link java.io.Serializable}; the signal source is
 * not serialized. A deserialized copy has no source and never fires; its {@code toString()} still
 * names the signal seen before serialization, if any.
 */
public final class RoteTerminationCondition implements IterationTerminationCondition {

  private static final long serialVersionUID = 1L;

  private final transient Supplier<Optional<StopSignal>> signals;
  private transient volatile StopSignal signal;
  private volatile String description;

  /**
   * @param signals asked once per iteration for the run's stop signal, e.g. {@code rote::stopSignal}
   */
  public RoteTerminationCondition(Supplier<Optional<StopSignal>> signals) {
    this.signals = Objects.requireNonNull(signals, "signals");
  }

  /** A condition that fires on {@code rote}'s stop signal. */
  public static RoteTerminationCondition of(RoteTelemetry rote) {
    Objects.requireNonNull(rote, "rote");
    return new RoteTerminationCondition(rote::stopSignal);
  }

  /** Nothing to reset: a signal once received keeps the condition fired. */
  @Override
  public void initialize() {}

  /** True once a stop signal is present; the score is not looked at. */
  @Override
  public boolean terminate(double lastMiniBatchScore) {
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
