package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The trainer's side of the control topic against one real embedded broker: {@link
 * RoteTelemetry#shouldStop()}, {@link RoteTerminationCondition} and where {@link StopControl} starts
 * reading. Each test uses run ids of its own.
 */
@Tag("integration")
class RoteTelemetryStopIntegrationTest {

  private static EmbeddedKafkaBroker broker;
  private static KafkaSettings kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    kafka = KafkaSettings.of(broker.bootstrapServers());
    try (Admin admin = Admin.create(kafka.with(Map.of()))) {
      new TopicProvisioner(1, null).ensureTopics(admin, Duration.ofSeconds(30));
    }
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static KafkaProducer<String, StopSignal> producer() {
    return new KafkaProducer<>(kafka.with(Map.of()), Topics.CONTROL.keySerde().serializer(),
        Topics.CONTROL.valueSerde().serializer());
  }

  @Test
  void shouldStopOnceASignalForTheRunArrivesOverKafka() throws Exception {
    TelemetryConfig config = TelemetryConfig.defaults("it-should-stop");
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    try (RoteTelemetry rote = RoteTelemetry.start(config, kafka, registry);
        var producer = producer()) {
      RoteTerminationCondition condition = RoteTerminationCondition.of(rote);
      assertThat(rote.shouldStop()).isFalse();
      assertThat(condition.terminate(0.3)).isFalse();

      StopSignal other = signal("other-run", "sig-other");
      producer.send(new ProducerRecord<>(Topics.CONTROL.name(), "other-run", other)).get(10, TimeUnit.SECONDS);
      // A hand-made record for the run without signal id or rule: ignored and counted, never obeyed.
      StopSignal bare = StopSignal.newBuilder().setRunId("it-should-stop")
          .setAction(SignalAction.SIGNAL_ACTION_STOP).build();
      producer.send(new ProducerRecord<>(Topics.CONTROL.name(), "it-should-stop", bare)).get(10, TimeUnit.SECONDS);
      StopSignal mine = signal("it-should-stop", "sig-mine");
      producer.send(new ProducerRecord<>(Topics.CONTROL.name(), "it-should-stop", mine)).get(10, TimeUnit.SECONDS);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!rote.shouldStop() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(rote.shouldStop()).isTrue();
      assertThat(rote.stopSignal()).hasValueSatisfying(s -> assertThat(s.getSignalId()).isEqualTo("sig-mine"));
      // No network trained yet: the iteration role waits for a scored epoch, the epoch role fires.
      assertThat(condition.terminate(0.3)).isFalse();
      assertThat(condition.terminate(0, 0.3, true)).isTrue();
      assertThat(condition.terminate(0.3)).isTrue();
      assertThat(condition.signal()).hasValueSatisfying(s -> assertThat(s.getSignalId()).isEqualTo("sig-mine"));
      assertThat(condition.toString()).contains("manual").contains("sig-mine");
      assertThat(registry.get(TelemetryMetrics.INVALID_STOPS).functionCounter().count()).isEqualTo(1);
    }
  }

  /**
   * A signal published after the control set its start offsets on a partition without a record since
   * its start time, but before its first poll, is read: the start is the end as it was when the
   * control looked, not the end at the first poll (a slow control thread on a loaded machine once
   * lost a signal that way). The start time is now, so the other test's records (one partition)
   * never put the control on the by-time path, whichever runs first.
   */
  @Test
  void shouldReadASignalPublishedBetweenItsSeekAndItsFirstPoll() throws Exception {
    StopSignal mine = signal("run-seek", "sig-1");
    try (var producer = producer();
        StopControl control = new StopControl(kafka, "run-seek", System.currentTimeMillis(), () -> {
          try {
            producer.send(new ProducerRecord<>(Topics.CONTROL.name(), "run-seek", mine)).get(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        })) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (control.stopSignal().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(control.stopSignal()).contains(mine);
    }
  }

  private static StopSignal signal(String runId, String id) {
    return StopSignal.newBuilder().setSignalId(id).setRunId(runId).setRule("manual").setReason("test")
        .setAction(SignalAction.SIGNAL_ACTION_STOP).setIssuedTimeMs(System.currentTimeMillis()).build();
  }
}
