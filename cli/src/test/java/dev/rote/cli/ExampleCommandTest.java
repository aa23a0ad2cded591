package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code ./rote example} with bad input: a clear message and exit code 2, before any connection. */
class ExampleCommandTest {

  @Test
  void shouldNameTheExamplesWhenTheNameIsUnknown() {
    RoteCliTest.Run r = RoteCliTest.run("example", "resnet", "--bootstrap-servers", "127.0.0.1:1");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown example 'resnet'; one of plain-fit, cnn, graph, early-stopping");
  }

  @Test
  void shouldSayHowToGetTheDataSetWhenItsDirectoryIsMissing() {
    RoteCliTest.Run r = RoteCliTest.run("example", "plain-fit", "--data", "/no/such/dir", "--bootstrap-servers",
        "127.0.0.1:1");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("rote example: error: data directory /no/such/dir does not exist")
        .contains("apt-get install dataset-fashion-mnist");
  }

  @Test
  void shouldRejectAnOptionOutOfRangeByName() {
    RoteCliTest.Run r = RoteCliTest.run("example", "cnn", "--label-noise", "1.5", "--data", "/",
        "--bootstrap-servers", "127.0.0.1:1");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--label-noise must be in [0, 1], was 1.5");
  }
}
