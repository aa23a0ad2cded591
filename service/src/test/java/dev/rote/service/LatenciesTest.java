package dev.rote.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatenciesTest {

  @Test
  void shouldRecordNegativeLatenciesAsZeroAndLeaveOutThoseThatWouldOverflow() {
    Timer timer = Timer.builder("t").register(new SimpleMeterRegistry());
    assertThat(Latencies.record(timer, 40)).isTrue();
    assertThat(Latencies.record(timer, -5)).isTrue();
    // A record whose time_ms is Long.MIN_VALUE + 1 gives now - time_ms near Long.MAX_VALUE.
    assertThat(Latencies.record(timer, Long.MAX_VALUE - 1)).isFalse();
    assertThat(Latencies.record(timer, Latencies.MAX.toMillis() + 1)).isFalse();
    assertThat(timer.count()).isEqualTo(2);
    assertThat(timer.max(TimeUnit.MILLISECONDS)).isEqualTo(40);
  }
}
