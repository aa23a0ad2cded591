package dev.rote.reference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProbesTest {

  @Test
  void shouldTakeTheFirstExamplesOfEachClassByTrainingLabelInClassOrder() {
    int[] labels = {2, 0, 1, 0, 2, 0, 1, 2};
    assertThat(Probes.firstPerClass(labels, 3, 2)).containsExactly(1, 3, 2, 6, 0, 4);
    assertThat(Probes.firstPerClass(labels, 4, 1)).containsExactly(1, 2, 0);
  }
}
