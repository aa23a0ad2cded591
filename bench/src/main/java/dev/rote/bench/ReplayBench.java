package dev.rote.bench;

import dev.rote.alerting.RuleSet;
import dev.rote.broker.EmbeddedKafkaBroker;
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.BatchSummary;
import dev.rote.contract.v1.Evaluation;
import dev.rote.contract.v1.ExampleColumns;
import dev.rote.contract.v1.LayerActivations;
import dev.rote.contract.v1.LayerStats;
import dev.rote.contract.v1.Matrix;
import dev.rote.contract.v1.ProbeActivations;
import dev.rote.contract.v1.DatasetInfo;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.Telemetry;
import dev.rote.replay.Replay;
import dev.rote.replay.RunTopics;
import dev.rote.service.KafkaOptions;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay throughput: a recorded run of N steps (synthetic telemetry shaped like the reference "
        + "trainer's) on a real embedded broker, read back and fed through the analysis and the built-in rules.")
final class ReplayBench implements Runnable {

  @Option(names = "--steps", paramLabel = "N", defaultValue = "10000", description = "Steps recorded (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128", description = "Examples per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--probe-every", paramLabel = "N", defaultValue = "100",
      description = "A probe record (10 classes x 32 examples x 2 layers of 512 units) every N steps (default: ${DEFAULT-VALUE}).")
  int probeEvery;

  @Option(names = "--repeat", paramLabel = "N", defaultValue = "3", description = "Timed repetitions (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Override
  public void run() {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      KafkaSettings kafka = KafkaOptions.connect(broker.bootstrapServers(), null, 6, "1d");
      String run = "bench-replay";
      long bytes = record(kafka, run);
      System.out.printf("recorded %d steps (%.1f MB of telemetry)%n", steps, bytes / 1e6);
      List<RuleSet> rules = List.of(RuleSet.defaults());
      System.out.printf("%n| phase | seconds (best of %d) | steps/s | indicators | rejected records |%n"
          + "|---|---|---|---|---|%n", repeat);
      for (String phase : List.of("read", "replay without NMF", "replay with NMF")) {
        double best = Double.MAX_VALUE;
        Replay.Result result = null;
        for (int i = 0; i < repeat; i++) {
          long t0 = System.nanoTime();
          List<Telemetry> telemetry = RunTopics.read(kafka, Topics.TELEMETRY, run).values();
          if (!phase.equals("read")) {
            result = Replay.run(telemetry, metadata(run), run + "@bench",
                new Replay.Options(0, 0, phase.endsWith("with NMF")), rules, x -> { }, x -> { });
          }
          best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("| %s | %.2f | %.0f | %s | %s |%n", phase, best, steps / best,
            result == null ? "-" : result.indicators().size(), result == null ? "-" : result.rejected());
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The recorded run's metadata: its 10,000 examples and batch size, as a trainer publishes them. */
  private RunMetadata metadata(String run) {
    return RunMetadata.newBuilder().setRunId(run).setDataset(DatasetInfo.newBuilder().setTrainSize(10_000))
        .putHyperparameters("batch_size", Integer.toString(batchSize)).build();
  }

  private long record(KafkaSettings kafka, String run) throws Exception {
    SplittableRandom rnd = new SplittableRandom(7);
    int examples = 10_000;
    int stepsPerEpoch = (examples + batchSize - 1) / batchSize;
    long bytes = 0;
    try (var producer = new KafkaProducer<>(kafka.with(Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20,
        ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES)),
        Topics.TELEMETRY.keySerde().serializer(), Topics.TELEMETRY.valueSerde().serializer())) {
      for (int step = 1; step <= steps; step++) {
        int epoch = (step - 1) / stepsPerEpoch;
        double skill = Math.min(0.9, 0.3 + step / (double) steps);
        ExampleColumns.Builder e = ExampleColumns.newBuilder();
        for (int i = 0; i < batchSize; i++) {
          int label = rnd.nextInt(10);
          e.addExampleId(((long) (step - 1) * batchSize + i) % examples).addLabel(label)
              .addPredicted(rnd.nextDouble() < skill ? label : rnd.nextInt(10)).addLoss((float) rnd.nextDouble(3));
          if (step % 10 == 0) {
            e.addSensitivity((float) rnd.nextDouble(5));
          }
        }
        BatchSummary.Builder b = BatchSummary.newBuilder().setLoss(1).setAccuracy(skill).setBatchSize(batchSize)
            .setExamples(e);
        if (step % 10 == 0) {
          for (int l = 0; l < 3; l++) {
            b.addLayers(LayerStats.newBuilder().setIndex(l).setName("layer" + l).setParameterNorm(10)
                .setGradientNorm(1).setUpdateRatio(1e-3));
          }
        }
        bytes += send(producer, header(run, step, epoch).setBatch(b).build());
        if (probeEvery > 0 && step % probeEvery == 0) {
          bytes += send(producer, header(run, step, epoch).setProbes(probes(rnd)).build());
        }
        if (step % stepsPerEpoch == 0) {
          bytes += send(producer, header(run, step, epoch).setEvaluation(Evaluation.newBuilder().setSplit("test")
              .setAccuracy(skill).setLoss(1).setExampleCount(10_000)).build());
        }
      }
      producer.flush();
    }
    return bytes;
  }

  private static Telemetry.Builder header(String run, long step, int epoch) {
    return Telemetry.newBuilder().setRunId(run).setStep(step).setEpoch(epoch).setTimeMs(step * 20);
  }

  private static ProbeActivations probes(SplittableRandom rnd) {
    ProbeActivations.Builder p = ProbeActivations.newBuilder();
    for (int c = 0; c < 10; c++) {
      for (int i = 0; i < 32; i++) {
        p.addExampleIds(c * 32 + i).addLabels(c);
      }
    }
    for (int l = 0; l < 2; l++) {
      Matrix.Builder m = Matrix.newBuilder().setRows(320).setCols(512);
      for (int i = 0; i < 320 * 512; i++) {
        m.addData(rnd.nextDouble() < 0.5 ? 0f : (float) rnd.nextDouble());
      }
      p.addLayers(LayerActivations.newBuilder().setIndex(l).setName("hidden" + l).setActivations(m));
    }
    return p.build();
  }

  private static long send(KafkaProducer<String, Telemetry> producer, Telemetry t) {
    producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), t.getRunId(), t));
    return t.getSerializedSize();
  }
}
