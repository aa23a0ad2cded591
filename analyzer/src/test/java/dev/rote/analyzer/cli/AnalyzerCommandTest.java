package dev.rote.analyzer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.analyzer.CaughtUpCommits;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AnalyzerCommandTest {

  private static AnalyzerCommand parse(String... args) {
    AnalyzerCommand command = new AnalyzerCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void shouldRequestCommitsWithRotesDefaultsWhenNoOptionIsGiven() {
    assertThat(parse().caughtUpCommits()).isEqualTo(CaughtUpCommits.DEFAULT);
  }

  @Test
  void shouldTakeTheAgeAndTheIntervalFromTheOptions() {
    assertThat(parse("--commit-when-caught-up", "1s", "--commit-min-interval", "50ms").caughtUpCommits())
        .isEqualTo(new CaughtUpCommits(Duration.ofSeconds(1), Duration.ofMillis(50)));
  }

  @Test
  void shouldTurnTheRequestsOffWithZero() {
    assertThat(parse("--commit-when-caught-up", "0").caughtUpCommits().enabled()).isFalse();
  }

  @Test
  void shouldNameTheOptionWhoseValueIsNotADuration() {
    assertThatThrownBy(() -> parse("--commit-min-interval", "soon").caughtUpCommits())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--commit-min-interval must look like 200ms, 1s or 0, was 'soon'");
  }
}
