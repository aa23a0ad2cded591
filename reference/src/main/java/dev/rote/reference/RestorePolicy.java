package dev.rote.reference;

import dev.rote.contract.v1.StopSignal;
import dev.rote.trainer.Checkpoints;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;

/**
 * Which model a stopped run goes back to, given the step a stop signal recommends and the checkpoints
 * held when the signal arrived (a real trainer has no others). The experiment measures several side by
 * side on every run; the trainer restores one.
 *
 * <ul>
 *   <li>{@link SignalWindowSteps} ({@code signal_window_steps}): what the signal recommends, as the
 *       trainer library restores it: the mean of the step checkpoints in the signal's restore window
 *       ({@code restore_from_step}..{@code restore_to_step}), else the step checkpoint closest to the
 *       restore step (the trainer's default since 2026-12-03). The scale-free form of
 *       {@code average_steps_R}: the window is the rule's {@code restore_average}, e.g. one epoch either
 *       side, whatever the epoch's length in steps.
 *   <li>{@link LibraryCheckpoints} ({@code library_S_C}, {@code library_eK_C}): the same window over the
 *       checkpoints a trainer-library user holds: every S steps (or K per epoch) and each epoch end, at
 *       most C ({@code library_100_32} is {@code Checkpoints.defaults()} until 2026-12-03). Measured only:
 *       it tells what a program that adds Rote keeps, beside the reference trainer's denser store.
 *   <li>{@link SignalWindow} ({@code signal_window}): the mean of the epoch-end checkpoints in the signal's
 *       restore window, else the step checkpoint closest to the restore step (the default until
 *       2026-12-03).
 *   <li>{@link Closest} ({@code closest}): the step checkpoint closest to the restore step.
 *   <li>{@link StepAverage} ({@code average_steps_R}): the parameter mean of the step checkpoints within R
 *       steps of it (stochastic weight averaging along the trajectory).
 *   <li>{@link EpochAverage} ({@code average_epochs_K}): the parameter mean of the K epoch-end checkpoints
 *       centered on the epoch end closest to it (fewer where the run has fewer on one side: before its
 *       first epoch, or after the last epoch ended before the signal). {@code average_epochs_1} is the
 *       closest epoch-end checkpoint itself.
 * </ul>
 *
 * Averages are over DL4J's flattened parameters, which for batch normalization include the running mean
 * and the running log10 standard deviation (DL4J's default {@code useLogStd}): an averaged batch-norm
 * model averages its running statistics too (the standard deviations geometrically), without a new pass
 * over the data.
 */
public sealed interface RestorePolicy permits RestorePolicy.Closest, RestorePolicy.StepAverage,
    RestorePolicy.EpochAverage, RestorePolicy.SignalWindow, RestorePolicy.StoreWindow {

  /** The name in results and on the command line, e.g. {@code average_epochs_3}. */
  String name();

  /**
   * The model this policy restores: a copy of {@code like} with the chosen parameters, and the steps of the
   * checkpoints it used; empty when none is held.
   *
   * @param steps the step checkpoints held
   * @param epochEnds the epoch-end checkpoints held
   */
  Optional<Restored> restore(Checkpoints steps, Checkpoints epochEnds, long restoreStep, Model like);

  /**
   * The model this policy restores for {@code signal}; the policies other than {@link SignalWindow}
   * read only its restore step.
   */
  default Optional<Restored> restore(Checkpoints steps, Checkpoints epochEnds, StopSignal signal, Model like) {
    return restore(steps, epochEnds, signal.getRestoreStep(), like);
  }

  /** A restored model and the steps of the checkpoints it came from. */
  record Restored(Model model, List<Long> steps) {}

  /** The step checkpoint closest to the restore step. */
  record Closest() implements RestorePolicy {
    @Override
    public String name() {
      return "closest";
    }

    @Override
    public Optional<Restored> restore(Checkpoints steps, Checkpoints epochEnds, long restoreStep, Model like) {
      var at = steps.closest(restoreStep);
      return at.isEmpty() ? Optional.empty()
          : Optional.of(new Restored(steps.copyAt(at.getAsLong(), like), List.of(at.getAsLong())));
    }
  }

  /**
   * The epoch ends of the signal's restore window: the mean of the epoch-end checkpoints with steps in
   * {@code restore_from_step}..{@code restore_to_step}; the step checkpoint closest to the restore step
   * when the signal has no window or no epoch-end checkpoint is held in it. (The trainer library
   * restored this until 2026-12-03; it now averages every checkpoint it holds in the window, as
   * {@link SignalWindowSteps} does.)
   */
  record SignalWindow() implements RestorePolicy {
    @Override
    public String name() {
      return "signal_window";
    }

    /** Whether {@code signal} has a window holding at least one of the epoch-end checkpoints. */
    public boolean averages(Checkpoints epochEnds, StopSignal signal) {
      return !inWindow(epochEnds, signal).isEmpty();
    }

    @Override
    public Optional<Restored> restore(Checkpoints steps, Checkpoints epochEnds, long restoreStep, Model like) {
      return new Closest().restore(steps, epochEnds, restoreStep, like);
    }

    @Override
    public Optional<Restored> restore(Checkpoints steps, Checkpoints epochEnds, StopSignal signal, Model like) {
      return windowMean(epochEnds, signal, like).or(() -> restore(steps, epochEnds, signal.getRestoreStep(), like));
    }
  }

  /**
   * The signal's restore window, as the trainer library restores it ({@code Checkpoints.restoreAverage}):
   * the mean of the step checkpoints with steps in {@code restore_from_step}..{@code restore_to_step};
   * the step checkpoint closest to the restore step when the signal has no window or no step checkpoint
   * is held in it. Where {@link SignalWindow} averages the two or three epoch ends of the window, this
   * averages every step checkpoint in it: a mean of many nearby points of the trajectory, which one
   * checkpoint that swings moves less (docs/DETECTOR.md, "The restore").
   */
  record SignalWindowSteps() implements StoreWindow {
    @Override
    public String name() {
      return "signal_window_steps";
    }

    /** Whether {@code signal} has a window holding at least one of the step checkpoints. */
    public boolean averages(Checkpoints steps, StopSignal signal) {
      return !inWindow(steps, signal).isEmpty();
    }
  }

  /**
   * The signal's restore window over a trainer library's checkpoint store (see {@link #newStore()}), as
   * {@code Checkpoints.restoreAverage} restores it: the mean of every checkpoint held in the window, else
   * the one closest to the restore step. {@link #restore} reads its store from {@code steps}.
   *
   * @param everySteps steps between step checkpoints, or 0 with {@code perEpoch}
   * @param perEpoch checkpoints per epoch, or 0 with {@code everySteps}
   * @param capacity most checkpoints held
   */
  record LibraryCheckpoints(int everySteps, int perEpoch, int capacity) implements StoreWindow {
    public LibraryCheckpoints {
      if ((everySteps > 0) == (perEpoch > 0) || everySteps < 0 || perEpoch < 0 || capacity < 1) {
        throw new IllegalArgumentException("a library store takes steps >= 1 or checkpoints per epoch >= 1, and a "
            + "capacity >= 1; was " + everySteps + ", " + perEpoch + ", " + capacity);
      }
    }

    /** The store a trainer-library user configured so holds. */
    public Checkpoints newStore() {
      return perEpoch > 0 ? Checkpoints.perEpoch(perEpoch, capacity) : new Checkpoints(everySteps, capacity, true);
    }

    @Override
    public String name() {
      return "library_" + (perEpoch > 0 ? "e" + perEpoch : everySteps + "") + "_" + capacity;
    }
  }

  /**
   * The signal's restore window over one checkpoint store (passed as {@code steps}): the mean of the
   * checkpoints held in it, else the one closest to the restore step.
   */
  sealed interface StoreWindow extends RestorePolicy permits SignalWindowSteps, LibraryCheckpoints {
    @Override
    default Optional<Restored> restore(Checkpoints steps, Checkpoints epochEnds, long restoreStep, Model like) {
      return new Closest().restore(steps, epochEnds, restoreStep, like);
    }

    @Override
    default Optional<Restored> restore(Checkpoints steps, Checkpoints epochEnds, StopSignal signal, Model like) {
      return windowMean(steps, signal, like).or(() -> restore(steps, epochEnds, signal.getRestoreStep(), like));
    }
  }

  /** The steps of the checkpoints of {@code held} in the signal's restore window; empty without a window. */
  private static List<Long> inWindow(Checkpoints held, StopSignal signal) {
    if (!signal.hasRestoreFromStep() || !signal.hasRestoreToStep()) {
      return List.of();
    }
    long from = signal.getRestoreFromStep();
    long to = signal.getRestoreToStep();
    return held.steps().stream().filter(s -> s >= from && s <= to).toList();
  }

  /** The mean of the checkpoints of {@code held} in the signal's restore window; empty when none is there. */
  private static Optional<Restored> windowMean(Checkpoints held, StopSignal signal, Model like) {
    List<Long> used = inWindow(held, signal);
    return used.isEmpty() ? Optional.empty()
        : held.average(signal.getRestoreFromStep(), signal.getRestoreToStep(), like).map(m -> new Restored(m, used));
  }

  /** The mean of the step checkpoints within {@code radius} steps of the restore step. */
  record StepAverage(int radius) implements RestorePolicy {
    public StepAverage {
      if (radius < 1) {
        throw new IllegalArgumentException("the step radius of an average must be >= 1, was " + radius);
      }
    }

    @Override
    public String name() {
      return "average_steps_" + radius;
    }

    @Override
    public Optional<Restored> restore(Checkpoints steps, Checkpoints epochEnds, long restoreStep, Model like) {
      long from = restoreStep - radius;
      long to = restoreStep + radius;
      List<Long> used = steps.steps().stream().filter(s -> s >= from && s <= to).toList();
      return steps.average(from, to, like).map(m -> new Restored(m, used));
    }
  }

  /** The mean of the {@code count} epoch-end checkpoints centered on the one closest to the restore step. */
  record EpochAverage(int count) implements RestorePolicy {
    public EpochAverage {
      if (count < 1 || count % 2 == 0) {
        throw new IllegalArgumentException("an epoch average takes an odd number >= 1 of checkpoints, was " + count);
      }
    }

    @Override
    public String name() {
      return "average_epochs_" + count;
    }

    @Override
    public Optional<Restored> restore(Checkpoints steps, Checkpoints epochEnds, long restoreStep, Model like) {
      List<Long> held = epochEnds.steps();
      var center = epochEnds.closest(restoreStep);
      if (center.isEmpty()) {
        return Optional.empty();
      }
      int i = held.indexOf(center.getAsLong());
      int half = count / 2;
      List<Long> used = held.subList(Math.max(0, i - half), Math.min(held.size(), i + half + 1));
      return epochEnds.average(used.get(0), used.get(used.size() - 1), like)
          .map(m -> new Restored(m, List.copyOf(used)));
    }
  }

  /**
   * The policy named {@code text}: {@code closest}, {@code signal_window}, {@code signal_window_steps},
   * {@code average_steps_R} or {@code average_epochs_K}.
   *
   * @throws IllegalArgumentException naming the forms
   */
  static RestorePolicy parse(String text) {
    String t = text == null ? "" : text.trim();
    try {
      if (t.equals("closest")) {
        return new Closest();
      }
      if (t.equals("signal_window")) {
        return new SignalWindow();
      }
      if (t.equals("signal_window_steps")) {
        return new SignalWindowSteps();
      }
      if (t.startsWith("average_steps_")) {
        return new StepAverage(Integer.parseInt(t.substring("average_steps_".length())));
      }
      if (t.startsWith("library_")) {
        String[] parts = t.substring("library_".length()).split("_", -1);
        if (parts.length == 2) {
          boolean perEpoch = parts[0].startsWith("e");
          int n = Integer.parseInt(perEpoch ? parts[0].substring(1) : parts[0]);
          return new LibraryCheckpoints(perEpoch ? 0 : n, perEpoch ? n : 0, Integer.parseInt(parts[1]));
        }
      }
      if (t.startsWith("average_epochs_")) {
        return new EpochAverage(Integer.parseInt(t.substring("average_epochs_".length())));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("restore policy must be signal_window, signal_window_steps, closest, "
        + "average_steps_R (R >= 1 steps), average_epochs_K (K odd), library_S_C or library_eK_C (a trainer "
        + "library's store: every S steps or K per epoch, at most C), was " + text);
  }

  /**
   * The policies the experiment measures by default: closest, the signal's window (its epoch ends, its
   * step checkpoints, and a trainer library's store: every 100 steps or 8 per epoch, 32 held), steps
   * within 80, 1, 3 and 5 epoch ends.
   */
  static List<RestorePolicy> experimentDefaults() {
    return List.of(new Closest(), new SignalWindow(), new SignalWindowSteps(), new LibraryCheckpoints(100, 0, 32),
        new LibraryCheckpoints(0, 8, 32), new StepAverage(80), new EpochAverage(1), new EpochAverage(3),
        new EpochAverage(5));
  }
}
