package dev.rote.reference;

import dev.rote.reference.data.DatasetException;
import dev.rote.reference.data.ExampleSelection;
import dev.rote.reference.data.IdxDataset;
import dev.rote.reference.data.NoisyLabels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The training examples a reference run visits each epoch and the labels it trains them with.
 *
 * <p>Built in this order, so that the ids of a file exported from an earlier run ({@code ./rote
 * suspects --export-clean}, {@code --export-relabel}) name the same noisy examples: the label noise
 * of the options is applied to the whole training set first, exactly as in that run; then only the
 * ids of the keep-ids file are kept; then the relabel file's suggested labels replace the labels
 * of its ids. Examples keep their ids in the whole training set, so runs compare example by
 * example; {@link #idSpace()} is the size of that set and {@link #size()} the examples of one epoch.
 *
 * @param examples the ids trained each epoch, ascending
 * @param labels the training labels of every id in [0, idSpace), after the relabeling; {@code
 *     flipped} says which differ from the dataset's label (the ground truth the trainer publishes)
 * @param idSpace the size of the training set the ids index ({@code dataset.example_id_space})
 * @param selection the files it was selected with
 * @param relabeled labels the relabel file changed
 */
public record TrainingSet(int[] examples, NoisyLabels labels, int idSpace, Selection selection, int relabeled) {

  /**
   * Files that select and relabel a run's training examples (the options {@code --keep-ids} and
   * {@code --relabel}); either may be null.
   */
  public record Selection(Path keepIds, Path relabel) {

    /** Every example with its (noisy) label. */
    public static final Selection NONE = new Selection(null, null);

    /** Whether it selects or relabels anything. */
    public boolean any() {
      return keepIds != null || relabel != null;
    }
  }

  public TrainingSet {
    examples = examples.clone();
  }

  @Override
  public int[] examples() {
    return examples.clone();
  }

  /** Examples per epoch. */
  public int size() {
    return examples.length;
  }

  /** Whether the run trains on fewer examples than the training set holds. */
  public boolean subset() {
    return examples.length < idSpace;
  }

  /** Labels that differ from the dataset's among the examples trained. */
  public int flippedTrained() {
    boolean[] flipped = labels.flipped();
    return (int) Arrays.stream(examples).filter(i -> flipped[i]).count();
  }

  /**
   * The training set of {@code options} on {@code data} (already cut to {@code --train-size}): the
   * noisy labels of {@link ReferenceTrainer#labelsFor}, then the selection.
   *
   * @throws DatasetException naming the file and line of anything wrong in a file: a malformed line,
   *     an id outside the training set, a repeated id, a relabel line whose {@code label} is not the
   *     example's (noisy) label in this run (the file comes from a run with other data or noise
   *     options), or a relabeled id that the keep-ids file leaves out
   */
  public static TrainingSet of(TrainOptions options, IdxDataset data, Selection selection) {
    NoisyLabels noisy = ReferenceTrainer.labelsFor(options, data);
    int n = data.trainSize();
    int[] examples;
    if (selection.keepIds() != null) {
      examples = ExampleSelection.readKeepIds(selection.keepIds(), n);
      Arrays.sort(examples);
    } else {
      examples = new int[n];
      Arrays.setAll(examples, i -> i);
    }
    if (selection.relabel() == null) {
      return new TrainingSet(examples, noisy, n, selection, 0);
    }
    Map<Integer, ExampleSelection.Relabel> relabels =
        ExampleSelection.readRelabels(selection.relabel(), n, data.numClasses());
    int[] labels = noisy.labels();
    int changed = 0;
    for (Map.Entry<Integer, ExampleSelection.Relabel> e : relabels.entrySet()) {
      int id = e.getKey();
      ExampleSelection.Relabel r = e.getValue();
      if (r.label() >= 0 && r.label() != labels[id]) {
        throw new DatasetException(selection.relabel() + " line " + r.line() + ": example " + id + " has label "
            + labels[id] + " in this run, the file says " + r.label() + ": the file comes from a run with other "
            + "data or noise options (--data, --train-size, --label-noise, --noise-mode, --noise-seed)");
      }
      if (selection.keepIds() != null && Arrays.binarySearch(examples, id) < 0) {
        throw new DatasetException(selection.relabel() + " line " + r.line() + ": example " + id + " is relabeled but "
            + selection.keepIds() + " (--keep-ids) leaves it out");
      }
      changed += labels[id] != r.suggestedLabel() ? 1 : 0;
      labels[id] = r.suggestedLabel();
    }
    int[] clean = data.trainLabels();
    boolean[] flipped = new boolean[n];
    int count = 0;
    for (int i = 0; i < n; i++) {
      flipped[i] = labels[i] != clean[i];
      count += flipped[i] ? 1 : 0;
    }
    NoisyLabels relabeled = new NoisyLabels(labels, flipped, count, noisy.mode(), noisy.fraction(), noisy.seed(),
        noisy.pairs());
    return new TrainingSet(examples, relabeled, n, selection, changed);
  }

  /** Every example of {@code data} with the options' (noisy) labels. */
  public static TrainingSet of(TrainOptions options, IdxDataset data) {
    return of(options, data, Selection.NONE);
  }

  /** One line for a console: what the selection kept and changed; empty without one. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    if (selection.keepIds() != null) {
      b.append("kept ").append(examples.length).append(" of ").append(idSpace).append(" training examples (")
          .append(selection.keepIds()).append("), ").append(flippedTrained()).append(" of them with a flipped label");
    }
    if (selection.relabel() != null) {
      b.append(b.length() == 0 ? "" : "; ").append("relabeled ").append(relabeled).append(" examples (")
          .append(selection.relabel()).append("), ").append(flippedTrained())
          .append(" trained labels still differ from the data set's");
    }
    return b.toString();
  }
}
