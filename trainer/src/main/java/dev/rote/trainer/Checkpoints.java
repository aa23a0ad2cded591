package dev.rote.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bounded in-memory checkpoints of a {@link MultiLayerNetwork}, taken every {@code everySteps}
 * training steps, so that a run stopped by Rote can go back to the step a stop signal points at.
 *
 * <p>A checkpoint holds a copy of the flattened parameters and of the updater state (Adam's moment
 * estimates, for example). At most {@code capacity} are held. When one more arrives, one is
 * dropped by <em>thinning</em>: among the checkpoints that are neither the oldest nor the newest,
 * the one whose neighbours lie closest together (the smallest gap left behind when it goes) is
 * dropped, the earlier on ties. Coverage of the whole run is kept: the first checkpoint always
 * stays, recent steps are dense and older ones grow sparser, roughly evenly spaced. (With a
 * capacity of 1 only the newest is kept.)
 *
 * <pre>{@code
 * Checkpoints checkpoints = new Checkpoints(50, 20);
 * // after each step:
 * checkpoints.onStep(step, net);
 * // after a stop signal pointing at step s:
 * long restored = checkpoints.restore(net, s);
 * }</pre>
 *
 * <p>Restoring rewinds parameters and updater state only; the network's iteration and epoch
 * counters (and with them Adam's bias correction) keep their current values. Thread-safe.
 */
public final class Checkpoints {

  private record Snapshot(INDArray params, INDArray updaterState) {
    long bytes() {
      return bytes(params) + bytes(updaterState);
    }

    private static long bytes(INDArray a) {
      return a == null ? 0 : a.length() * a.dataType().width();
    }
  }

  private final int everySteps;
  private final int capacity;
  private final TreeMap<Long, Snapshot> held = new TreeMap<>();

  /**
   * @param everySteps take a checkpoint at each step that is a multiple of this; >= 1
   * @param capacity most checkpoints held at once; >= 1
   */
  public Checkpoints(int everySteps, int capacity) {
    if (everySteps < 1) {
      throw new IllegalArgumentException("everySteps must be >= 1, was " + everySteps);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.everySteps = everySteps;
    this.capacity = capacity;
  }

  /**
   * Takes a checkpoint of {@code net} when {@code step} is a multiple of {@code everySteps}, then
   * thins the held checkpoints down to the capacity. A step already held is replaced.
   *
   * @param step the number of training steps {@code net} has taken
   */
  public synchronized void onStep(long step, MultiLayerNetwork net) {
    if (step % everySteps != 0) {
      return;
    }
    Updater updater = net.getUpdater();
    INDArray state = updater == null ? null : updater.getStateViewArray();
    held.put(step, new Snapshot(net.params().dup(), state == null ? null : state.dup()));
    while (held.size() > capacity) {
      evictOne();
    }
  }

  /** The steps of the held checkpoints, oldest first. */
  public synchronized List<Long> steps() {
    return List.copyOf(held.keySet());
  }

  /** The held step closest to {@code step}, the earlier of two equally close; empty when none is held. */
  public synchronized OptionalLong closest(long step) {
    Long below = held.floorKey(step);
    Long above = held.ceilingKey(step);
    if (below == null && above == null) {
      return OptionalLong.empty();
    }
    if (below == null) {
      return OptionalLong.of(above);
    }
    if (above == null || step - below <= above - step) {
      return OptionalLong.of(below);
    }
    return OptionalLong.of(above);
  }

  /**
   * Restores into {@code net} the parameters and updater state of the checkpoint closest to
   * {@code step} (see {@link #closest(long)}).
   *
   * @return the step restored
   * @throws IllegalStateException when no checkpoint is held
   * @throws IllegalArgumentException when {@code net} has a different number of parameters
   */
  public synchronized long restore(MultiLayerNetwork net, long step) {
    long at = closest(step).orElseThrow(() -> new IllegalStateException("no checkpoint held"));
    Snapshot s = held.get(at);
    if (net.numParams() != s.params().length()) {
      throw new IllegalArgumentException("net has " + net.numParams() + " parameters, the checkpoint at step "
          + at + " has " + s.params().length());
    }
    net.setParams(s.params());
    if (s.updaterState() != null) {
      INDArray view = net.getUpdater().getStateViewArray();
      if (view == null || view.length() != s.updaterState().length()) {
        throw new IllegalArgumentException("net's updater state does not match the checkpoint at step " + at);
      }
      view.assign(s.updaterState());
    }
    return at;
  }

  /**
   * A clone of {@code like} ({@link MultiLayerNetwork#clone()}) with the checkpoint closest to
   * {@code step} restored; {@code like} itself is left as it is.
   *
   * @throws IllegalStateException when no checkpoint is held
   */
  public MultiLayerNetwork copyAt(long step, MultiLayerNetwork like) {
    MultiLayerNetwork copy = like.clone();
    restore(copy, step);
    return copy;
  }

  /**
   * A clone of {@code like} whose parameters are the mean of the held checkpoints with steps in
   * {@code [fromStep, toStep]} (an average of weights along the trajectory, as in stochastic weight
   * averaging); empty when none is held there. {@code like} is left as it is.
   */
  public synchronized java.util.Optional<MultiLayerNetwork> average(long fromStep, long toStep, MultiLayerNetwork like) {
    var range = held.subMap(fromStep, true, toStep, true);
    if (range.isEmpty()) {
      return java.util.Optional.empty();
    }
    INDArray sum = null;
    for (Snapshot s : range.values()) {
      sum = sum == null ? s.params().dup() : sum.addi(s.params());
    }
    MultiLayerNetwork copy = like.clone();
    copy.setParams(sum.divi(range.size()));
    return java.util.Optional.of(copy);
  }

  /** Bytes of parameter and updater-state data held. */
  public synchronized long heldBytes() {
    return held.values().stream().mapToLong(Snapshot::bytes).sum();
  }

  /** Drops the interior checkpoint whose removal leaves the smallest gap, the earlier on ties. */
  private void evictOne() {
    List<Long> steps = new ArrayList<>(held.keySet());
    if (steps.size() < 3) {
      // Only with capacity 1: there is no interior checkpoint; keep the newest.
      held.pollFirstEntry();
      return;
    }
    int drop = 1;
    long smallest = Long.MAX_VALUE;
    for (int i = 1; i < steps.size() - 1; i++) {
      long gap = steps.get(i + 1) - steps.get(i - 1);
      if (gap < smallest) {
        smallest = gap;
        drop = i;
      }
    }
    held.remove(steps.get(drop));
  }

  @Override
  public synchronized String toString() {
    return "Checkpoints(every " + everySteps + " steps, " + held.size() + "/" + capacity + " held: "
        + held.keySet() + ")";
  }
}
