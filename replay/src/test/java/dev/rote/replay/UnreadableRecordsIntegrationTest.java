package dev.rote.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.alerting.AlertingMetrics;
import dev.rote.alerting.RuleSet;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.TopicProvisioner;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Garbage and null values among a run's records on a real embedded broker: every read skips them,
 * counts them and says where they are, and goes on with the rest.
 */
@Tag("integration")
class UnreadableRecordsIntegrationTest {

  private static EmbeddedKafkaBroker broker;
  private static KafkaSettings kafka;
  private static final List<String> BAD_PLACES = new ArrayList<>();

  private static Telemetry batch(long step) {
    ExampleColumns.Builder e = ExampleColumns.newBuilder();
    for (int i = 0; i < 4; i++) {
      e.addExampleId(i).addLabel(i % 2).addPredicted((i + (int) step) % 2).addLoss(0.5f);
    }
    return Telemetry.newBuilder().setRunId("bad-run").setStep(step).setEpoch((int) (step - 1) / 5)
        .setBatch(BatchSummary.newBuilder().setLoss(1).setAccuracy(0.5).setBatchSize(4).setExamples(e)).build();
  }

  @BeforeAll
  static void record() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    kafka = KafkaSettings.of(broker.bootstrapServers());
    try (Admin admin = Admin.create(kafka.with(Map.of()))) {
      new TopicProvisioner(3, null).ensureTopics(admin, Duration.ofSeconds(30));
    }
    try (var p = new KafkaProducer<>(kafka.with(Map.of()), new StringSerializer(), new ByteArraySerializer())) {
      for (long step = 1; step <= 30; step++) {
        p.send(new ProducerRecord<>(Topics.TELEMETRY.name(), "bad-run", batch(step).toByteArray())).get();
        if (step == 10) {
          BAD_PLACES.add(place(p.send(new ProducerRecord<>(Topics.TELEMETRY.name(), "bad-run", null)).get()));
        }
        if (step == 20) {
          BAD_PLACES.add(place(p.send(new ProducerRecord<>(Topics.TELEMETRY.name(), "bad-run",
              new byte[] {(byte) 0xff, 0x13, 0x37})).get()));
        }
      }
      p.send(new ProducerRecord<>(Topics.TELEMETRY.name(), "other-run", null)).get();
      p.send(new ProducerRecord<>(Topics.RUNS.name(), "bad-run",
          RunMetadata.newBuilder().setRunId("bad-run").build().toByteArray())).get();
      p.send(new ProducerRecord<>(Topics.RUNS.name(), "garbage-run", new byte[] {(byte) 0xff})).get();
      p.send(new ProducerRecord<>(Topics.RUNS.name(), "gone-run",
          RunMetadata.newBuilder().setRunId("gone-run").build().toByteArray())).get();
      p.send(new ProducerRecord<>(Topics.RUNS.name(), "gone-run", null)).get();
    }
  }

  private static String place(RecordMetadata m) {
    return m.topic() + "/" + m.partition() + "@" + m.offset();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void shouldReadARunsRecordsAndNoteTheUnreadableOnesWithTheirPlaces() {
    RunTopics.Slice<Telemetry> slice = RunTopics.read(kafka, Topics.TELEMETRY, "bad-run");
    assertThat(slice.values()).extracting(Telemetry::getStep).hasSize(30).startsWith(1L, 2L).endsWith(30L);
    assertThat(slice.unreadable()).extracting(Unreadable::place).containsExactlyElementsOf(BAD_PLACES);
    assertThat(slice.unreadable().get(0).reason()).isEqualTo("null value");
    assertThat(slice.unreadable().get(1).reason()).startsWith("record on rote.telemetry is not a valid rote.v1.Telemetry: ");
  }

  @Test
  void shouldNoteUnreadableRecordsInTheCatalogsButKeepTombstonesAsDeletions() {
    Read<Map<String, RunMetadata>> runs = RunCatalog.read(kafka);
    assertThat(runs.value()).containsOnlyKeys("bad-run");
    assertThat(runs.unreadable()).singleElement().satisfies(u -> {
      assertThat(u.topic()).isEqualTo(Topics.RUNS.name());
      assertThat(u.reason()).contains("not a valid rote.v1.RunMetadata");
    });
    Read<Map<String, TelemetryCatalog.Span>> spans = TelemetryCatalog.spans(kafka);
    assertThat(spans.value().get("bad-run")).isEqualTo(new TelemetryCatalog.Span(30, 1, 30));
    assertThat(spans.unreadable()).hasSize(3).extracting(Unreadable::place).containsAll(BAD_PLACES);
  }

  @Test
  void shouldReportUnreadableRecordsInABacktestOutcome() throws Exception {
    List<List<Unreadable>> reported = new ArrayList<>();
    ReplayJob job = new ReplayJob(kafka, new HashMap<>(), new ReplayJob.Request(List.of(RuleSet.defaults()),
        List.of("built-in rules"), true, 0, 0, true, false), new AnalyzerMetrics(), new AlertingMetrics(),
        new ReplayJob.Listener() {
          @Override
          public void unreadable(String runId, List<Unreadable> records) {
            reported.add(records);
          }
        });
    List<Outcome> outcomes = job.replay("bad-run");
    assertThat(outcomes).singleElement().satisfies(o -> {
      assertThat(o.unreadableRecords()).isEqualTo(2);
      assertThat(o.unreadable()).extracting(Unreadable::place).containsExactlyElementsOf(BAD_PLACES);
      assertThat(o.firstStep()).isEqualTo(1);
      assertThat(o.lastStep()).isEqualTo(30);
    });
    assertThat(reported).singleElement().asList().hasSize(2);
  }
}
