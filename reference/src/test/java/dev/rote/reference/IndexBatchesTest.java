package dev.rote.reference;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.reference.data.IdxDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

class IndexBatchesTest {

  private static final int[] EXAMPLES = {3, 7, 1, 12, 5, 9, 0};

  @TempDir
  static Path dir;
  static IdxDataset data;
  static int[] labels;

  @BeforeAll
  static void writeData() throws Exception {
    data = IdxDataset.load(SyntheticIdx.write(dir, 14, 2, 3, 2), 3);
    labels = new int[14];
    Arrays.setAll(labels, i -> (i * 7 + 1) % 3);
  }

  /** The examples one epoch visits, found by matching each feature row against the dataset's rows. */
  private static List<Integer> epoch(IndexBatches batches) {
    List<Integer> visited = new ArrayList<>();
    int d = data.inputSize();
    while (batches.hasNext()) {
      DataSet ds = batches.next();
      assertThat(ds.numExamples()).isLessThanOrEqualTo(3);
      float[] x = ds.getFeatures().dup('c').data().asFloat();
      float[] y = ds.getLabels().dup('c').data().asFloat();
      for (int r = 0; r < ds.numExamples(); r++) {
        float[] row = Arrays.copyOfRange(x, r * d, (r + 1) * d);
        int example = -1;
        for (int i = 0; i < data.trainSize(); i++) {
          float[] expected = new float[d];
          data.fillFeatures(true, new int[] {i}, expected);
          if (Arrays.equals(row, expected)) {
            example = i;
          }
        }
        float[] oneHot = new float[3];
        oneHot[labels[example]] = 1f;
        assertThat(Arrays.copyOfRange(y, r * 3, r * 3 + 3)).as("label of example %d", example).isEqualTo(oneHot);
        visited.add(example);
      }
    }
    return visited;
  }

  @Test
  void shouldVisitTheExamplesInOrderWhenNotShuffled() {
    IndexBatches batches = new IndexBatches(data, EXAMPLES, labels, 3, null);
    assertThat(epoch(batches)).containsExactly(3, 7, 1, 12, 5, 9, 0);
    batches.reset();
    assertThat(epoch(batches)).containsExactly(3, 7, 1, 12, 5, 9, 0);
  }

  @Test
  void shouldDrawAFreshSeededOrderEachEpoch() {
    IndexBatches batches = new IndexBatches(data, EXAMPLES, labels, 3, 5L);
    batches.reset();
    List<Integer> first = epoch(batches);
    batches.reset();
    List<Integer> second = epoch(batches);

    assertThat(first).containsExactlyInAnyOrder(3, 7, 1, 12, 5, 9, 0).isNotEqualTo(second);
    assertThat(second).containsExactlyInAnyOrder(3, 7, 1, 12, 5, 9, 0);
    IndexBatches again = new IndexBatches(data, EXAMPLES, labels, 3, 5L);
    assertThat(epoch(again)).as("a reset before any batch keeps epoch 0's order").isEqualTo(first);
    again.reset();
    assertThat(epoch(again)).isEqualTo(second);
  }
}
