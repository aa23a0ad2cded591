package dev.rote.cli;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.Indicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Reads committed indicators until a condition holds. */
final class AnalyzerIntegrationTestSupport {

  private AnalyzerIntegrationTestSupport() {}

  static List<Indicator> readUntil(KafkaSettings kafka, Duration timeout, Predicate<List<Indicator>> done) {
    List<Indicator> out = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(kafka.with(Map.of(
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")), Topics.INDICATORS.keySerde().deserializer(),
        Topics.INDICATORS.valueSerde().deserializer())) {
      consumer.subscribe(List.of(Topics.INDICATORS.name()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && !done.test(out)) {
        consumer.poll(Duration.ofMillis(300)).forEach(r -> out.add(r.value()));
      }
    }
    return out;
  }
}
