package dev.rote.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bounded in-memory checkpoints of a {@link MultiLayerNetwork} or {@link ComputationGraph}, taken
 * every {@code everySteps} training steps and, optionally, at the end of every epoch, so that a run
 * stopped by Rote can go back to the step a stop signal points at.
 *
 * <p>A checkpoint holds a copy of the flattened parameters and of the updater state. Memory: each
 * checkpoint holds (parameters + updater state) values of the network's data type, e.g. with Adam
 * (two state values per parameter) in float32 12 bytes per parameter: 8.0 MB for the reference MLP
 * 784-512-512-10 (669,706 parameters), so 257 MB at a capacity of 32. {@link #heldBytes()} says
 * what is held; {@link #bytesPerCheckpoint(Model)} what one checkpoint of a network costs.
 *
 * <p>At most {@code capacity} are held. When one more arrives, one is dropped by <em>thinning</em>:
 * among the checkpoints that are neither the oldest nor the newest, the one whose neighbours lie
 * closest together (the smallest gap left behind when it goes) is dropped, the earlier on ties;
 * step checkpoints go before epoch-end checkpoints, which go only when no interior step checkpoint
 * is left. Coverage of the whole run is kept: the first checkpoint always stays, recent steps are
 * dense and older ones grow sparser. (With a capacity of 1 only the newest is kept.)
 *
 * <p>A stop signal's restore window (one epoch either side of the restore step, for the built-in
 * rules) is restored as the mean of every checkpoint held in it ({@link #restoreAverage}). With the
 * defaults (8 per epoch, 32 held) it holds 3 to 6 checkpoints when the restore step lies several
 * epochs back in a run of up to 30 epochs of 24 to 469 steps, more when it lies closer to the stop
 * (the reference trainer, which keeps step checkpoints every 10 steps and 64 of them, averages 5 to 16
 * there); in a run of more epochs than the capacity only about one. Over 18 held-out stops the defaults
 * kept 100.1% of the best on average, the reference trainer's store 100.3% (docs/DETECTOR.md). A larger
 * capacity averages more points of the trajectory, at the memory above.
 *
 * <pre>{@code
 * Checkpoints checkpoints = Checkpoints.defaults();   // 8 per epoch (its end included), at most 32
 * net.addListeners(checkpoints.listener());          // or rote.restoreOnStop(checkpoints) before attach
 * // after a stop signal pointing at step s:
 * long restored = checkpoints.restore(net, s);
 * }</pre>
 *
 * <p>Restoring rewinds parameters and updater state only; the network's iteration and epoch
 * counters (and with them Adam's bias correction) keep their current values. Thread-safe.
 */
public final class Checkpoints {

  /** Step period of {@link #perEpoch} until the first epoch end is seen. */
  public static final int DEFAULT_EVERY_STEPS = 100;
  /** Checkpoints per epoch of {@link #defaults()}. */
  public static final int DEFAULT_PER_EPOCH = 8;
  /** Default capacity of {@link #defaults()}. */
  public static final int DEFAULT_CAPACITY = 32;

  private record Snapshot(INDArray params, INDArray updaterState, boolean epochEnd) {
    long bytes() {
      return bytes(params) + bytes(updaterState);
    }

    private static long bytes(INDArray a) {
      return a == null ? 0 : a.length() * a.dataType().width();
    }
  }

  private final int everySteps;
  private final int perEpoch;
  private final int capacity;
  private final boolean atEpochEnds;
  private final TreeMap<Long, Snapshot> held = new TreeMap<>();
  /** With {@code perEpoch}: the first step seen, the last epoch end, the step period learnt from the epochs. */
  private long firstStep = -1;
  private long lastEpochEnd = -1;
  private long perEpochEvery;

  /**
   * Step checkpoints only (no epoch-end checkpoints).
   *
   * @param everySteps take a checkpoint at each step that is a multiple of this; >= 1
   * @param capacity most checkpoints held at once; >= 1
   */
  public Checkpoints(int everySteps, int capacity) {
    this(everySteps, capacity, false);
  }

  /**
   * @param everySteps take a checkpoint at each step that is a multiple of this; 0 for none (then
   *     {@code atEpochEnds} must be true)
   * @param capacity most checkpoints held at once; >= 1
   * @param atEpochEnds also take one at the end of each epoch ({@link #onEpochEnd})
   */
  public Checkpoints(int everySteps, int capacity, boolean atEpochEnds) {
    this(everySteps, 0, capacity, atEpochEnds);
  }

  /** {@code perEpoch} 0 for none; {@link #perEpoch} checks its own. */
  private Checkpoints(int everySteps, int perEpoch, int capacity, boolean atEpochEnds) {
    if (everySteps < 0 || (everySteps == 0 && !atEpochEnds)) {
      throw new IllegalArgumentException("everySteps must be >= 1 (or 0 with epoch-end checkpoints), was "
          + everySteps);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.everySteps = everySteps;
    this.perEpoch = perEpoch;
    this.capacity = capacity;
    this.atEpochEnds = atEpochEnds;
  }

  /**
   * {@value #DEFAULT_PER_EPOCH} checkpoints per epoch, evenly spaced, its end included (every
   * {@value #DEFAULT_EVERY_STEPS} steps until the first epoch end is seen), at most
   * {@value #DEFAULT_CAPACITY} held: {@code perEpoch(8, 32)}. The same density along the trajectory
   * whatever the epoch's length in steps; until 2026-12-03 it was every 100 steps and each epoch end
   * (docs/DETECTOR.md, "The trainer library's checkpoints").
   */
  public static Checkpoints defaults() {
    return perEpoch(DEFAULT_PER_EPOCH, DEFAULT_CAPACITY);
  }

  /**
   * Every epoch end plus {@code perEpoch} evenly spaced checkpoints within each epoch, at most
   * {@code capacity} held: the same density along the trajectory whatever the epoch's length in steps.
   * The epoch's length is learnt from the epoch ends (the last one seen); until the first epoch end, and
   * in loops that have no epoch-end events, a checkpoint is taken every {@value #DEFAULT_EVERY_STEPS}
   * steps.
   *
   * @param perEpoch checkpoints per epoch, its end included; >= 1
   * @param capacity most checkpoints held at once; >= 1
   */
  public static Checkpoints perEpoch(int perEpoch, int capacity) {
    if (perEpoch < 1) {
      throw new IllegalArgumentException("perEpoch must be >= 1, was " + perEpoch);
    }
    return new Checkpoints(DEFAULT_EVERY_STEPS, perEpoch, capacity, true);
  }

  /**
   * A listener that checkpoints {@code net} after each step ({@code onStep} with the number of
   * steps taken) and at each epoch end; add it to the network itself.
   */
  public TrainingListener listener() {
    return new BaseTrainingListener() {
      @Override
      public void iterationDone(Model model, int iteration, int epoch) {
        onStep(iteration + 1L, model);
      }

      @Override
      public void onEpochEnd(Model model) {
        Checkpoints.this.onEpochEnd(stepsTaken(model), model);
      }
    };
  }

  /**
   * Takes a checkpoint of {@code net} when {@code step} is a multiple of {@code everySteps}, then
   * thins the held checkpoints down to the capacity. A step already held is replaced.
   *
   * @param step the number of training steps {@code net} has taken
   */
  public synchronized void onStep(long step, Model net) {
    if (firstStep < 0) {
      firstStep = step;
    }
    boolean due = perEpochEvery > 0 ? (step - lastEpochEnd) % perEpochEvery == 0
        : everySteps > 0 && step % everySteps == 0;
    if (due) {
      take(step, net, held.containsKey(step) && held.get(step).epochEnd());
    }
  }

  /**
   * Takes an epoch-end checkpoint (when configured) at {@code step}, the number of steps taken
   * when the epoch ended; a step already held is replaced and marked as an epoch end.
   */
  public synchronized void onEpochEnd(long step, Model net) {
    if (perEpoch > 0 && step > lastEpochEnd) {
      long start = lastEpochEnd >= 0 ? lastEpochEnd : firstStep >= 0 ? firstStep - 1 : 0;
      long length = step - start;
      perEpochEvery = length < 1 ? 0 : Math.max(1, Math.round((double) length / perEpoch));
      lastEpochEnd = step;
    }
    if (atEpochEnds && step > 0) {
      take(step, net, true);
    }
  }

  private void take(long step, Model net, boolean epochEnd) {
    INDArray state = updaterState(net, false);
    held.put(step, new Snapshot(net.params().dup(), state == null ? null : state.dup(), epochEnd));
    while (held.size() > capacity) {
      evictOne();
    }
  }

  /** The steps of the held checkpoints, oldest first. */
  public synchronized List<Long> steps() {
    return List.copyOf(held.keySet());
  }

  /** The steps of the held epoch-end checkpoints, oldest first. */
  public synchronized List<Long> epochEndSteps() {
    return held.entrySet().stream().filter(e -> e.getValue().epochEnd()).map(java.util.Map.Entry::getKey).toList();
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
  public synchronized long restore(Model net, long step) {
    long at = closest(step).orElseThrow(() -> new IllegalStateException("no checkpoint held"));
    Snapshot s = held.get(at);
    if (net.numParams() != s.params().length()) {
      throw new IllegalArgumentException("net has " + net.numParams() + " parameters, the checkpoint at step "
          + at + " has " + s.params().length());
    }
    net.setParams(s.params());
    if (s.updaterState() != null) {
      INDArray view = updaterState(net, true);
      if (view == null || view.length() != s.updaterState().length()) {
        throw new IllegalArgumentException("net's updater state does not match the checkpoint at step " + at);
      }
      view.assign(s.updaterState());
    }
    return at;
  }

  /**
   * A clone of {@code like} ({@code MultiLayerNetwork.clone()}, {@code ComputationGraph.clone()})
   * with the checkpoint closest to {@code step} restored; {@code like} itself is left as it is.
   *
   * @throws IllegalStateException when no checkpoint is held
   */
  public <M extends Model> M copyAt(long step, M like) {
    M copy = cloneOf(like);
    restore(copy, step);
    return copy;
  }

  /**
   * A clone of {@code like} whose parameters are the mean of the held checkpoints with steps in
   * {@code [fromStep, toStep]} (an average of weights along the trajectory, as in stochastic weight
   * averaging); empty when none is held there. {@code like} is left as it is.
   */
  public synchronized <M extends Model> Optional<M> average(long fromStep, long toStep, M like) {
    INDArray mean = meanParams(fromStep, toStep, like);
    if (mean == null) {
      return Optional.empty();
    }
    M copy = cloneOf(like);
    copy.setParams(mean);
    return Optional.of(copy);
  }

  /**
   * Restores into {@code net} the mean of the parameters of every checkpoint held with a step in
   * {@code [fromStep, toStep]}, step and epoch-end checkpoints alike, and the updater state of the
   * checkpoint closest to {@code step}: what a stop signal's restore window
   * ({@code restore_from_step}..{@code restore_to_step} around {@code restore_step}) recommends. The mean
   * of many nearby points of the trajectory is moved less by one checkpoint that swings than the mean of
   * the window's two or three epoch ends (docs/DETECTOR.md, "The restore"). Nothing changes when no
   * checkpoint is held in the range.
   *
   * @return the steps of the checkpoints averaged, oldest first; empty when none
   * @throws IllegalArgumentException when {@code net} has a different number of parameters
   */
  public synchronized List<Long> restoreAverage(Model net, long fromStep, long toStep, long step) {
    INDArray mean = meanParams(fromStep, toStep, net);
    if (mean == null) {
      return List.of();
    }
    restore(net, step); // the updater state (and, until overwritten below, the parameters) closest to the step
    net.setParams(mean);
    return List.copyOf(held.subMap(fromStep, true, toStep, true).keySet());
  }

  /**
   * The mean of the parameters of the checkpoints held with steps in {@code [fromStep, toStep]}; null
   * when none is held there.
   *
   * @throws IllegalArgumentException when one has a different number of parameters than {@code net}
   */
  private INDArray meanParams(long fromStep, long toStep, Model net) {
    var range = held.subMap(fromStep, true, toStep, true);
    INDArray sum = null;
    for (var e : range.entrySet()) {
      INDArray p = e.getValue().params();
      if (p.length() != net.numParams()) {
        throw new IllegalArgumentException("net has " + net.numParams() + " parameters, the checkpoint at step "
            + e.getKey() + " has " + p.length());
      }
      sum = sum == null ? p.dup() : sum.addi(p);
    }
    return sum == null ? null : sum.divi(range.size());
  }

  /** Bytes of parameter and updater-state data held. */
  public synchronized long heldBytes() {
    return held.values().stream().mapToLong(Snapshot::bytes).sum();
  }

  /** Bytes one checkpoint of {@code net} holds: its parameters and its updater state. */
  public static long bytesPerCheckpoint(Model net) {
    INDArray state = updaterState(net, false);
    long values = net.numParams() + (state == null ? 0 : state.length());
    return values * net.params().dataType().width();
  }

  /** Drops the interior checkpoint whose removal leaves the smallest gap (step checkpoints first), the earlier on ties. */
  private void evictOne() {
    List<Long> steps = new ArrayList<>(held.keySet());
    if (steps.size() < 3) {
      // Only with capacity 1: there is no interior checkpoint; keep the newest.
      held.pollFirstEntry();
      return;
    }
    boolean anyStep = false;
    for (int i = 1; i < steps.size() - 1 && !anyStep; i++) {
      anyStep = !held.get(steps.get(i)).epochEnd();
    }
    int drop = -1;
    long smallest = Long.MAX_VALUE;
    for (int i = 1; i < steps.size() - 1; i++) {
      if (anyStep && held.get(steps.get(i)).epochEnd()) {
        continue;
      }
      long gap = steps.get(i + 1) - steps.get(i - 1);
      if (gap < smallest) {
        smallest = gap;
        drop = i;
      }
    }
    held.remove(steps.get(drop));
  }

  /** The network's updater state view, created when {@code create} and the network has no updater yet. */
  private static INDArray updaterState(Model net, boolean create) {
    if (net instanceof MultiLayerNetwork mln) {
      Updater u = mln.getUpdater(create);
      return u == null ? null : u.getStateViewArray();
    }
    if (net instanceof ComputationGraph graph) {
      var u = graph.getUpdater(create);
      return u == null ? null : u.getStateViewArray();
    }
    throw new IllegalArgumentException("checkpoints hold a MultiLayerNetwork or a ComputationGraph, not a "
        + net.getClass().getName());
  }

  @SuppressWarnings("unchecked")
  private static <M extends Model> M cloneOf(M like) {
    if (like instanceof MultiLayerNetwork mln) {
      return (M) mln.clone();
    }
    if (like instanceof ComputationGraph graph) {
      return (M) graph.clone();
    }
    throw new IllegalArgumentException("checkpoints hold a MultiLayerNetwork or a ComputationGraph, not a "
        + like.getClass().getName());
  }

  private static long stepsTaken(Model model) {
    if (model instanceof MultiLayerNetwork mln) {
      return mln.getIterationCount();
    }
    if (model instanceof ComputationGraph graph) {
      return graph.getIterationCount();
    }
    return 0;
  }

  @Override
  public synchronized String toString() {
    return "Checkpoints(every " + (perEpoch > 0 && perEpochEvery > 0 ? "1/" + perEpoch + " epoch"
        : everySteps == 0 ? "- steps" : everySteps + " steps")
        + (atEpochEnds ? " and epoch end" : "") + ", " + held.size() + "/" + capacity + " held: " + held.keySet()
        + ")";
  }
}
