package dev.rote.alerting;

import dev.rote.contract.Topics;
import dev.rote.contract.v1.StopSignal;
import dev.rote.service.RunEviction;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The alerting topology on a test driver (application id {@code test}) with its input and output topics. */
final class AlertingDriver implements AutoCloseable {

  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  final TopologyTestDriver driver;
  final TestInputTopic<String, byte[]> indicators;
  final TestInputTopic<String, byte[]> runs;
  final TestOutputTopic<String, byte[]> alerts;
  final TestOutputTopic<String, byte[]> control;
  final TestOutputTopic<String, byte[]> dead;

  AlertingDriver(RuleSet rules, AlertingMetrics metrics) {
    this(rules, metrics, RunEviction.DEFAULT_GRACE);
  }

  /** The topology evicting finished runs {@code evictAfter} after their end. */
  AlertingDriver(RuleSet rules, AlertingMetrics metrics, Duration evictAfter) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    driver = new TopologyTestDriver(AlertingTopology.build(rules, metrics, "test", evictAfter), p, T0);
    indicators = driver.createInputTopic(Topics.INDICATORS.name(), new StringSerializer(), new ByteArraySerializer());
    runs = driver.createInputTopic(Topics.RUNS.name(), new StringSerializer(), new ByteArraySerializer());
    alerts = driver.createOutputTopic(Topics.ALERTS.name(), new StringDeserializer(), new ByteArrayDeserializer());
    control = driver.createOutputTopic(Topics.CONTROL.name(), new StringDeserializer(), new ByteArrayDeserializer());
    dead = driver.createOutputTopic(Topics.DEAD_LETTER.name(), new StringDeserializer(), new ByteArrayDeserializer());
  }

  static StopSignal parse(byte[] b) {
    try {
      return StopSignal.parseFrom(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    driver.close();
  }
}
