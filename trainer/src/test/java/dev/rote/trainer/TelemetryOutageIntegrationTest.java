package dev.rote.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.broker.KafkaCluster;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Evaluation;
import dev.rote.contract.v1.Telemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The only broker, in a process of its own, killed with SIGKILL for 30 s in the middle of training
 * and restarted on its data: training goes on at its own pace, and every telemetry record reaches
 * Kafka once the broker is back, in order; a sink whose buffer fills during the outage counts what
 * it drops and delivers the rest in order.
 */
@Tag("integration")
class TelemetryOutageIntegrationTest {

  private static final Duration OUTAGE = Duration.ofSeconds(30);

  @Test
  void shouldDeliverEveryRecordAfterA30SecondBrokerOutageWithoutBlockingTraining(@TempDir Path dir)
      throws Exception {
    try (KafkaCluster broker = KafkaCluster.start(1, 0, dir.resolve("kafka"), Map.of(), Duration.ofSeconds(120))) {
      KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
      try (Admin admin = Admin.create(kafka.with(Map.of()))) {
        new TopicProvisioner(1, null).ensureTopics(admin, Duration.ofSeconds(30));
      }
      String run = "outage-" + UUID.randomUUID();
      String small = run + "-small-buffer";
      MultiLayerNetwork net = TestNetworks.mlp(DataType.FLOAT, 20, 16, 3);
      INDArray x = TestNetworks.features(DataType.FLOAT, 32, 20, 1);
      int[] labels = new int[32];
      Arrays.setAll(labels, i -> i % 3);
      INDArray y = TestNetworks.oneHot(DataType.FLOAT, labels, 3);
      List<Long> before = new ArrayList<>();
      List<Long> during = new ArrayList<>();
      long offeredSmall = 0;
      TelemetrySink smallSink = TelemetrySink.kafka(kafka, "outage-small", 16 * 1024);
      try (RoteTelemetry rote = RoteTelemetry.start(TelemetryConfig.defaults(run), kafka, new SimpleMeterRegistry())) {
        rote.attach(net);
        train(net, x, y, 100, before);
        offeredSmall += offerEvaluations(smallSink, small, 0, 100);
        broker.kill(1);
        long outageEnd = System.nanoTime() + OUTAGE.toNanos();
        int steps = 0;
        while (System.nanoTime() < outageEnd) {
          train(net, x, y, 10, during);
          offeredSmall += offerEvaluations(smallSink, small, 100 + steps, 10);
          steps += 10;
          Thread.sleep(50);
        }
        long heldAtOutageEnd = rote.sink().bufferedBytes();
        assertThat(rote.sink().bufferedBytes()).as("telemetry held during the outage").isPositive();
        assertThat(rote.sink().dropped()).isZero();
        broker.restart(1, Duration.ofSeconds(120));
        train(net, x, y, 50, before);
        offeredSmall += offerEvaluations(smallSink, small, 100 + steps, 50);
        rote.finish();
        smallSink.close(Duration.ofSeconds(30));
        rote.close();
        long trained = before.size() + during.size();
        assertThat(rote.sink().dropped()).isZero();

        List<Telemetry> received = read(kafka, run, trained).stream().filter(Telemetry::hasBatch).toList();
        assertThat(received).hasSize((int) trained);
        assertThat(received.stream().mapToLong(Telemetry::getStep).toArray())
            .as("every step once, in order").containsExactly(java.util.stream.LongStream.rangeClosed(1, trained)
                .toArray());

        long maxDuring = during.stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.printf("RELIABILITY telemetry-outage: %d steps trained during the %d s outage (longest %d ms, "
                + "longest before or after %d ms), %d bytes held at its end; %d steps in all, %d batch records in "
                + "Kafka, %d dropped; 16 KiB sink: %d offered, %d sent, %d dropped%n", during.size(),
            OUTAGE.toSeconds(), maxDuring, before.stream().mapToLong(Long::longValue).max().orElseThrow(),
            heldAtOutageEnd, trained, received.size(), rote.sink().dropped(), offeredSmall, smallSink.sent(),
            smallSink.dropped());
        assertThat(maxDuring).as("longest step during the outage, ms").isLessThan(1000);
        assertThat(during).as("steps trained while the broker was down").hasSizeGreaterThan(100);

        assertThat(smallSink.dropped()).as("records dropped by the small buffer").isPositive();
        assertThat(smallSink.sent() + smallSink.dropped()).isEqualTo(offeredSmall);
        List<Telemetry> kept = read(kafka, small, smallSink.sent());
        assertThat(kept).hasSize((int) smallSink.sent());
        assertThat(kept.stream().mapToLong(Telemetry::getStep)).isSorted();
      }
    }
  }

  private static void train(MultiLayerNetwork net, INDArray x, INDArray y, int steps, List<Long> millis) {
    for (int i = 0; i < steps; i++) {
      long t0 = System.nanoTime();
      net.fit(x, y);
      millis.add((System.nanoTime() - t0) / 1_000_000);
    }
  }

  /** Offers {@code n} evaluation records of about 1 KiB to {@code sink}; returns n. */
  private static long offerEvaluations(TelemetrySink sink, String run, long firstStep, int n) {
    for (int i = 0; i < n; i++) {
      long step = firstStep + i + 1;
      sink.offer(Topics.TELEMETRY, run, 1024, () -> Telemetry.newBuilder().setRunId(run).setStep(step)
          .setEvaluation(Evaluation.newBuilder().setSplit("x".repeat(1000))).build());
    }
    return n;
  }

  private static List<Telemetry> read(KafkaSettings kafka, String run, long expected) {
    List<Telemetry> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(kafka.with(Map.of(ConsumerConfig.GROUP_ID_CONFIG,
        "outage-reader-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")), Topics.TELEMETRY.keySerde().deserializer(),
        Topics.TELEMETRY.valueSerde().deserializer())) {
      consumer.subscribe(List.of(Topics.TELEMETRY.name()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(300)).forEach(r -> {
          if (run.equals(r.key())) {
            out.add(r.value());
          }
        });
      }
      // Anything beyond the expected count would be a duplicate: read a little longer.
      consumer.poll(Duration.ofSeconds(1)).forEach(r -> {
        if (run.equals(r.key())) {
          out.add(r.value());
        }
      });
    }
    return out;
  }
}
