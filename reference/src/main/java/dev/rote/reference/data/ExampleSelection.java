package dev.rote.reference.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files that carry a cleaned training set out of {@code ./rote suspects --export-clean} (and
 * {@code --export-relabel}), and their readers for the reference trainer ({@code ./rote train --keep-ids},
 * {@code --relabel}; {@link dev.rote.reference.TrainingSet}). Plain text, UTF-8; lines starting with
 * {@code #} are comments, blank lines are ignored.
 *
 * <ul>
 *   <li>Keep-ids file: one training-example id (its index in the training set) per line.
 *   <li>Relabel file: CSV {@code example_id,label,suggested_label[,score]} with that header; the
 *       trainer trains the example with {@code suggested_label} instead of its label.
 * </ul>
 */
public final class ExampleSelection {

  static final String RELABEL_HEADER = "example_id,label,suggested_label,score";

  private ExampleSelection() {}

  /** Writes the ids to keep, one per line, after the comment lines. */
  public static void writeKeepIds(Path file, long[] ids, List<String> comments) throws IOException {
    StringBuilder b = new StringBuilder();
    comments.forEach(c -> b.append("# ").append(c).append('\n'));
    for (long id : ids) {
      b.append(id).append('\n');
    }
    write(file, b);
  }

  /** Writes relabel suggestions: example id to {label, suggested label}, with each example's score. */
  public static void writeRelabels(Path file, Map<Long, int[]> labels, Map<Long, Double> scores, List<String> comments)
      throws IOException {
    StringBuilder b = new StringBuilder();
    comments.forEach(c -> b.append("# ").append(c).append('\n'));
    b.append(RELABEL_HEADER).append('\n');
    labels.forEach((id, l) -> b.append(id).append(',').append(l[0]).append(',').append(l[1]).append(',')
        .append(scores.getOrDefault(id, Double.NaN)).append('\n'));
    write(file, b);
  }

  private static void write(Path file, StringBuilder b) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, b, StandardCharsets.UTF_8);
  }

  /**
   * The ids of a keep-ids file, in file order, each in [0, trainSize).
   *
   * @throws DatasetException naming the file and line of anything else, a repeated id, or no ids
   */
  public static int[] readKeepIds(Path file, int trainSize) {
    List<Integer> ids = new ArrayList<>();
    boolean[] seen = new boolean[trainSize];
    forEachLine(file, (line, n) -> {
      int id = parseId(file, n, line, trainSize);
      if (seen[id]) {
        throw new DatasetException(file + " line " + n + ": example id " + id + " is listed twice");
      }
      seen[id] = true;
      ids.add(id);
    });
    if (ids.isEmpty()) {
      throw new DatasetException(file + ": lists no example ids to keep");
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * One line of a relabel file.
   *
   * @param label the label the example had in the run the file came from (-1 when the column is empty)
   * @param suggestedLabel the label to train it with
   * @param line the line number in the file, for messages
   */
  public record Relabel(int label, int suggestedLabel, int line) {}

  /**
   * The suggested labels of a relabel file: example id to its line, each id in [0, trainSize)
   * and each suggested label in [0, numClasses), in id order.
   *
   * @throws DatasetException naming the file and line of a malformed line, a repeated id, or no lines
   */
  public static Map<Integer, Relabel> readRelabels(Path file, int trainSize, int numClasses) {
    Map<Integer, Relabel> out = new TreeMap<>();
    boolean[] header = {false};
    forEachLine(file, (line, n) -> {
      if (!header[0]) {
        if (!line.replace(" ", "").startsWith("example_id,label,suggested_label")) {
          throw new DatasetException(file + " line " + n + ": expected the header '" + RELABEL_HEADER + "', was '"
              + line + "'");
        }
        header[0] = true;
        return;
      }
      String[] f = line.split(",");
      if (f.length < 3) {
        throw new DatasetException(file + " line " + n + ": expected example_id,label,suggested_label, was '" + line
            + "'");
      }
      int id = parseId(file, n, f[0].trim(), trainSize);
      int label = f[1].isBlank() ? -1 : parseClass(file, n, "label", f[1], numClasses);
      int suggested = parseClass(file, n, "suggested_label", f[2], numClasses);
      if (out.put(id, new Relabel(label, suggested, n)) != null) {
        throw new DatasetException(file + " line " + n + ": example id " + id + " is listed twice");
      }
    });
    if (!header[0]) {
      throw new DatasetException(file + ": is empty, expected the header '" + RELABEL_HEADER + "'");
    }
    return out;
  }

  private static int parseClass(Path file, int n, String column, String text, int numClasses) {
    int c;
    try {
      c = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      c = -1;
    }
    if (c < 0 || c >= numClasses) {
      throw new DatasetException(file + " line " + n + ": " + column + " must be a class in [0, " + numClasses
          + "), was '" + text.trim() + "'");
    }
    return c;
  }

  private interface LineHandler {
    void accept(String line, int number);
  }

  private static void forEachLine(Path file, LineHandler handler) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (!line.isEmpty() && !line.startsWith("#")) {
        handler.accept(line, i + 1);
      }
    }
  }

  private static int parseId(Path file, int n, String text, int trainSize) {
    long id;
    try {
      id = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new DatasetException(file + " line " + n + ": expected an example id, was '" + text + "'");
    }
    if (id < 0 || id >= trainSize) {
      throw new DatasetException(file + " line " + n + ": example id " + id + " is outside the training set [0, "
          + trainSize + ")");
    }
    return (int) id;
  }
}
