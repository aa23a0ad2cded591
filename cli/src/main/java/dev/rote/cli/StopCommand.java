package dev.rote.cli;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.Topics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.contract.v1.RunStatus;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.replay.RunCatalog;
import dev.rote.service.KafkaOptions;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stop", mixinStandardHelpOptions = true,
    description = {"Send a stop signal to a run by hand. The run must be in rote.runs and still running, unless --force.",
        "A trainer that trains through Rote's iterator wrapper (rote.wrap(iterator)) or RoteTerminationCondition, "
            + "or checks rote.shouldStop() before each step (./rote train, the examples), finishes the step in "
            + "progress and stops; an epoch loop of net.fit(iterator) without the wrapper that checks "
            + "rote.shouldStop() between epochs stops at the end of the epoch."})
final class StopCommand implements Callable<Integer> {

  @Mixin KafkaOptions kafka;

  @Parameters(paramLabel = "RUN_ID", description = "The run to stop.")
  String runId;

  @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "stopped by hand",
      description = "Reason recorded with the signal (default: ${DEFAULT-VALUE}).")
  String reason;

  @Option(names = "--restore-step", paramLabel = "STEP",
      description = "Ask the trainer to restore the checkpoint closest to this step.")
  Long restoreStep;

  @Option(names = "--force",
      description = "Send the signal without checking rote.runs (a run not recorded there, or already ended).")
  boolean force;

  @Override
  public Integer call() throws Exception {
    KafkaSettings settings = kafka.connect(Duration.ofSeconds(15));
    if (!force) {
      check(RunCatalog.read(settings).value().get(runId));
    }
    StopSignal.Builder s = StopSignal.newBuilder()
        .setSignalId(UUID.randomUUID().toString())
        .setRunId(runId)
        .setRule("manual")
        .setReason(reason)
        .setAction(SignalAction.SIGNAL_ACTION_STOP)
        .setIssuedTimeMs(System.currentTimeMillis());
    if (restoreStep != null) {
      s.setRestoreStep(restoreStep);
    }
    send(settings, s.build());
    System.out.printf("stop signal %s sent to run %s%n", s.getSignalId(), runId);
    return 0;
  }

  /** Refuses a run that {@code rote.runs} does not know or that has ended: no trainer would act on it. */
  private void check(RunMetadata run) {
    if (run == null) {
      throw new IllegalArgumentException("run " + runId + " is not in " + Topics.RUNS.name()
          + " (./rote runs lists the known runs); --force sends the signal anyway");
    }
    if (run.getStatus() != RunStatus.RUN_STATUS_RUNNING) {
      throw new IllegalArgumentException("run " + runId + " has already ended (" + Console.status(run.getStatus())
          + "); no trainer reads its signals any more; --force sends the signal anyway");
    }
  }

  static void send(KafkaSettings settings, StopSignal signal) throws Exception {
    Map<String, Object> props = settings.with(Map.of(
        ProducerConfig.CLIENT_ID_CONFIG, "rote-stop",
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"));
    try (var producer = new KafkaProducer<>(props, Topics.CONTROL.keySerde().serializer(),
        Topics.CONTROL.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(Topics.CONTROL.name(), signal.getRunId(), signal))
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuthorizationException denied) {
        throw new IllegalStateException("not authorized to write " + Topics.CONTROL.name() + " with these Kafka "
            + "credentials (--kafka-config): only the alerting and admin roles may send stop signals: "
            + denied.getMessage(), denied);
      }
      throw e;
    }
  }
}
