package dev.rote.analyzer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rote.analyzer.CaughtUpCommits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommitRequestsTest {

  private static final long NOW = 1_800_000_000_000L;

  private static CommitRequests requests(long maxAgeMs, long minIntervalMs) {
    return new CommitRequests(new CaughtUpCommits(Duration.ofMillis(maxAgeMs), Duration.ofMillis(minIntervalMs)));
  }

  @Test
  void shouldRequestACommitForARecentRecord() {
    assertThat(requests(200, 20).request(NOW - 35, NOW)).isTrue();
  }

  @Test
  void shouldRequestACommitForARecordExactlyAsOldAsAllowed() {
    assertThat(requests(200, 20).request(NOW - 200, NOW)).isTrue();
  }

  @Test
  void shouldLeaveTheCommitToTheIntervalWhenTheRecordIsOlderThanAllowed() {
    CommitRequests r = requests(200, 20);

    assertThat(r.request(NOW - 201, NOW)).isFalse();
    assertThat(r.request(NOW - 30_000, NOW + 1)).isFalse();
  }

  @Test
  void shouldAcceptATrainerClockSlightlyAheadButNotFarAhead() {
    CommitRequests r = requests(200, 0);

    assertThat(r.request(NOW + 150, NOW)).as("150 ms in the future: skew within the window").isTrue();
    assertThat(r.request(NOW + 5_000, NOW + 1)).as("5 s in the future: clocks disagree").isFalse();
  }

  @Test
  void shouldNeverRequestWhenTurnedOff() {
    CommitRequests r = new CommitRequests(CaughtUpCommits.OFF);

    assertThat(r.request(NOW, NOW)).isFalse();
    assertThat(r.request(NOW - 1, NOW + 100)).isFalse();
  }

  @Test
  void shouldRequestAtMostOnceEveryMinimumInterval() {
    CommitRequests r = requests(200, 20);

    assertThat(r.request(NOW - 5, NOW)).isTrue();
    assertThat(r.request(NOW + 5, NOW + 10)).as("10 ms after the last request").isFalse();
    assertThat(r.request(NOW + 15, NOW + 19)).isFalse();
    assertThat(r.request(NOW + 15, NOW + 20)).as("20 ms after the last request").isTrue();
    assertThat(r.request(NOW + 25, NOW + 30)).isFalse();
  }

  @Test
  void shouldNotCountARefusedOldRecordAgainstTheLimit() {
    CommitRequests r = requests(200, 20);

    assertThat(r.request(NOW - 10_000, NOW)).isFalse();
    assertThat(r.request(NOW - 1, NOW + 1)).isTrue();
  }

  @Test
  void shouldRestartTheLimitWhenTheWallClockGoesBack() {
    CommitRequests r = requests(200, 20);

    assertThat(r.request(NOW, NOW)).isTrue();
    assertThat(r.request(NOW - 1_000, NOW - 990)).as("clock stepped back by a second").isTrue();
    assertThat(r.request(NOW - 990, NOW - 985)).isFalse();
  }

  @Test
  void shouldRejectNegativeDurationsWithTheirName() {
    assertThatThrownBy(() -> new CaughtUpCommits(Duration.ofMillis(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maxAge must be >= 0, was PT-0.001S");
    assertThatThrownBy(() -> new CaughtUpCommits(Duration.ofMillis(200), Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("minInterval must be >= 0, was PT-0.005S");
  }

  @Test
  void shouldShareOneLimitAmongTheTasksOfAThreadAndNotAcrossThreads() throws Exception {
    CaughtUpCommits policy = new CaughtUpCommits(Duration.ofMillis(200), Duration.ofMillis(20));
    // each "stream thread" is a fresh thread, so no state is left on the test's own thread
    List<Boolean> first = onNewThread(() -> {
      CommitRequests taskA = CommitRequests.ofCurrentThread(policy);
      CommitRequests taskB = CommitRequests.ofCurrentThread(policy);
      CommitRequests otherPolicy = CommitRequests.ofCurrentThread(
          new CaughtUpCommits(Duration.ofMillis(200), Duration.ofMillis(50)));
      return List.of(taskA.request(NOW, NOW), taskB.request(NOW, NOW + 5), taskA == taskB, otherPolicy != taskA);
    });
    List<Boolean> second = onNewThread(() -> List.of(CommitRequests.ofCurrentThread(policy).request(NOW, NOW + 5)));

    assertThat(first).containsExactly(true, false, true, true); // the second task, 5 ms later: refused
    assertThat(second).as("a task of another stream thread, 5 ms later").containsExactly(true);
  }

  private static List<Boolean> onNewThread(java.util.concurrent.Callable<List<Boolean>> body) throws Exception {
    java.util.concurrent.FutureTask<List<Boolean>> task = new java.util.concurrent.FutureTask<>(body);
    Thread t = new Thread(task, "stream-thread-under-test");
    t.start();
    return task.get();
  }

}
