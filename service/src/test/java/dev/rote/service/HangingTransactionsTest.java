package dev.rote.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which coordinator answers let a transaction open on a partition count as finished (hanging). */
class HangingTransactionsTest {

  private static final TopicPartition CHANGELOG = new TopicPartition("rote-alerting-alert-state-changelog", 0);
  private static final TopicPartition OTHER = new TopicPartition("rote.control", 1);

  private static TransactionDescription described(TransactionState state, long producerId, Set<TopicPartition> parts) {
    return new TransactionDescription(1, state, producerId, 7, 5000, OptionalLong.empty(), parts);
  }

  @Test
  void shouldCountOnlyAFinishedTransactionOfTheSameProducerAsNotInFlight() {
    // the answer seen after a 30 s outage: the coordinator's state Empty, the partition still open
    assertThat(HangingTransactions.inFlight(described(TransactionState.EMPTY, 1, Set.of()), 1, CHANGELOG)).isFalse();
    assertThat(HangingTransactions.inFlight(described(TransactionState.COMPLETE_COMMIT, 1, Set.of()), 1, CHANGELOG))
        .isFalse();
    assertThat(HangingTransactions.inFlight(described(TransactionState.COMPLETE_ABORT, 1, Set.of()), 1, CHANGELOG))
        .isFalse();
    // a newer transaction of the producer, ongoing elsewhere: this partition's is not part of it
    assertThat(HangingTransactions.inFlight(described(TransactionState.ONGOING, 1, Set.of(OTHER)), 1, CHANGELOG))
        .isFalse();
  }

  @Test
  void shouldTreatEveryOtherAnswerAsInFlight() {
    assertThat(HangingTransactions.inFlight(described(TransactionState.ONGOING, 1, Set.of(CHANGELOG)), 1, CHANGELOG))
        .as("ongoing with the partition").isTrue();
    assertThat(HangingTransactions.inFlight(described(TransactionState.PREPARE_COMMIT, 1, Set.of()), 1, CHANGELOG))
        .as("markers still to be written").isTrue();
    assertThat(HangingTransactions.inFlight(described(TransactionState.PREPARE_ABORT, 1, Set.of()), 1, CHANGELOG))
        .isTrue();
    assertThat(HangingTransactions.inFlight(described(TransactionState.PREPARE_EPOCH_FENCE, 1, Set.of()), 1,
        CHANGELOG)).isTrue();
    assertThat(HangingTransactions.inFlight(described(TransactionState.UNKNOWN, 1, Set.of()), 1, CHANGELOG))
        .as("a state this client does not know").isTrue();
    assertThat(HangingTransactions.inFlight(null, 1, CHANGELOG))
        .as("no description: a coordinator loading, or an id this principal may not describe").isTrue();
    assertThat(HangingTransactions.inFlight(described(TransactionState.EMPTY, 2, Set.of()), 1, CHANGELOG))
        .as("the id now held by another producer id").isTrue();
  }
}
