package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
  void shouldSeparateTrueFromRandomLabelsByGiniAndDeepLayerNonLinearityBeyondTheGroupingConfound()
      throws Exception {
    Map<String, ReproduceCommand.Series> s = ReproduceCommand.run(Path.of(ModelOptions.DEFAULT_DATA), 1024, 4,
        new int[] {256, 256}, new PrintStream(PrintStream.nullOutputStream()));
    ReproduceCommand.Series cleanRun = s.get(ReproduceCommand.TRUE_RUN);
    ReproduceCommand.Series randomRun = s.get(ReproduceCommand.RANDOM_RUN);
    Map<String, Double> clean = cleanRun.byEpoch().lastEntry().getValue();
    Map<String, Double> random = randomRun.byEpoch().lastEntry().getValue();
    String deep = IndicatorNames.NMF_NONLINEARITY + "/1";

    // Arpit et al.: real data concentrates loss sensitivity on fewer examples than random labels.
    assertThat(clean.get(IndicatorNames.LOSS_SENSITIVITY_GINI))
        .isGreaterThan(random.get(IndicatorNames.LOSS_SENSITIVITY_GINI) + 0.1);
    // The untrained control (step 0): the same network on the same probe examples gives the same
    // value grouped by true class; grouped by random training labels it is higher before any update.
    assertThat(randomRun.untrained().get(deep)).isCloseTo(cleanRun.untrained().get(deep), within(1e-12));
    assertThat(randomRun.untrained().get(ReproduceCommand.byLabel(1)))
        .isGreaterThan(cleanRun.untrained().get(ReproduceCommand.byLabel(1)) + 0.02);
    // Collins, Bigdeli & Süsstrunk: memorizing random labels makes deep-layer class activations less
    // linear. Grouped by true class, the random-label network's deep layer rises over the run by
    // more than the true-label network's, and ends above it.
    double randomRise = random.get(deep) - randomRun.byEpoch().firstEntry().getValue().get(deep);
    double cleanRise = clean.get(deep) - cleanRun.byEpoch().firstEntry().getValue().get(deep);
    assertThat(randomRise).isGreaterThan(cleanRise);
    assertThat(random.get(deep)).isGreaterThan(clean.get(deep));
    assertThat(clean.get(IndicatorNames.TEST_ACCURACY)).isGreaterThan(0.6);
    assertThat(random.get(IndicatorNames.TEST_ACCURACY)).isLessThan(0.3);
  }
}
