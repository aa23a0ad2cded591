package dev.rote.reference;

import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.data.NoisyLabels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.deeplearning4j.earlystopping.EarlyStoppingConfiguration;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.listener.EarlyStoppingListener;
import org.deeplearning4j.earlystopping.saver.InMemoryModelSaver;
import org.deeplearning4j.earlystopping.scorecalc.DataSetLossCalculator;
import org.deeplearning4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.deeplearning4j.earlystopping.termination.ScoreImprovementEpochTerminationCondition;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingGraphTrainer;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingTrainer;
import org.deeplearning4j.earlystopping.trainer.IEarlyStoppingTrainer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The baseline Rote is measured against: what a practitioner without clean validation data does.
 * A validation split is carved from the (noisy) training labels, and DL4J's
 * {@link EarlyStoppingTrainer} ({@link EarlyStoppingGraphTrainer} for a {@code ComputationGraph}) trains on the rest, stopping once the validation loss has not
 * improved for {@code patienceEpochs} epochs, and keeps the model of the best validation loss.
 *
 * <p>The network is the reference trainer's ({@link Networks#build}), its learning-rate schedule over
 * the baseline's own planned steps (epochs × steps per epoch of the training split). The split is
 * a shuffle of the training examples seeded with {@code options.seed()}; its last
 * {@code round(validationFraction * n)} examples, with their noisy labels, are the validation set.
 * Training uses {@code options.batchSize()} and a fresh seeded order each epoch, for at most
 * {@code options.epochs()} epochs. After each epoch the model's clean test accuracy is measured (it
 * plays no part in stopping) to show what the stop cost.
 */
public final class BaselineTrainer {

  /**
   * How the baseline ended. Steps count mini-batches: an epoch is {@code ceil(train split / batch
   * size)} steps, and epoch {@code e} (1-based) ends at step {@code e * stepsPerEpoch}.
   *
   * @param epochsTrained epochs completed
   * @param bestEpoch DL4J's 0-based index of the epoch of lowest validation loss
   * @param stopStep step at which training stopped: {@code epochsTrained * stepsPerEpoch}
   * @param bestStep step of the kept model: {@code (bestEpoch + 1) * stepsPerEpoch}
   * @param testAccAtStop clean test accuracy of the model after the last epoch trained
   * @param bestModelTestAcc clean test accuracy of the kept model (lowest validation loss)
   * @param bestTestAccSeen highest clean test accuracy after any epoch
   * @param testAccuracyByEpoch per epoch: {@code {epoch (1-based), step, clean test accuracy}}
   * @param terminationReason DL4J's termination reason, e.g. {@code EpochTerminationCondition}
   * @param terminationDetails the condition that ended training, as DL4J describes it
   */
  public record Result(int epochsTrained, int bestEpoch, long stopStep, long bestStep, double testAccAtStop,
      double bestModelTestAcc, double bestTestAccSeen, List<double[]> testAccuracyByEpoch,
      String terminationReason, String terminationDetails) {

    public Result {
      testAccuracyByEpoch = testAccuracyByEpoch.stream().map(double[]::clone).toList();
    }

    /** Whether patience on validation loss ended training, rather than the epoch limit. */
    public boolean stoppedEarly() {
      return terminationDetails != null && terminationDetails.contains("ScoreImprovementEpochTerminationCondition");
    }
  }

  private static final int EVAL_BATCH = 1000;

  private final TrainOptions options;
  private final IdxDataset data;
  private final NoisyLabels labels;
  private final int patienceEpochs;
  private final int[] trainSplit;
  private final int[] validationSplit;

  /**
   * @param data the dataset, already cut to {@code --train-size}
   * @param labels the noisy training labels, one per training example
   * @param validationFraction share of the training examples held out for validation, in (0, 1)
   * @param patienceEpochs epochs without a lower validation loss before stopping; >= 1
   */
  public BaselineTrainer(TrainOptions options, IdxDataset data, NoisyLabels labels, double validationFraction,
      int patienceEpochs) {
    this.options = Objects.requireNonNull(options, "options");
    this.data = Objects.requireNonNull(data, "data");
    this.labels = Objects.requireNonNull(labels, "labels");
    int n = data.trainSize();
    if (labels.labels().length != n) {
      throw new IllegalArgumentException("labels cover " + labels.labels().length
          + " examples, the dataset has " + n + " training examples");
    }
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("validationFraction must be in (0, 1), was " + validationFraction);
    }
    if (patienceEpochs < 1) {
      throw new IllegalArgumentException("patienceEpochs must be >= 1, was " + patienceEpochs);
    }
    int v = (int) Math.round(validationFraction * n);
    if (v < 1 || v > n - 1) {
      throw new IllegalArgumentException("validationFraction " + validationFraction + " of " + n
          + " training examples leaves a split empty");
    }
    this.patienceEpochs = patienceEpochs;
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    Batches.shuffle(order, new SplittableRandom(options.seed()));
    this.trainSplit = Arrays.copyOfRange(order, 0, n - v);
    this.validationSplit = Arrays.copyOfRange(order, n - v, n);
  }

  /** Mini-batches per epoch: {@code ceil(train split / batch size)}. */
  public int stepsPerEpoch() {
    return (trainSplit.length + options.batchSize() - 1) / options.batchSize();
  }

  /** Trains without progress output. */
  public Result run() {
    return run(null);
  }

  /**
   * Trains until the validation loss stops improving or the epochs run out.
   *
   * @param progress receives one line per epoch; may be null
   * @throws IllegalStateException when DL4J ends training on an error
   */
  public Result run(Consumer<String> progress) {
    long plannedSteps = (long) options.epochs() * stepsPerEpoch();
    Model net = Networks.build(options, ReferenceTrainer.shapeOf(data), plannedSteps);
    if (net instanceof ComputationGraph graph) {
      return train(graph, progress, (config, train, listener) -> new EarlyStoppingGraphTrainer(config, graph, train,
          listener));
    }
    MultiLayerNetwork mln = (MultiLayerNetwork) net;
    return train(mln, progress, (config, train, listener) -> new EarlyStoppingTrainer(config, mln, train, listener));
  }

  /** DL4J's early-stopping trainer for a kind of network: {@code EarlyStoppingTrainer} or {@code EarlyStoppingGraphTrainer}. */
  private interface TrainerFactory<M extends Model> {
    IEarlyStoppingTrainer<M> create(EarlyStoppingConfiguration<M> config, IndexBatches train,
        EarlyStoppingListener<M> listener);
  }

  private <M extends Model> Result train(M net, Consumer<String> progress, TrainerFactory<M> trainer) {
    long steps = stepsPerEpoch();
    int[] noisy = labels.labels();
    IndexBatches train = new IndexBatches(data, trainSplit, noisy, options.batchSize(), options.seed());
    IndexBatches validation = new IndexBatches(data, validationSplit, noisy, EVAL_BATCH, null);
    EarlyStoppingConfiguration<M> config = new EarlyStoppingConfiguration.Builder<M>()
        .epochTerminationConditions(new MaxEpochsTerminationCondition(options.epochs()),
            new ScoreImprovementEpochTerminationCondition(patienceEpochs))
        .scoreCalculator(new DataSetLossCalculator(validation, true))
        .modelSaver(new InMemoryModelSaver<M>())
        .evaluateEveryNEpochs(1)
        .build();

    List<double[]> curve = new ArrayList<>();
    EarlyStoppingListener<M> listener = new EarlyStoppingListener<>() {
      @Override
      public void onStart(EarlyStoppingConfiguration<M> c, M model) {}

      @Override
      public void onEpoch(int epoch, double validationLoss, EarlyStoppingConfiguration<M> c, M model) {
        TestScore test = TestScore.of(model, data);
        long step = (epoch + 1L) * steps;
        curve.add(new double[] {epoch + 1, step, test.accuracy()});
        if (progress != null) {
          progress.accept(String.format(Locale.ROOT,
              "baseline epoch %d/%d step %d: validation loss %.4f, test accuracy %.4f, test loss %.4f",
              epoch + 1, options.epochs(), step, validationLoss, test.accuracy(), test.loss()));
        }
      }

      @Override
      public void onCompletion(EarlyStoppingResult<M> result) {}
    };

    EarlyStoppingResult<M> r = trainer.create(config, train, listener).fit();
    if (r.getTerminationReason() == EarlyStoppingResult.TerminationReason.Error || curve.isEmpty()) {
      throw new IllegalStateException("baseline training failed: " + r.getTerminationDetails());
    }
    int epochs = r.getTotalEpochs();
    int best = r.getBestModelEpoch();
    double bestSeen = curve.stream().mapToDouble(p -> p[2]).max().orElseThrow();
    return new Result(epochs, best, epochs * steps, (best + 1L) * steps, curve.get(curve.size() - 1)[2],
        TestScore.of(r.getBestModel(), data).accuracy(), bestSeen, curve, r.getTerminationReason().name(),
        r.getTerminationDetails());
  }

  /** The training split's example indices, in split order. */
  int[] trainExamples() {
    return trainSplit.clone();
  }

  /** The validation split's example indices, in split order. */
  int[] validationExamples() {
    return validationSplit.clone();
  }
}
