package dev.rote.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdTest {

  @Test
  void shouldGiveInstancesSharingAStateDirectoryDifferentIdsAndAReturningInstanceItsOldOne(@TempDir Path dir) {
    InstanceId first = InstanceId.acquire("analyzer", dir);
    InstanceId second = InstanceId.acquire("analyzer", dir);
    assertThat(first.id()).startsWith("rote-analyzer-").endsWith("-0");
    assertThat(second.id()).endsWith("-1").isNotEqualTo(first.id());
    first.close();
    try (InstanceId again = InstanceId.acquire("analyzer", dir)) {
      assertThat(again.id()).isEqualTo(first.id());
    }
    second.close();
  }

  @Test
  void shouldTellStateDirectoriesApart(@TempDir Path dir) {
    try (InstanceId a = InstanceId.acquire("alerting", dir.resolve("a"));
        InstanceId b = InstanceId.acquire("alerting", dir.resolve("b"))) {
      assertThat(a.id()).endsWith("-0").isNotEqualTo(b.id());
      assertThat(b.id()).endsWith("-0");
    }
  }

  @Test
  void shouldGiveEachInstanceAStreamsStateDirectoryOfItsOwnAndTheSameAfterARestart(@TempDir Path dir) {
    InstanceId first = InstanceId.acquire("analyzer", dir);
    try (InstanceId second = InstanceId.acquire("analyzer", dir)) {
      assertThat(first.stateDir()).isEqualTo(dir.toAbsolutePath().normalize().resolve("instance-0"));
      assertThat(second.stateDir()).isEqualTo(dir.toAbsolutePath().normalize().resolve("instance-1"));
      first.close();
      try (InstanceId again = InstanceId.acquire("analyzer", dir)) {
        assertThat(again.stateDir()).isEqualTo(first.stateDir());
      }
    }
  }
}
