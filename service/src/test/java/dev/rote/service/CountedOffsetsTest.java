package dev.rote.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.junit.jupiter.api.Test;

class CountedOffsetsTest {

  private final CountedOffsets counted = new CountedOffsets();

  @Test
  void shouldCountEachOffsetOnceAndNotARedeliveredOne() {
    for (long o = 0; o < 5; o++) {
      assertThat(counted.first("analyze", "rote.telemetry", 0, o)).as("offset %d", o).isTrue();
    }
    // An aborted transaction: Kafka Streams processes 2..4 again, then goes on.
    for (long o = 2; o < 5; o++) {
      assertThat(counted.first("analyze", "rote.telemetry", 0, o)).as("offset %d again", o).isFalse();
    }
    assertThat(counted.first("analyze", "rote.telemetry", 0, 5)).isTrue();
    assertThat(counted.repeats()).isEqualTo(3);
  }

  @Test
  void shouldCountANewPartitionTopicOrSiteFromItsFirstRecord() {
    assertThat(counted.first("analyze", "rote.telemetry", 0, 10)).isTrue();
    assertThat(counted.first("analyze", "rote.telemetry", 1, 0)).as("a partition assigned later").isTrue();
    assertThat(counted.first("analyze", "rote.runs", 0, 0)).as("another topic").isTrue();
    assertThat(counted.first("suspects", "rote.telemetry", 0, 10)).as("another processor of the same record")
        .isTrue();
    assertThat(counted.first("analyze", "rote.telemetry", 1, 0)).isFalse();
    assertThat(counted.partitions()).isEqualTo(4);
  }

  @Test
  void shouldNotCountOffsetsAtOrBelowTheHighestWhenARebalanceHandsThePartitionBackEarlier() {
    IntStream.rangeClosed(0, 10).forEach(o -> counted.first("evaluate-rules", "rote.indicators", 3, o));
    // The partition comes back from its last committed offset, 7, and then a gap (transaction markers).
    assertThat(IntStream.rangeClosed(7, 10).filter(o -> counted.first("evaluate-rules", "rote.indicators", 3, o)))
        .isEmpty();
    assertThat(counted.first("evaluate-rules", "rote.indicators", 3, 13)).isTrue();
    assertThat(counted.first("evaluate-rules", "rote.indicators", 3, 12)).as("below the highest counted").isFalse();
    assertThat(counted.first("evaluate-rules", "rote.indicators", 3, 14)).isTrue();
    assertThat(counted.repeats()).isEqualTo(5);
  }

  @Test
  void shouldCountEveryRecordWithoutMetadata() {
    for (int i = 0; i < 3; i++) {
      assertThat(counted.first("evict-finished-runs", Optional.empty())).as("a punctuation's record").isTrue();
    }
    assertThat(counted.first("analyze", Optional.of(metadata("rote.telemetry", 0, 4)))).isTrue();
    assertThat(counted.first("analyze", Optional.of(metadata("rote.telemetry", 0, 4)))).isFalse();
    assertThat(counted.repeats()).isEqualTo(1);
    assertThat(counted.partitions()).isEqualTo(1);
  }

  @Test
  void shouldHoldOneOffsetPerSiteAndPartitionHoweverManyRecords() {
    for (long o = 0; o < 100_000; o++) {
      counted.first("analyze", "rote.telemetry", (int) (o % 4), o);
    }
    assertThat(counted.partitions()).isEqualTo(4);
    assertThat(counted.repeats()).isZero();
  }

  @Test
  void shouldCountAnOffsetAtMostOnceWhenTwoThreadsRaceOnAPartition() {
    AtomicInteger firsts = new AtomicInteger();
    Runnable pass = () -> IntStream.range(0, 20_000).forEach(o -> {
      if (counted.first("analyze", "rote.telemetry", 0, o)) {
        firsts.incrementAndGet();
      }
    });
    CompletableFuture.allOf(CompletableFuture.runAsync(pass), CompletableFuture.runAsync(pass)).join();
    assertThat(firsts.get()).isBetween(1, 20_000);
    assertThat(firsts.get() + counted.repeats()).isEqualTo(40_000);
    assertThat(counted.first("analyze", "rote.telemetry", 0, 19_999)).isFalse();
  }

  @Test
  void shouldForgetEveryOffsetWhenCleared() {
    counted.first("analyze", "rote.telemetry", 0, 9);
    counted.first("analyze", "rote.telemetry", 0, 9);
    counted.clear();
    assertThat(counted.partitions()).isZero();
    assertThat(counted.repeats()).isZero();
    assertThat(counted.first("analyze", "rote.telemetry", 0, 9)).isTrue();
  }

  private static RecordMetadata metadata(String topic, int partition, long offset) {
    return new RecordMetadata() {
      @Override
      public String topic() {
        return topic;
      }

      @Override
      public int partition() {
        return partition;
      }

      @Override
      public long offset() {
        return offset;
      }
    };
  }
}
