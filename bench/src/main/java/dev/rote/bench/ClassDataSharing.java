package dev.rote.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.jar.JarFile;

/**
 * A dynamic AppCDS archive (JDK 13+: {@code -XX:ArchiveClassesAtExit}, {@code -XX:SharedArchiveFile})
 * for a service's child JVM: the first start that ends cleanly writes the classes it loaded to an
 * archive, and later starts map them instead of loading and verifying them again, which takes about
 * a third off a service's start on these machines (docs/RELIABILITY.md), and a restart after a crash
 * is what a failover waits on.
 *
 * <p>The archive is keyed by the JVM, the main class and every jar of the class path (path, size,
 * modification time), so a changed jar gets a new archive; it lives in
 * {@code ${java.io.tmpdir}/rote-cds}, beside content-named copies of the jars a build writes (under a
 * {@code target} directory), which Maven packages anew on every run. A JVM writes to a file of its own and the archive is moved into
 * place only once that JVM has exited, so concurrent starts never read a half-written archive. CDS
 * takes only jars: directories are left off the child's class path when the main class is in a jar
 * (a test's or the command line's own classes, which a service never loads), and when it is not, the
 * child runs without an archive. {@code ROTE_CDS=off} in the environment turns it off.
 */
final class ClassDataSharing {

  /** Environment variable that turns the archive off when set to {@code off}. */
  static final String SWITCH = "ROTE_CDS";

  /** How one start uses the archive: its class path, its JVM options, what to do once it has exited. */
  record Start(String classpath, List<String> options, Path pending, Path archive) {
    /** After the JVM has exited: its archive, if it wrote a whole one, becomes the shared one. */
    void settle(boolean cleanExit) {
      if (pending == null) {
        return;
      }
      try {
        if (cleanExit && Files.size(pending) > 0 && !Files.exists(archive)) {
          Files.move(pending, archive, StandardCopyOption.ATOMIC_MOVE);
        }
      } catch (IOException e) {
        // no archive this time; the next clean exit writes one
      } finally {
        try {
          Files.deleteIfExists(pending);
        } catch (IOException e) {
          // left in the temporary directory
        }
      }
    }
  }

  private ClassDataSharing() {}

  /** Whether archives are used: unless {@code ROTE_CDS=off}. */
  static boolean enabled() {
    return !"off".equalsIgnoreCase(System.getenv(SWITCH));
  }

  /**
   * The class path and options of one start of {@code mainClass}: with the archive when one exists,
   * writing one at exit otherwise, or unchanged when CDS cannot be used.
   */
  static Start plan(String mainClass, String classpath, boolean enabled) {
    if (!enabled) {
      return new Start(classpath, List.of(), null, null);
    }
    List<String> jars = new ArrayList<>();
    boolean mainInJar = false;
    MessageDigest key = sha256();
    update(key, System.getProperty("java.home") + "|" + System.getProperty("java.vm.version") + "|" + mainClass);
    String entry = mainClass.replace('.', '/') + ".class";
    for (String p : classpath.split(File.pathSeparator)) {
      Path path = Path.of(p);
      if (p.isEmpty() || Files.isDirectory(path) || !Files.isRegularFile(path)) {
        continue;
      }
      try (JarFile jar = new JarFile(path.toFile())) {
        mainInJar |= jar.getEntry(entry) != null;
        Path stable = stable(path);
        update(key, stable + "|" + Files.size(stable) + "|" + Files.getLastModifiedTime(stable).toMillis());
        jars.add(stable.toString());
      } catch (IOException e) {
        return new Start(classpath, List.of(), null, null);
      }
    }
    if (!mainInJar) {
      return new Start(classpath, List.of(), null, null);
    }
    String name = mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-"
        + HexFormat.of().formatHex(key.digest(), 0, 8);
    Path archive = DIR.resolve(name + ".jsa");
    String cp = String.join(File.pathSeparator, jars);
    // The archive's own warnings (classes CDS cannot take) would only clutter the service's log.
    if (Files.isRegularFile(archive)) {
      return new Start(cp, List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
          null, archive);
    }
    try {
      Files.createDirectories(DIR);
    } catch (IOException e) {
      return new Start(classpath, List.of(), null, null);
    }
    Path pending = DIR.resolve(name + "-" + UUID.randomUUID() + ".tmp");
    return new Start(cp, List.of("-XX:ArchiveClassesAtExit=" + pending, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
        pending, archive);
  }

  private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "rote-cds");

  /**
   * {@code jar} itself, or when a build writes it ({@code .../target/...}: Maven packages the
   * project's jars anew on every run, and a JVM refuses an archive whose jars changed their time) a
   * copy named by its content, which stays the same while the content does.
   */
  private static Path stable(Path jar) throws IOException {
    if (!jar.toAbsolutePath().toString().contains(File.separator + "target" + File.separator)) {
      return jar;
    }
    byte[] bytes = Files.readAllBytes(jar);
    MessageDigest d = sha256();
    Path copy = DIR.resolve("jars").resolve(HexFormat.of().formatHex(d.digest(bytes), 0, 12) + "-" + jar.getFileName());
    if (!Files.isRegularFile(copy)) {
      Files.createDirectories(copy.getParent());
      Path tmp = copy.resolveSibling(copy.getFileName() + "." + UUID.randomUUID() + ".tmp");
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    return copy;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MessageDigest d, String s) {
    d.update(s.getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0);
  }
}
