package dev.rote.reference.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An experiment matrix: cells of complete training settings, each run for its noise conditions and seeds,
 * with the step times its estimates come from. Read from YAML by {@link #load} (the format is in the
 * README and in {@code docs/matrix.yaml}), or made of one cell from command-line options.
 *
 * @param rulesDesignedOn which settings the stop rules under test were designed on, as the results page
 *     states it; empty when not said
 * @param cells the cells, names unique, in the order they run
 * @param timing measured step times, or null when none are known (then no estimates)
 */
public record Matrix(String rulesDesignedOn, List<MatrixCell> cells, StepTimes timing) {

  /** Training examples of a quick cell at most. */
  public static final int QUICK_TRAIN_SIZE = 500;
  /** Test examples of a quick cell at most. */
  public static final int QUICK_TEST_SIZE = 500;
  /** Epochs of a quick cell at most. */
  public static final int QUICK_EPOCHS = 2;

  public Matrix {
    Objects.requireNonNull(rulesDesignedOn, "rulesDesignedOn");
    cells = List.copyOf(cells);
    if (cells.isEmpty()) {
      throw new IllegalArgumentException("a matrix needs one or more cells");
    }
    Set<String> names = new HashSet<>();
    for (MatrixCell c : cells) {
      if (!names.add(c.name())) {
        throw new IllegalArgumentException("duplicate cell name " + c.name());
      }
    }
  }

  /**
   * Reads a matrix file.
   *
   * @throws MatrixException naming the file, the line and the field of what is wrong
   */
  public static Matrix load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MatrixException("cannot read matrix file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses matrix YAML; {@code source} names it in messages. */
  public static Matrix parse(String yaml, String source) {
    return MatrixFile.parse(yaml, source);
  }

  /** Every run, cell by cell. */
  public List<MatrixRun> runs() {
    return cells.stream().flatMap(c -> c.runs().stream()).toList();
  }

  /**
   * Only the named cells, in the matrix's order.
   *
   * @throws IllegalArgumentException naming a cell the matrix does not have
   */
  public Matrix select(List<String> names) {
    Set<String> wanted = new LinkedHashSet<>(names);
    for (String n : wanted) {
      if (cells.stream().noneMatch(c -> c.name().equals(n))) {
        throw new IllegalArgumentException("no cell named " + n + "; the cells are "
            + cells.stream().map(MatrixCell::name).toList());
      }
    }
    return new Matrix(rulesDesignedOn, cells.stream().filter(c -> wanted.contains(c.name())).toList(), timing);
  }

  /** Every cell reading its data from {@code dir} instead (another copy of the same data set). */
  public Matrix withData(java.nio.file.Path dir) {
    return new Matrix(rulesDesignedOn, cells.stream().map(c -> c.withData(dir)).toList(), timing);
  }

  /**
   * A quick variant for tests: every cell on at most {@value #QUICK_TRAIN_SIZE} training and
   * {@value #QUICK_TEST_SIZE} test examples, at most {@value #QUICK_EPOCHS} epochs, its first seed and one
   * noise condition (its first asymmetric one, else its first noisy one, else clean).
   */
  public Matrix quick() {
    List<MatrixCell> quick = new ArrayList<>();
    for (MatrixCell c : cells) {
      NoiseCondition n = c.noise().stream().filter(x -> x.mode() == dev.rote.reference.data.NoisyLabels.Mode.ASYMMETRIC)
          .findFirst().orElse(c.noise().stream().filter(NoiseCondition::noisy).findFirst().orElse(c.noise().get(0)));
      quick.add(c.with(c.trainSize() == 0 ? QUICK_TRAIN_SIZE : Math.min(c.trainSize(), QUICK_TRAIN_SIZE),
          c.testSize() == 0 ? QUICK_TEST_SIZE : Math.min(c.testSize(), QUICK_TEST_SIZE),
          Math.min(c.epochs(), QUICK_EPOCHS), List.of(n), List.of(c.seeds().get(0))));
    }
    return new Matrix(rulesDesignedOn, quick, timing);
  }
}
