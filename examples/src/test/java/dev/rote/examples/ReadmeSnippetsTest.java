package dev.rote.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's Java snippets are regions of the example sources, so they compile (and the examples'
 * tests run them). A snippet is announced by {@code <!-- from PATH, tag TAG -->} on the line before its
 * code block; the region lies between {@code // tag::TAG[]} and {@code // end::TAG[]} in PATH, and the
 * block holds it without its common indentation.
 */
class ReadmeSnippetsTest {

  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final Path SOURCES = Path.of("examples/src/main/java/dev/rote/examples");
  static final Pattern SNIPPET = Pattern.compile("<!-- from (\\S+), tag (\\S+) -->\\n```java\\n(.*?)```",
      Pattern.DOTALL);
  static final Pattern TAG = Pattern.compile("// tag::([a-z-]+)\\[]");

  /** The lines of {@code file} between the tag's markers, without their common indentation. */
  static String region(Path file, String tag) throws IOException {
    List<String> lines = Files.readAllLines(file);
    int start = lines.indexOf(lines.stream().filter(l -> l.trim().equals("// tag::" + tag + "[]")).findFirst()
        .orElseThrow(() -> new AssertionError(file + " has no tag " + tag)));
    List<String> body = new ArrayList<>();
    for (int i = start + 1; !lines.get(i).trim().equals("// end::" + tag + "[]"); i++) {
      body.add(lines.get(i));
    }
    int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min()
        .orElse(0);
    StringBuilder b = new StringBuilder();
    body.forEach(l -> b.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
    return b.toString();
  }

  @Test
  void shouldQuoteEveryTaggedRegionExactly() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher m = SNIPPET.matcher(readme);
    int snippets = 0;
    while (m.find()) {
      snippets++;
      String expected = region(ROOT.resolve(m.group(1)), m.group(2));
      assertThat(m.group(3)).as("README snippet %s of %s; it should read:%n%s", m.group(2), m.group(1), expected)
          .isEqualTo(expected);
    }
    assertThat(snippets).isGreaterThanOrEqualTo(6);
  }

  @Test
  void shouldShowEveryTaggedRegionOfTheExamplesInTheReadme() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Set<String> shown = new TreeSet<>();
    Matcher m = SNIPPET.matcher(readme);
    while (m.find()) {
      shown.add(m.group(1) + "#" + m.group(2));
    }
    Set<String> tagged = new TreeSet<>();
    try (Stream<Path> files = Files.list(ROOT.resolve(SOURCES))) {
      for (Path f : files.sorted().toList()) {
        Matcher t = TAG.matcher(Files.readString(f));
        while (t.find()) {
          tagged.add(SOURCES.resolve(f.getFileName()) + "#" + t.group(1));
        }
      }
    }
    assertThat(tagged).isNotEmpty();
    assertThat(shown).containsAll(tagged);
  }
}
