package dev.rote.analyzer.math;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the keyword-per-line fixtures written by analyzer/tools/make_fixtures.py. */
final class Fixtures {

  record Line(String keyword, String[] values) {
    double[] doubles() {
      return Arrays.stream(values).mapToDouble(Double::parseDouble).toArray();
    }
  }

  private Fixtures() {}

  static List<Line> read(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      List<Line> lines = new ArrayList<>();
      for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (l.isBlank() || l.startsWith("#")) {
          continue;
        }
        String[] parts = l.trim().split(" ");
        lines.add(new Line(parts[0], Arrays.copyOfRange(parts, 1, parts.length)));
      }
      return lines;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
