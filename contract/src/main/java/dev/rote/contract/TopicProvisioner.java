package dev.rote.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Rote's topics where they are missing, with deliberate settings: telemetry, indicators,
 * alerts and control retained for {@code retention} so runs stay replayable, run metadata
 * compacted. Existing topics are left as they are.
 */
public final class TopicProvisioner {

  /** Default retention of run data: 30 days. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  /** Default partition count: the analyzer scales out to this many instances. */
  public static final int DEFAULT_PARTITIONS = 6;

  private final int partitions;
  private final Duration retention;

  /**
   * @param partitions partitions of every topic but the dead-letter topic
   * @param retention how long run data stays; {@code null} or negative keeps it forever
   */
  public TopicProvisioner(int partitions, Duration retention) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
    }
    this.partitions = partitions;
    this.retention = retention;
  }

  /**
   * Creates the missing topics of {@link Topics#ALL}.
   *
   * @return names of the topics this call created
   */
  public List<String> ensureTopics(Admin admin, Duration timeout)
      throws InterruptedException, TimeoutException, ExecutionException {
    Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
    short replication = (short) Math.min(3, Math.max(1, brokers));
    List<NewTopic> missing = new ArrayList<>();
    for (Topic<?, ?> t : Topics.ALL) {
      if (!existing.contains(t.name())) {
        missing.add(new NewTopic(t.name(), partitions, replication).configs(configsOf(t)));
      }
    }
    List<String> created = new ArrayList<>();
    for (var e : admin.createTopics(missing).values().entrySet()) {
      try {
        e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        created.add(e.getKey());
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          throw ex;
        }
      }
    }
    awaitLeaders(admin, created, timeout);
    return created;
  }

  /**
   * Waits until every partition of the new topics has a leader: a producer that writes before then
   * gets NOT_LEADER_OR_FOLLOWER and, when idempotent, can end up with out-of-order sequences, and
   * a consumer that asks for its partitions may get none.
   */
  public static void awaitLeaders(Admin admin, List<String> topics, Duration timeout)
      throws InterruptedException, TimeoutException, ExecutionException {
    if (topics.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean ready;
      try {
        ready = admin.describeTopics(topics).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .values().stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null
                && !p.leader().isEmpty()));
      } catch (ExecutionException e) {
        ready = false;
      }
      if (ready) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("topics " + topics + " have no leader after " + timeout.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }

  Map<String, String> configsOf(Topic<?, ?> topic) {
    Map<String, String> configs = new HashMap<>(topic.configs());
    boolean compacted =
        TopicConfig.CLEANUP_POLICY_COMPACT.equals(configs.get(TopicConfig.CLEANUP_POLICY_CONFIG));
    if (!compacted) {
      long ms = retention == null || retention.isNegative() ? -1 : retention.toMillis();
      configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(ms));
    }
    return configs;
  }
}
