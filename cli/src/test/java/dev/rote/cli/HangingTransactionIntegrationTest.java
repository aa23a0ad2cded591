package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.AlertingService;
import dev.rote.alerting.RuleSet;
import dev.rote.broker.KafkaCluster;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.service.HangingTransactions;
import dev.rote.service.KafkaOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The only broker (a process of its own) killed with SIGKILL for 30 s while the alerting service,
 * fed indicators of six runs every 20 ms, has an exactly-once transaction open. After most outages
 * (15 of 19 tried) a transaction of the alerting application hung on its changelog: open on the
 * partitions after its coordinator had ended it, holding their last stable offset, so the restoring
 * application waited in REBALANCING for as long as it was watched (90 s, every try before
 * {@link HangingTransactions}).
 * The service must find and abort it and catch up within 60 s of the broker's return, outage after
 * outage; and it must never abort a transaction its coordinator still counts as open, however long
 * this scanner has seen it.
 */
@Tag("integration")
class HangingTransactionIntegrationTest {

  private static final int OUTAGES = 2;
  private static final long CAUGHT_UP = 200;

  /** The alerting application's committed offsets on {@code rote.indicators}, summed over partitions. */
  private static long committed(Admin admin) throws Exception {
    return admin.listConsumerGroupOffsets(AlertingService.DEFAULT_APPLICATION_ID).partitionsToOffsetAndMetadata()
        .get(10, TimeUnit.SECONDS).entrySet().stream()
        .filter(e -> e.getKey().topic().equals(Topics.INDICATORS.name()))
        .mapToLong(e -> e.getValue().offset()).sum();
  }

  /** The end offsets of {@code rote.indicators}, summed over partitions. */
  private static long end(Admin admin) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
    admin.describeTopics(List.of(Topics.INDICATORS.name())).allTopicNames().get(10, TimeUnit.SECONDS)
        .get(Topics.INDICATORS.name()).partitions()
        .forEach(p -> latest.put(new TopicPartition(Topics.INDICATORS.name(), p.partition()), OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
        .mapToLong(r -> r.offset()).sum();
  }

  @Test
  void shouldCatchUpAfterEachOutageOfTheOnlyBroker(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir)
      throws Exception {
    try (KafkaCluster broker = KafkaCluster.start(1, 0, dir.resolve("kafka"), Map.of(), Duration.ofMinutes(2))) {
      KafkaSettings kafka = KafkaOptions.connect(broker.bootstrapServers(), null, 2, "1h");
      var registry = new SimpleMeterRegistry();
      AtomicBoolean feeding = new AtomicBoolean(true);
      try (AlertingService alerting = new AlertingService(kafka, RuleSet.defaults(),
              AlertingService.DEFAULT_APPLICATION_ID, registry, dir.resolve("alerting"));
          KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.with(Map.of(
              ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000, ProducerConfig.MAX_BLOCK_MS_CONFIG, 0)),
              new StringSerializer(), new ByteArraySerializer());
          Admin admin = Admin.create(kafka.with(Map.of()))) {
        alerting.start(Duration.ofSeconds(90));
        Thread feeder = new Thread(() -> feed(producer, feeding));
        feeder.start();
        List<String> resumed = new ArrayList<>();
        try {
          for (int outage = 0; outage < OUTAGES; outage++) {
            Thread.sleep(10_000);
            long before = end(admin);
            assertThat(before - committed(admin)).as("lag before outage %d", outage).isLessThan(CAUGHT_UP);
            broker.kill(1);
            Thread.sleep(30_000);
            broker.restart(1, Duration.ofMinutes(2));
            long back = System.nanoTime();
            // What the feeder sent in the first 5 s after the outage must be processed within 60 s: an abort
            // waits for 10 s of sightings and two scans 5 s apart, and while the restarted broker loads, a
            // scan's admin calls can each take their 10 s timeout (one CI run caught up after more than 30 s).
            Thread.sleep(5_000);
            long target = end(admin);
            assertThat(target).as("records sent after outage %d", outage).isGreaterThan(before + 500);
            long done = 0;
            while (done < target && System.nanoTime() - back < TimeUnit.SECONDS.toNanos(60)) {
              Thread.sleep(250);
              try {
                done = committed(admin);
              } catch (Exception brokerStillLoading) {
                // asked again
              }
            }
            resumed.add(String.format("%.1f s", (System.nanoTime() - back) / 1e9));
            assertThat(done).as("alerting's committed offsets 60 s after the broker came back from outage %d, "
                + "against the end offsets 5 s after", outage).isGreaterThanOrEqualTo(target);
          }
        } finally {
          feeding.set(false);
          feeder.join();
        }
        double abortedCount = registry.find(HangingTransactions.ABORTED).counter().count();
        System.out.printf("RELIABILITY hanging-transactions: %d outages of 30 s; alerting caught up %s after "
            + "the broker was back; hanging transactions aborted: %.0f%n", OUTAGES, resumed, abortedCount);
        // Not every outage leaves a hanging transaction (15 of the 19 tried on 2026-12-03 did, on both changelog
        // partitions); the promise holds either way, and HangingTransactionsTest pins what counts as hanging.
      }
    }
  }

  private static void feed(KafkaProducer<String, byte[]> producer, AtomicBoolean feeding) {
    for (long step = 1; feeding.get(); step++) {
      for (String run : List.of("a", "b", "c", "d", "e", "f")) {
        Indicator i = Indicator.newBuilder().setRunId(run).setName("train_loss").setStep(step)
            .setValue(1.0 / step).setSourceTimeMs(System.currentTimeMillis()).build();
        try {
          producer.send(new ProducerRecord<>(Topics.INDICATORS.name(), run, i.toByteArray()));
        } catch (RuntimeException noMetadataWhileTheBrokerIsDown) {
          // dropped; the lag is measured on what reached the broker
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Test
  void shouldNeverAbortATransactionItsCoordinatorStillHolds(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir)
      throws Exception {
    try (KafkaCluster broker = KafkaCluster.start(1, 0, dir.resolve("kafka"), Map.of(), Duration.ofMinutes(2))) {
      KafkaSettings kafka = KafkaOptions.connect(broker.bootstrapServers(), null, 2, "1h");
      try (KafkaProducer<String, byte[]> open = new KafkaProducer<>(kafka.with(Map.of(
              ProducerConfig.TRANSACTIONAL_ID_CONFIG, "rote-alerting-open", ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
              120_000)), new StringSerializer(), new ByteArraySerializer());
          HangingTransactions hanging = new HangingTransactions("test", kafka, List.of("rote-alerting"),
              List.of(Topics.CONTROL.name()), Duration.ofMillis(500), new SimpleMeterRegistry())) {
        open.initTransactions();
        open.beginTransaction();
        open.send(new ProducerRecord<>(Topics.CONTROL.name(), "run", new byte[] {1})).get(10, TimeUnit.SECONDS);
        for (int scan = 0; scan < 3; scan++) {
          assertThat(hanging.repair()).as("scan %d of a transaction open within its 120 s", scan).isEmpty();
          Thread.sleep(1_500);
        }
        assertThat(hanging.lastScanOpen()).as("open transactions seen for longer than the 1 s threshold").isEqualTo(1);
        open.commitTransaction();
      }
    }
  }
}
