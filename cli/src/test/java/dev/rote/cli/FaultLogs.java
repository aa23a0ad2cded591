package dev.rote.cli;

import dev.rote.bench.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a fault test keeps of its run for the record (docs/RELIABILITY.md): the logs of its service
 * processes and brokers, copied to {@code target/reliability/<test>-<time>/} whether it passed or
 * failed, and a timeline of its events in wall-clock time (the services' logs stamp their lines
 * {@code HH:mm:ss.SSS}), printed as one {@code RELIABILITY-TIMELINE} line.
 */
final class FaultLogs {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private final String test;
  private final List<String> events = new ArrayList<>();
  private long origin;

  FaultLogs(String test) {
    this.test = test;
  }

  /** Notes that {@code what} happened at {@code wallMs}; the first event is the timeline's origin. */
  synchronized FaultLogs at(String what, long wallMs) {
    if (wallMs <= 0) {
      events.add(what + " never");
      return this;
    }
    if (events.isEmpty()) {
      origin = wallMs;
    }
    events.add(String.format("%s %s (%+.1f s)", what,
        CLOCK.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(wallMs), ZoneId.systemDefault())),
        (wallMs - origin) / 1e3));
    return this;
  }

  /** Notes the spawn and the running of {@code p}'s latest start, if it completed. */
  synchronized FaultLogs started(String name, ServiceProcess p) {
    List<ServiceProcess.Start> starts = p.starts();
    if (starts.isEmpty()) {
      return at(name + " running", 0);
    }
    ServiceProcess.Start s = starts.get(starts.size() - 1);
    return at(name + " spawned", s.spawnedMs()).at(name + " running", s.runningMs());
  }

  /** Prints the timeline and copies every {@code *.log} under {@code dir} to the kept folder. */
  synchronized void keep(Path dir) {
    Path to = Path.of("target", "reliability", test + "-"
        + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now()));
    System.out.printf("RELIABILITY-TIMELINE %s: %s; logs in %s%n", test, String.join(", ", events),
        to.toAbsolutePath());
    try (Stream<Path> logs = Files.walk(dir)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log") && Files.isRegularFile(p)).toList()) {
        Path target = to.resolve(dir.relativize(log));
        Files.createDirectories(target.getParent());
        Files.copy(log, target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the logs of " + dir + ": " + e.getMessage(), e);
    }
  }
}
