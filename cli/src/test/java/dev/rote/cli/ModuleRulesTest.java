package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/ARCHITECTURE.md, checked on the compiled classes of every module (with
 * ArchUnit) and, where the compiler inlines constants, on the sources.
 */
class ModuleRulesTest {

  static final Path ROOT = PrometheusDashboardsIntegrationTest.ROOT;

  /** What each module may import from the others (the rest of the table in docs/ARCHITECTURE.md). */
  static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
      Map.entry("contract", Set.of()),
      Map.entry("metrics", Set.of()),
      Map.entry("report", Set.of()),
      Map.entry("broker", Set.of("contract")),
      Map.entry("service", Set.of("contract", "metrics")),
      Map.entry("trainer", Set.of("contract", "metrics")),
      Map.entry("reference", Set.of("contract", "trainer")),
      Map.entry("examples", Set.of("contract", "trainer")),
      Map.entry("analyzer", Set.of("contract", "service")),
      Map.entry("alerting", Set.of("contract", "service")),
      Map.entry("replay", Set.of("contract", "analyzer", "alerting")),
      Map.entry("pipeline", Set.of("contract", "broker", "service", "analyzer", "alerting")),
      Map.entry("bench", Set.of("contract", "broker", "service", "metrics", "trainer", "reference", "analyzer",
          "alerting", "replay", "pipeline")),
      Map.entry("cli", Set.of("contract", "broker", "service", "metrics", "trainer", "reference", "examples",
          "analyzer", "alerting", "replay", "pipeline", "report", "bench")));

  private static final Pattern MODULE_DIR = Pattern.compile("/([a-z]+)/target/");
  private static final Pattern PACKAGE = Pattern.compile("^dev\\.rote\\.([a-z]+)(\\.|$)");

  private static JavaClasses classes;

  /** The production classes of every module, as the build compiled them into MODULE/target/classes. */
  @BeforeAll
  static void importClasses() throws IOException {
    List<Path> compiled = mainSources().stream().map(m -> m.resolve("target/classes")).toList();
    classes = new ClassFileImporter().importPaths(compiled);
  }

  /** The module a class was compiled in, from where its class file lies. */
  static String moduleOf(JavaClass c) {
    String uri = c.getSource().orElseThrow().getUri().toString();
    Matcher m = MODULE_DIR.matcher(uri);
    if (!m.find()) {
      throw new AssertionError("no module for " + c.getName() + " at " + uri);
    }
    return m.group(1);
  }

  /** The module a package belongs to: {@code dev.rote.MODULE...}, or null outside Rote. */
  static String moduleOfPackage(String packageName) {
    Matcher m = PACKAGE.matcher(packageName);
    return m.find() ? m.group(1) : null;
  }

  private static List<String> violations(java.util.function.Function<JavaClass, Stream<String>> rule) {
    List<String> out = new ArrayList<>();
    classes.forEach(c -> rule.apply(c).forEach(out::add));
    return out;
  }

  @Test
  void shouldImportEveryModule() {
    Set<String> modules = new TreeSet<>();
    classes.forEach(c -> modules.add(moduleOf(c)));
    assertThat(modules).containsExactlyInAnyOrderElementsOf(MAY_USE.keySet());
  }

  @Test
  void shouldKeepEveryClassInThePackagesOfItsModule() {
    assertThat(violations(c -> moduleOf(c).equals(moduleOfPackage(c.getPackageName())) ? Stream.empty()
        : Stream.of(c.getName() + " lies in module " + moduleOf(c)))).isEmpty();
  }

  @Test
  void shouldNotReachIntoAnotherModulesInternalPackage() {
    assertThat(violations(c -> c.getDirectDependenciesFromSelf().stream()
        .filter(d -> d.getTargetClass().getPackageName().matches("dev\\.rote\\.[a-z]+\\.internal(\\..*)?"))
        .filter(d -> !moduleOfPackage(d.getTargetClass().getPackageName()).equals(moduleOf(c)))
        .map(Dependency::getDescription))).isEmpty();
  }

  @Test
  void shouldUseOnlyTheModulesItsRulesAllow() {
    assertThat(violations(c -> c.getDirectDependenciesFromSelf().stream()
        .filter(d -> {
          String target = moduleOfPackage(d.getTargetClass().getPackageName());
          String self = moduleOf(c);
          return target != null && !target.equals(self) && !MAY_USE.get(self).contains(target);
        })
        .map(Dependency::getDescription))).isEmpty();
  }

  @Test
  void shouldKeepTheNumericsOnJavaUtil() {
    assertThat(violations(c -> !c.getPackageName().equals("dev.rote.analyzer.math") ? Stream.empty()
        : c.getDirectDependenciesFromSelf().stream()
            .filter(d -> !d.getTargetClass().getPackageName().matches(
                "java\\.lang(\\..*)?|java\\.util(\\..*)?|dev\\.rote\\.analyzer\\.math"))
            .map(Dependency::getDescription))).isEmpty();
  }

  @Test
  void shouldKeepBenchmarksInTheBenchModule() {
    assertThat(violations(c -> moduleOf(c).equals("bench") || !isBenchmark(c) ? Stream.empty()
        : Stream.of(c.getName() + " is a benchmark in module " + moduleOf(c)))).isEmpty();
    assertThat(classes.stream().filter(ModuleRulesTest::isBenchmark).map(ModuleRulesTest::moduleOf))
        .as("the benchmarks are found").contains("bench");
  }

  private static boolean isBenchmark(JavaClass c) {
    return c.getSimpleName().matches(".*Bench(mark)?")
        || c.getDirectDependenciesFromSelf().stream()
            .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("org.openjdk.jmh"));
  }

  /** Module directories with production sources, relative to the repository root. */
  private static List<Path> mainSources() throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT)) {
      return dirs.filter(d -> Files.isDirectory(d.resolve("src/main/java"))).sorted().toList();
    }
  }

  private static List<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Constants are inlined into the class files, so the sources are read too. */
  @Test
  void shouldNotNameAnotherModulesInternalPackageInTheSources() throws IOException {
    Pattern internal = Pattern.compile("dev\\.rote\\.([a-z]+)\\.internal");
    List<String> out = new ArrayList<>();
    for (Path module : mainSources()) {
      for (Path f : javaFiles(module.resolve("src/main/java"))) {
        Matcher m = internal.matcher(Files.readString(f));
        while (m.find()) {
          if (!m.group(1).equals(module.getFileName().toString())) {
            out.add(ROOT.relativize(f) + " names " + m.group());
          }
        }
      }
    }
    assertThat(mainSources()).hasSizeGreaterThanOrEqualTo(MAY_USE.size());
    assertThat(out).isEmpty();
  }

  @Test
  void shouldHaveNoBenchmarkSourcesUnderAnySrcMainButTheBenchModules() throws IOException {
    List<String> out = new ArrayList<>();
    for (Path module : mainSources()) {
      if (module.getFileName().toString().equals("bench")) {
        continue;
      }
      for (Path f : javaFiles(module.resolve("src/main/java"))) {
        String name = f.getFileName().toString();
        if (name.matches(".*Bench(mark)?\\.java") || Files.readString(f).contains("org.openjdk.jmh")) {
          out.add(ROOT.relativize(f).toString());
        }
      }
    }
    assertThat(out).isEmpty();
  }
}
