package dev.rote.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.tools.StorageTool;
import org.slf4j.LoggerFactory;

/** Log directories and ports of the nodes Rote starts. */
final class Storage {

  private Storage() {}

  /** Whether {@code dir} holds a formatted KRaft log directory. */
  static boolean formatted(Path dir) {
    return Files.exists(dir.resolve("meta.properties"));
  }

  /** Formats {@code dir} for a node with these server properties, as {@code kafka-storage format} does. */
  static void format(Properties props, Path dir, String clusterId) throws IOException {
    Files.createDirectories(dir);
    Path cfg = Files.createTempFile("rote-format-", ".properties");
    try (var out = Files.newOutputStream(cfg)) {
      props.store(out, "written by Rote to format a Kafka log directory");
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", cfg.toString()}, ps);
    } finally {
      Files.deleteIfExists(cfg);
    }
    if (rc != 0) {
      throw new IOException("formatting " + dir + " failed: " + buf.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * {@code n} distinct ports on 127.0.0.1 that were free a moment ago. They are held open together
   * while chosen, so the system cannot hand the same port out twice (one at a time it may: a port
   * closed a moment ago is free again, and two nodes given it could not both listen).
   */
  static int[] freePorts(int n) {
    java.util.List<ServerSocket> open = new java.util.ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        open.add(s);
        s.setReuseAddress(true);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    } finally {
      for (ServerSocket s : open) {
        try {
          s.close();
        } catch (IOException e) {
          // closing a listening socket that never accepted: nothing to recover
        }
      }
    }
  }

  /** Deletes a directory tree; logs what it could not delete. */
  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LoggerFactory.getLogger(Storage.class).warn("could not delete {}: {}", dir, e.getMessage());
    }
  }
}
