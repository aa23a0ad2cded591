package dev.rote.trainer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentIdsTest {

  @Test
  void shouldNumberDistinctRowsInFirstSeenOrderAndShareIdsOfEqualRows() {
    ContentIds ids = new ContentIds();
    float[] batch1 = {1f, 2f, 3f, /**/ 4f, 5f, 6f, /**/ 1f, 2f, 3f};
    float[] batch2 = {4f, 5f, 6f, /**/ 7f, 8f, 9f};
    assertThat(ids.ids(batch1, 3)).containsExactly(0, 1, 0);
    assertThat(ids.ids(batch2, 2)).containsExactly(1, 2);
    assertThat(ids.size()).isEqualTo(3);
  }

  @Test
  void shouldTellApartRowsThatDifferInOneBitOrInOrder() {
    ContentIds ids = new ContentIds();
    float x = 0.1f;
    float next = Math.nextUp(x);
    assertThat(ids.ids(new float[] {x, 1f, next, 1f, 1f, x, 0f, 1f, -0f, 1f}, 5)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void shouldKeepIdsStableWhileGrowing() {
    ContentIds ids = new ContentIds();
    List<Long> first = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      first.add(ids.ids(new float[] {i, i * 0.5f}, 1)[0]);
    }
    for (int i = 0; i < 5000; i++) {
      assertThat(ids.ids(new float[] {i, i * 0.5f}, 1)[0]).isEqualTo(first.get(i)).isEqualTo(i);
    }
  }
}
