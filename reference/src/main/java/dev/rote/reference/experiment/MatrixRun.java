package dev.rote.reference.experiment;

/**
 * One training run of an experiment matrix: a cell's setting with one noise condition and one seed (of
 * weight initialization, shuffling and the noise alike).
 */
public record MatrixRun(MatrixCell cell, NoiseCondition noise, long seed) {

  /** The run's key in recorded results: {@code cell/noise/seed-N}, e.g. {@code central/asym40/seed-2}. */
  public String key() {
    return key(cell.name(), noise.key(), seed);
  }

  /** The key of a run of cell {@code cell}, noise key {@code noise} and seed {@code seed}. */
  public static String key(String cell, String noise, long seed) {
    return cell + "/" + noise + "/seed-" + seed;
  }

  /** For people: {@code central, asymmetric 40%, seed 2}. */
  public String label() {
    return cell.name() + ", " + noise.label() + ", seed " + seed;
  }
}
