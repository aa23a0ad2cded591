package dev.rote.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench trainer --producer}: how a variant's producer properties are read, and bad specs refused. */
class TrainerBenchOptionsTest {

  @Test
  void shouldReadAProducerVariantsNameAndProperties() {
    TrainerBench bench = new TrainerBench();
    new CommandLine(bench);

    var variant = bench.producerVariant("lz4-linger-50:compression.type=lz4, linger.ms=50");

    assertThat(variant.getKey()).isEqualTo("rote-lz4-linger-50");
    assertThat(variant.getValue()).isEqualTo(Map.of("compression.type", "lz4", "linger.ms", "50"));
  }

  @Test
  void shouldRefuseAProducerVariantWithoutNameOrProperties() {
    for (String bad : new String[] {"compression.type=lz4", ":linger.ms=5", "lz4:compression.type"}) {
      StringWriter err = new StringWriter();
      CommandLine cli = new CommandLine(new TrainerBench()).setErr(new PrintWriter(err));

      int code = cli.execute("--producer", bad);

      assertThat(code).as(bad).isEqualTo(2);
      assertThat(err.toString()).as(bad).contains("--producer").contains(bad).doesNotContain("\tat ");
    }
  }
}
