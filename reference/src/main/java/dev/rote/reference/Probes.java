package dev.rote.reference;

import java.util.ArrayList;
import java.util.List;

/** Which training examples a run's probe activations are taken on. */
final class Probes {

  private Probes() {}

  /**
   * The first {@code perClass} training examples of each class of {@code labels} (the reference
   * trainer passes the clean labels): class 0's first, then class 1's, and so on.
   */
  static int[] firstPerClass(int[] labels, int numClasses, int perClass) {
    int[] count = new int[numClasses];
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      if (count[labels[i]] < perClass) {
        byClass.get(labels[i]).add(i);
        count[labels[i]]++;
      }
    }
    return byClass.stream().flatMap(List::stream).mapToInt(Integer::intValue).toArray();
  }
}
