package dev.rote.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;

/**
 * The stable identity of one service instance, its {@code group.instance.id} (Kafka's static
 * membership): an instance killed and restarted on the same host and state directory comes back as
 * the same member, gets its partitions back at once instead of after a rebalance, and the group
 * never waits for the dead member's session to expire.
 *
 * <p>The id is {@code rote-<service>-<host>-<state directory hash>-<slot>}. The slot is the first
 * of {@code rote-instance-<slot>.lock} in the state directory that this process can lock; the lock
 * is held until {@link #close()} (or the process dies), so instances sharing a state directory get
 * different ids, and a restarted one gets the slot its predecessor left.
 */
public final class InstanceId implements AutoCloseable {

  private static final int MAX_SLOTS = 64;

  private final String id;
  private final Path stateDir;
  private final FileChannel channel;
  private final FileLock lock;

  private InstanceId(String id, Path stateDir, FileChannel channel, FileLock lock) {
    this.id = id;
    this.stateDir = stateDir;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks the first free slot of {@code stateDir}.
   *
   * @param stateDir the instance's Kafka Streams state directory; null for Kafka Streams' default
   */
  public static InstanceId acquire(String service, Path stateDir) {
    Path dir = (stateDir != null ? stateDir : Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams"))
        .toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
      for (int slot = 0; slot < MAX_SLOTS; slot++) {
        FileChannel ch = FileChannel.open(dir.resolve("rote-instance-" + slot + ".lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock != null) {
          return new InstanceId("rote-" + service + "-" + host() + "-" + hash(dir) + "-" + slot,
              dir.resolve("instance-" + slot), ch, lock);
        }
        ch.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock an instance slot in " + dir + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException("more than " + MAX_SLOTS + " instances share the state directory " + dir);
  }

  /** The {@code group.instance.id} of this instance. */
  public String id() {
    return id;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "_");
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static String hash(Path dir) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest(dir.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The Kafka Streams state directory of this instance, {@code <state directory>/instance-<slot>}:
   * its own, so that Kafka Streams' lock on it never turns away another instance sharing the state
   * directory, and the same after a restart, so that the restarted instance keeps its process id
   * ({@link StableProcessId}).
   */
  public Path stateDir() {
    return stateDir;
  }

  /** Releases the slot. Idempotent. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } catch (IOException e) {
      // the lock goes with the channel
    }
  }
}
