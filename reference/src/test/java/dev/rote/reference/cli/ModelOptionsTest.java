package dev.rote.reference.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.reference.data.DatasetException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelOptionsTest {

  @Test
  void shouldSayHowToInstallTheDefaultDatasetWhenItIsMissing(@TempDir Path dir) {
    Path missingDefault = dir.resolve("fashion-mnist");
    assertThatThrownBy(() -> ModelOptions.loadDataset(missingDefault, missingDefault))
        .isInstanceOf(DatasetException.class)
        .hasMessage("Fashion-MNIST is missing: sudo apt-get install dataset-fashion-mnist (or pass --data DIR)");
  }

  @Test
  void shouldNameAMissingDirectoryGivenWithData(@TempDir Path dir) {
    Path other = dir.resolve("mine");
    assertThatThrownBy(() -> ModelOptions.loadDataset(other, dir.resolve("fashion-mnist")))
        .isInstanceOf(DatasetException.class)
        .hasMessage("dataset directory " + other + " (--data) does not exist or is not a directory");
  }
}
