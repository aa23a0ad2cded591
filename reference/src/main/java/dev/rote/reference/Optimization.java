package dev.rote.reference;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * How a reference model is optimized: the optimizer, its learning-rate schedule and the weight decay.
 * The learning rate itself is {@link TrainOptions#learningRate()}; {@link #defaultLearningRate} gives
 * the default per optimizer and model.
 *
 * <ul>
 *   <li>{@link Optimizer#ADAM}: DL4J's {@code Adam} (β₁ 0.9, β₂ 0.999, ε 1e-8). Default schedule none,
 *       weight decay 0.
 *   <li>{@link Optimizer#SGD}: SGD with Nesterov momentum {@value #MOMENTUM} (DL4J's {@code Nesterovs}),
 *       as CNNs are usually trained. Default schedule cosine, weight decay {@value #SGD_WEIGHT_DECAY}.
 * </ul>
 *
 * Schedules run over the planned steps T (epochs × steps per epoch) of the run:
 * {@link LrSchedule#COSINE} anneals from the learning rate to 0 along half a cosine
 * (lr·½(1 + cos(π·t/T))), {@link LrSchedule#STEP} multiplies it by 0.1 at 50% and again at 75% of T,
 * {@link LrSchedule#NONE} keeps it constant. Weight decay is DL4J's {@code weightDecay} (decoupled,
 * scaled by the learning rate), on weights only, not on biases or batch-norm parameters.
 *
 * @param optimizer the optimizer
 * @param schedule the learning-rate schedule
 * @param weightDecay the weight-decay coefficient, >= 0
 */
public record Optimization(Optimizer optimizer, LrSchedule schedule, double weightDecay) {

  /** Nesterov momentum of {@link Optimizer#SGD}. */
  public static final double MOMENTUM = 0.9;
  /** Default weight decay of {@link Optimizer#SGD}. */
  public static final double SGD_WEIGHT_DECAY = 5e-4;

  /** The optimizers ({@code --optimizer}). */
  public enum Optimizer {
    ADAM,
    SGD;

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the choices */
    public static Optimizer parse(String text) {
      return parseEnum(values(), Optimizer::cliName, "optimizer", text);
    }
  }

  /** The learning-rate schedules ({@code --lr-schedule}). */
  public enum LrSchedule {
    COSINE,
    STEP,
    NONE;

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the choices */
    public static LrSchedule parse(String text) {
      return parseEnum(values(), LrSchedule::cliName, "lr-schedule", text);
    }
  }

  public Optimization {
    if (optimizer == null || schedule == null) {
      throw new IllegalArgumentException("optimizer and schedule must not be null");
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be >= 0, was " + weightDecay);
    }
  }

  /** Adam, constant learning rate, no weight decay: the reference MLP's optimization so far. */
  public static Optimization adam() {
    return defaults(Optimizer.ADAM);
  }

  /** The optimizer with its default schedule and weight decay. */
  public static Optimization defaults(Optimizer optimizer) {
    return optimizer == Optimizer.SGD
        ? new Optimization(optimizer, LrSchedule.COSINE, SGD_WEIGHT_DECAY)
        : new Optimization(optimizer, LrSchedule.NONE, 0);
  }

  /**
   * The default learning rate of an optimizer for a model: Adam 3e-4 for the MLP (the setting the rules
   * were first designed on) and 1e-3 for the CNN and the ResNet; SGD 0.05 for every model.
   */
  public static double defaultLearningRate(Architecture model, Optimizer optimizer) {
    if (optimizer == Optimizer.SGD) {
      return 0.05;
    }
    return model == Architecture.MLP ? 3e-4 : 1e-3;
  }

  /** DL4J's updater for this optimization at {@code learningRate}, its schedule over {@code plannedSteps}. */
  public IUpdater updater(double learningRate, long plannedSteps) {
    ISchedule lr = schedule(learningRate, plannedSteps);
    return switch (optimizer) {
      case ADAM -> lr == null ? new Adam(learningRate) : new Adam(lr);
      case SGD -> lr == null ? new Nesterovs(learningRate, MOMENTUM) : new Nesterovs(lr, MOMENTUM);
    };
  }

  /** The schedule of the learning rate over {@code plannedSteps}, or null for a constant one. */
  ISchedule schedule(double learningRate, long plannedSteps) {
    int steps = (int) Math.max(1, Math.min(Integer.MAX_VALUE, plannedSteps));
    return switch (schedule) {
      case NONE -> null;
      case COSINE -> new CosineSchedule(learningRate, steps);
      case STEP -> {
        Map<Integer, Double> at = new TreeMap<>();
        at.put(0, learningRate);
        at.put(Math.max(1, steps / 2), learningRate * 0.1);
        at.put(Math.max(2, steps * 3 / 4), learningRate * 0.01);
        yield new MapSchedule(ScheduleType.ITERATION, at);
      }
    };
  }

  /** One line, e.g. {@code sgd (Nesterov 0.9), cosine, weight decay 5.0E-4}. */
  public String describe(double learningRate) {
    String name = optimizer == Optimizer.SGD ? "sgd (Nesterov " + MOMENTUM + ")" : "adam";
    return name + " " + learningRate + ", " + schedule.cliName() + " schedule"
        + (weightDecay > 0 ? ", weight decay " + weightDecay : "");
  }

  static <E extends Enum<E>> E parseEnum(E[] values, java.util.function.Function<E, String> name, String what,
      String text) {
    for (E e : values) {
      if (name.apply(e).equalsIgnoreCase(text == null ? "" : text.trim())) {
        return e;
      }
    }
    throw new IllegalArgumentException(what + " must be one of "
        + Arrays.stream(values).map(name).collect(Collectors.joining("|")) + ", was " + text);
  }
}
