package dev.rote.service;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
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
        awaitEveryBroker(admin, name, timeout);
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
      awaitEveryBroker(admin, name, timeout);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name + " within " + timeout.toSeconds() + " s", e);
    }
  }

  /** Answers with every partition led that count as every broker knowing a topic. */
  static final int AGREEING_ANSWERS = 10;

  /**
   * Waits for {@link #AGREEING_ANSWERS} answers in which {@code name}'s partitions have leaders (an answer
   * without them is retried until one has them). A
   * global store started on a topic its broker does not know yet finds no partitions and fails
   * ("no partitions available ... when initializing global store"); each answer comes from a broker the
   * admin client picks at random, so a broker whose metadata lags a just-created topic is all but
   * certainly asked (and waited for) among them, on a cluster as on a single broker.
   */
  private static void awaitEveryBroker(Admin admin, String name, Duration timeout)
      throws InterruptedException, TimeoutException, ExecutionException {
    for (int i = 0; i < AGREEING_ANSWERS; i++) {
      TopicProvisioner.awaitLeaders(admin, List.of(name), timeout);
    }
  }
}
