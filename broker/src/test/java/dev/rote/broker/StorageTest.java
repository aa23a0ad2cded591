package dev.rote.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StorageTest {

  @Test
  void shouldHandOutDistinctFreePortsForTheNodesOfOneCluster() {
    // A CI run once gave two nodes of a cluster the same port when ports were picked one at a time.
    int[] ports = Storage.freePorts(40);
    assertThat(ports).hasSize(40).doesNotHaveDuplicates();
    assertThat(java.util.Arrays.stream(ports).min().getAsInt()).isPositive();
  }
}
