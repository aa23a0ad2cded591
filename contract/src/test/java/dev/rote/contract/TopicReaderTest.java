package dev.rote.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TopicReaderTest {

  private static final TopicPartition P0 = new TopicPartition("t", 0);
  private static final TopicPartition P1 = new TopicPartition("t", 1);

  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();

  @Test
  void shouldReadEveryPartitionToItsEnd() {
    assign(P0, P1);
    add(P0, 0, 1, 2);
    add(P1, 0, 1);
    assertThat(TopicReader.readTo(consumer, Map.of(P0, 3L, P1, 2L), 3, null, read::add)).isTrue();
    assertThat(read).extracting(r -> r.partition() + "@" + r.offset())
        .containsExactlyInAnyOrder("0@0", "0@1", "0@2", "1@0", "1@1");
    assertThat(TopicReader.shortOf(consumer, Map.of(P0, 3L, P1, 2L))).isNull();
  }

  @Test
  void shouldGiveUpAfterTheGivenNumberOfEmptyPollsAndSayWhereItStopped() {
    assign(P0, P1);
    add(P0, 0, 1);
    add(P1, 0);
    int[] polls = {0};
    for (int i = 0; i < 10; i++) {
      consumer.schedulePollTask(() -> polls[0]++);
    }
    Map<TopicPartition, Long> end = Map.of(P0, 5L, P1, 1L);
    assertThat(TopicReader.readTo(consumer, end, 3, null, read::add)).isFalse();
    assertThat(read).hasSize(3);
    assertThat(polls[0]).as("one poll with records, then three empty ones").isEqualTo(4);
    assertThat(TopicReader.shortOf(consumer, end)).isEqualTo("t partition 0 (2 of 5)");
  }

  @Test
  void shouldCountOnlyEmptyPollsInARowAsSilence() {
    assign(P0);
    consumer.schedulePollTask(() -> { });
    consumer.schedulePollTask(() -> { });
    consumer.schedulePollTask(() -> add(P0, 0, 1));
    consumer.schedulePollTask(() -> { });
    consumer.schedulePollTask(() -> { });
    consumer.schedulePollTask(() -> add(P0, 2));
    assertThat(TopicReader.readTo(consumer, Map.of(P0, 3L), 3, null, read::add))
        .as("two empty polls, records, two empty polls, the last record: never three empty in a row").isTrue();
    assertThat(read).hasSize(3);
  }

  @Test
  void shouldLeaveRecordsAtOrPastTheEndUnreadAndIgnoreWhatComesAfterAPartitionReachedIt() {
    assign(P0, P1);
    add(P0, 0, 1, 2, 3, 4);
    consumer.schedulePollTask(() -> { });
    consumer.schedulePollTask(() -> add(P1, 0));
    assertThat(TopicReader.readTo(consumer, Map.of(P0, 3L, P1, 1L), 5, null, read::add)).isTrue();
    assertThat(read).extracting(r -> r.partition() + "@" + r.offset()).containsExactlyInAnyOrder("0@0", "0@1", "0@2",
        "1@0");
    assertThat(consumer.position(P0)).as("set back to the first record past the end").isEqualTo(3);
    assertThat(consumer.paused()).as("resumed on return").isEmpty();
  }

  @Test
  void shouldGiveUpAtATimeLimitThatIsNotZero() {
    assign(P0);
    long t0 = System.nanoTime();
    assertThat(TopicReader.readTo(consumer, Map.of(P0, 1L), Integer.MAX_VALUE, Duration.ofMillis(300), read::add))
        .isFalse();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(ms).isBetween(300L, 10_000L);
  }

  @Test
  void shouldStopAtItsTimeLimitEvenWithRecordsWaiting() {
    assign(P0);
    add(P0, 0, 1);
    assertThat(TopicReader.readTo(consumer, Map.of(P0, 2L), Integer.MAX_VALUE, Duration.ZERO, read::add)).isFalse();
    assertThat(read).isEmpty();
  }

  @Test
  void shouldReadAsAGroupLessReadCommittedReaderKeepingTheUsersOtherProperties() {
    KafkaSettings kafka = new KafkaSettings(Map.of("bootstrap.servers", "b:9092", "security.protocol", "SASL_SSL",
        ConsumerConfig.GROUP_ID_CONFIG, "the-users-group"));
    Map<String, Object> props = TopicReader.properties(kafka, "rote-test");
    assertThat(props).doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG)
        .containsEntry("security.protocol", "SASL_SSL").containsEntry(ConsumerConfig.CLIENT_ID_CONFIG, "rote-test")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
        .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
  }

  private void assign(TopicPartition... parts) {
    consumer.assign(List.of(parts));
    Map<TopicPartition, Long> zero = new java.util.HashMap<>();
    for (TopicPartition p : parts) {
      zero.put(p, 0L);
    }
    consumer.updateBeginningOffsets(zero);
    consumer.seekToBeginning(List.of(parts));
  }

  private void add(TopicPartition p, long... offsets) {
    for (long o : offsets) {
      consumer.addRecord(new ConsumerRecord<>(p.topic(), p.partition(), o, "k", new byte[] {(byte) o}));
    }
  }
}
