package dev.rote.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The embedded-broker scenarios against Kafka in a container (the official apache/kafka KRaft
 * image), for wherever a Docker engine runs. Without one, JUnit reports these tests as skipped.
 */
@Tag("integration")
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaIntegrationTest {

  @Container
  static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

  @Test
  void shouldTurnARealTrainingRunIntoIndicators(@TempDir Path state) throws Exception {
    AnalyzerIntegrationTest.scenario(KAFKA.getBootstrapServers(), state);
  }

  @Test
  void shouldStopTheTrainerOnceEvenAcrossARestartAndDeadLetterGarbage(@TempDir Path dir) throws Exception {
    AlertingIntegrationTest.scenario(KAFKA.getBootstrapServers(), dir);
  }
}
