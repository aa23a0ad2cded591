package dev.rote.service;

import dev.rote.contract.KafkaSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics a service keeps for itself ({@code <application.id>-...}) before it starts. */
public final class InternalTopics {

  private InternalTopics() {}

  /**
   * Creates {@code name} unless it exists, with as many partitions as {@code like} has and the
   * brokers' default replication.
   *
   * @throws IllegalStateException when it can be neither found nor created within {@code timeout}
   */
  public static void ensure(KafkaSettings kafka, String name, String like, Map<String, String> configs,
      Duration timeout) throws InterruptedException {
    try (Admin admin = Admin.create(kafka.with(Map.of()))) {
      if (admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(name)) {
        return;
      }
      int partitions = admin.describeTopics(List.of(like)).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(like).partitions().size();
      NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
      try {
        admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
        }
      }
      awaitLeaders(admin, name, timeout);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name + " within " + timeout.toSeconds() + " s", e);
    }
  }

  /**
   * Waits until every partition of a topic just created has a leader: a global store started on
   * it earlier finds no partitions and fails its application.
   */
  private static void awaitLeaders(Admin admin, String name, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        var description = admin.describeTopics(List.of(name)).allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(name);
        if (!description.partitions().isEmpty()
            && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
          return;
        }
      } catch (ExecutionException e) {
        // not known to the broker answering yet
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("topic " + name + " has no leaders within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }
}
