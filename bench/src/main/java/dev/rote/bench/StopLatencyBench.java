package dev.rote.bench;

import dev.rote.alerting.AlertingService;
import dev.rote.alerting.RuleSet;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import dev.rote.pipeline.LocalPipeline;
import dev.rote.service.KafkaOptions;
import dev.rote.trainer.StopControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stop-latency", mixinStandardHelpOptions = true,
    description = "Time from an indicator published to rote.indicators to a trainer's stop control holding the "
        + "stop signal, through a real embedded broker and the alerting service (exactly-once).")
final class StopLatencyBench implements Runnable {

  static final RuleSet RULE = RuleSet.parse("""
      rules:
        - name: bench
          monitor: prediction_flip_rate
          stopping_threshold: 0.5
      """, "stop-latency rules");

  @Option(names = "--runs", paramLabel = "N", defaultValue = "200",
      description = "Stop signals measured, one per run (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "20",
      description = "Trainers (stop controls) listening at once (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "250",
      description = "Pause between signals (default: ${DEFAULT-VALUE}).")
  int intervalMs;

  @Override
  public void run() {
    try {
      List<Long> micros = measure();
      long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf("%n| samples | p50 | p90 | p99 | max |%n|---|---|---|---|---|%n| %d | %.1f ms | %.1f ms "
              + "| %.1f ms | %.1f ms |%n", sorted.length, Stats.percentile(sorted, 0.5) / 1e3,
          Stats.percentile(sorted, 0.9) / 1e3, Stats.percentile(sorted, 0.99) / 1e3,
          sorted[sorted.length - 1] / 1e3);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private List<Long> measure() throws InterruptedException {
    List<Long> out = new ArrayList<>();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = KafkaOptions.connect(broker.bootstrapServers(), null, 6, "1d");
      try (AlertingService alerting = new AlertingService(kafka, RULE, "rote-bench-alerting",
              new SimpleMeterRegistry(), LocalPipeline.tempDir("rote-bench-"));
          var producer = new KafkaProducer<>(kafka.with(Map.of(ProducerConfig.LINGER_MS_CONFIG, 0)),
              Topics.INDICATORS.keySerde().serializer(), Topics.INDICATORS.valueSerde().serializer())) {
        alerting.start(Duration.ofSeconds(60));
        warmUp(kafka, producer);
        for (int done = 0; done < runs; ) {
          int n = Math.min(batch, runs - done);
          List<StopControl> controls = new ArrayList<>();
          AtomicLong[] received = new AtomicLong[n];
          CountDownLatch[] latches = new CountDownLatch[n];
          for (int i = 0; i < n; i++) {
            String run = "latency-" + (done + i);
            StopControl c = new StopControl(kafka, run, System.currentTimeMillis() - 1000);
            AtomicLong at = received[i] = new AtomicLong();
            CountDownLatch l = latches[i] = new CountDownLatch(1);
            c.onStop(s -> {
              at.set(System.nanoTime());
              l.countDown();
            });
            controls.add(c);
          }
          Thread.sleep(3000); // let every control consumer find its partitions
          for (int i = 0; i < n; i++) {
            String run = "latency-" + (done + i);
            long sent = System.nanoTime();
            producer.send(new ProducerRecord<>(Topics.INDICATORS.name(), run, Indicator.newBuilder().setRunId(run)
                .setName("prediction_flip_rate").setStep(1).setValue(0.1)
                .setSourceTimeMs(System.currentTimeMillis()).build()));
            if (!latches[i].await(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException("no stop signal for " + run + " within 30 s");
            }
            out.add((received[i].get() - sent) / 1000);
            Thread.sleep(intervalMs);
          }
          controls.forEach(StopControl::close);
          done += n;
          System.out.printf("%d/%d signals, last %.1f ms%n", done, runs, out.get(out.size() - 1) / 1e3);
        }
      }
    }
    return out;
  }

  /** One signal through the whole path first, so class loading and first connections are not measured. */
  private static void warmUp(KafkaSettings kafka, KafkaProducer<String, Indicator> producer) throws InterruptedException {
    try (StopControl c = new StopControl(kafka, "latency-warmup", System.currentTimeMillis() - 1000)) {
      CountDownLatch l = new CountDownLatch(1);
      c.onStop(s -> l.countDown());
      producer.send(new ProducerRecord<>(Topics.INDICATORS.name(), "latency-warmup", Indicator.newBuilder()
          .setRunId("latency-warmup").setName("prediction_flip_rate").setStep(1).setValue(0.1).build()));
      if (!l.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("warm-up signal did not arrive");
      }
    }
  }
}
