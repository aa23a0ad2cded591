package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.contract.IndicatorNames;
import dev.rote.reference.cli.ModelOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real Fashion-MNIST through trainer, broker and analyzer: true labels against random labels.
 * The indicators must separate them in the directions the papers report.
 */
@Tag("integration")
class ReproductionIntegrationTest {

  @Test
  void shouldSeparateTrueFromRandomLabelsByGiniAndDeepLayerNonLinearity() throws Exception {
    Map<String, ReproduceCommand.Series> s = ReproduceCommand.run(Path.of(ModelOptions.DEFAULT_DATA), 1024, 4,
        new int[] {256, 256}, new PrintStream(PrintStream.nullOutputStream()));
    Map<String, Double> clean = s.get(ReproduceCommand.TRUE_RUN).byEpoch().lastEntry().getValue();
    Map<String, Double> random = s.get(ReproduceCommand.RANDOM_RUN).byEpoch().lastEntry().getValue();
    String deep = IndicatorNames.NMF_NONLINEARITY + "/1";

    // Arpit et al.: real data concentrates loss sensitivity on fewer examples than random labels.
    assertThat(clean.get(IndicatorNames.LOSS_SENSITIVITY_GINI))
        .isGreaterThan(random.get(IndicatorNames.LOSS_SENSITIVITY_GINI) + 0.1);
    // Collins et al.: memorizing random labels makes deep-layer class activations less linear.
    assertThat(random.get(deep)).isGreaterThan(clean.get(deep));
    assertThat(clean.get(IndicatorNames.TEST_ACCURACY)).isGreaterThan(0.6);
    assertThat(random.get(IndicatorNames.TEST_ACCURACY)).isLessThan(0.3);
  }
}
