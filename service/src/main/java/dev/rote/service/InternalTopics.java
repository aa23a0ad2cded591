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
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates the topics a service keeps for itself ({@code <application.id>-...}) before it starts. */
public final class InternalTopics {

  private InternalTopics() {}

  /**
   * Creates {@code name} unless it exists, with as many partitions as {@code like} has and the
   * brokers' default replication, and waits until the cluster's metadata shows every partition with
   * a leader: a Kafka Streams global store fails at once ("no partitions available") when its
   * consumer asks a broker that has not caught up with a topic created a moment ago.
   *
   * @throws IllegalStateException when it can be neither found nor created within {@code timeout}
   */
  public static void ensure(KafkaSettings kafka, String name, String like, Map<String, String> configs,
      Duration timeout) throws InterruptedException {
    try (Admin admin = Admin.create(kafka.with(Map.of()))) {
      long deadline = System.nanoTime() + timeout.toNanos();
      if (!admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(name)) {
        create(admin, name, like, configs, timeout);
      }
      while (!ready(admin, name, timeout)) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException();
        }
        Thread.sleep(100);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name + " within " + timeout.toSeconds() + " s", e);
    }
  }

  private static void create(Admin admin, String name, String like, Map<String, String> configs, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    int partitions = admin.describeTopics(List.of(like)).allTopicNames()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(like).partitions().size();
    NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
    try {
      admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /** Whether the metadata shows the topic with a leader for every partition. */
  private static boolean ready(Admin admin, String name, Duration timeout)
      throws InterruptedException, TimeoutException {
    try {
      TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(name);
      return !d.partitions().isEmpty() && d.partitions().stream().allMatch(p -> p.leader() != null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw new IllegalStateException("cannot describe topic " + name + ": " + e.getCause().getMessage(), e);
    }
  }
}
