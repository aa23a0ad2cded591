package dev.rote.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rote.broker.BrokerSecurity;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.replay.TelemetryCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security through the command line on the real embedded broker: {@code security init}, the broker
 * secured with its files, what each role's file lets a command do, and the secured demo's loop.
 */
@Tag("integration")
class SecurityIntegrationTest {

  @Test
  void shouldWriteTheFilesAndLetOnlyAlertingAndAdminStopARun(@TempDir Path dir) throws Exception {
    Path sec = dir.resolve("sec");
    RoteCliTest.Run init = RoteCliTest.run("security", "init", "--dir", sec.toString(), "--host", "kafka");
    assertThat(init.code()).as(init.err()).isZero();
    Path trainer = sec.resolve("trainer.properties");
    assertThat(Files.readString(trainer)).contains("security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512",
        "username=\"trainer\"", "ssl.truststore.type=PEM", "-----BEGIN CERTIFICATE-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(trainer))).isEqualTo("rw-------");
    RoteCliTest.Run again = RoteCliTest.run("security", "init", "--dir", sec.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("already holds security files");
    assertThat(RoteCliTest.run("security", "init", "--dir", sec.toString(), "--if-missing").code()).isZero();

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, null, BrokerSecurity.load(sec))) {
      String bs = broker.bootstrapServers();
      RoteCliTest.Run topics = RoteCliTest.run("security", "provision", "--dir", sec.toString(),
          "--bootstrap-servers", (String) broker.adminClient().get("bootstrap.servers"), "--partitions", "2");
      assertThat(topics.code()).as(topics.err()).isZero();
      assertThat(topics.out()).contains("users [trainer, analyzer, alerting, admin]");
      // A trainer announces its run with its own file.
      KafkaSettings asTrainer = KafkaSettings.load(bs, trainer);
      try (var p = new KafkaProducer<>(asTrainer.with(Map.of()), Topics.RUNS.keySerde().serializer(),
          Topics.RUNS.valueSerde().serializer())) {
        p.send(new ProducerRecord<>(Topics.RUNS.name(), "sec-run",
            RunMetadata.newBuilder().setRunId("sec-run").setStatus(RunStatus.RUN_STATUS_RUNNING).build())).get();
      }

      RoteCliTest.Run forced = RoteCliTest.run("stop", "sec-run", "--force", "--bootstrap-servers", bs,
          "--kafka-config", trainer.toString());
      assertThat(forced.code()).isEqualTo(1);
      assertThat(forced.err()).contains("not authorized to write rote.control")
          .contains("only the alerting and admin roles may send stop signals")
          .contains("Not authorized to access topics: [rote.control]");
      assertThat(forced.err().lines()).hasSize(1);
      RoteCliTest.Run checked = RoteCliTest.run("stop", "sec-run", "--bootstrap-servers", bs,
          "--kafka-config", trainer.toString());
      assertThat(checked.code()).isNotZero();
      assertThat(checked.err()).contains("Not authorized to access topics: [rote.runs]");

      Path admin = sec.resolve("admin.properties");
      RoteCliTest.Run stop = RoteCliTest.run("stop", "sec-run", "--bootstrap-servers", bs,
          "--kafka-config", admin.toString());
      assertThat(stop.code()).as(stop.err()).isZero();
      RoteCliTest.Run byAlerting = RoteCliTest.run("stop", "sec-run", "--force", "--bootstrap-servers", bs,
          "--kafka-config", sec.resolve("alerting.properties").toString());
      assertThat(byAlerting.code()).as(byAlerting.err()).isZero();
      assertThat(TelemetryCatalog.signals(KafkaSettings.load(bs, admin), Topics.CONTROL).value()).hasSize(2);

      RoteCliTest.Run runs = RoteCliTest.run("runs", "--bootstrap-servers", bs, "--kafka-config", admin.toString());
      assertThat(runs.code()).as(runs.err()).isZero();
      assertThat(runs.out()).contains("sec-run").contains("running");

      RoteCliTest.Run anonymous = RoteCliTest.run("runs", "--bootstrap-servers", bs);
      assertThat(anonymous.code()).as("a client without credentials is refused").isEqualTo(1);
      assertThat(anonymous.err()).contains("cannot reach Kafka at " + bs);
    }
  }

  @Test
  void shouldStopTheSecuredDemoRunWithEveryComponentOnItsOwnRole(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, FullLoopIntegrationTest.FAST_RULES);
    RoteCliTest.Run demo = RoteCliTest.run("demo", "--secure", "--rules", rules.toString(), "--train-size", "2000",
        "--epochs", "16", "--hidden", "128,128", "--learning-rate", "0.001", "--run-id", "secure-demo-it",
        "--no-full-run", "--out", dir.resolve("out").toString());
    assertThat(demo.code()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("(SASL_SSL, SCRAM-SHA-512, ACLs; client files in")
        .contains(">> stop signal secure-demo-it/memorization_onset from rule memorization_onset received")
        .contains("stopped by Rote after step");
    assertThat(dir.resolve("out/security/trainer.properties")).isNotEmptyFile();
  }
}
