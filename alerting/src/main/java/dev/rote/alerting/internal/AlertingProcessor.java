package dev.rote.alerting.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rote.alerting.AlertingMetrics;
import dev.rote.alerting.EvaluationListener;
import dev.rote.alerting.Rule;
import dev.rote.contract.DeadLetters;
import dev.rote.contract.RunIds;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.SignalAction;
import dev.rote.contract.v1.StopSignal;
import dev.rote.service.RunDirectory;
import dev.rote.service.RunEviction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses and validates indicator records, runs the rules on them with each run's state from the
 * {@link #STORE} store, and forwards every firing to {@link #ALERTS}, stop signals also to
 * {@link #CONTROL}, and rejected records to {@link #DEAD_LETTER}.
 */
public final class AlertingProcessor implements Processor<String, byte[], String, byte[]> {

  /** The processor's name in the topology. */
  public static final String NAME = "evaluate-rules";
  public static final String STORE = "alert-state";
  public static final String ALERTS = "alerts-sink";
  public static final String CONTROL = "control-sink";
  public static final String DEAD_LETTER = "deadletter-sink";

  private static final Logger log = LoggerFactory.getLogger(AlertingProcessor.class);

  private final RuleEngine engine;
  private final AlertingMetrics metrics;
  private final Map<String, Rule> byName = new HashMap<>();
  private ProcessorContext<String, byte[]> context;
  private KeyValueStore<String, RunAlerts> store;
  private RunDirectory runs;
  private RunEviction.Late eviction;

  public AlertingProcessor(RuleEngine engine, AlertingMetrics metrics) {
    this.engine = engine;
    this.metrics = metrics;
    engine.rules().rules().forEach(r -> byName.put(r.name(), r));
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.runs = RunDirectory.of(context);
    this.eviction = RunEviction.late(context);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Indicator i;
    try {
      i = parse(record);
    } catch (Rejected r) {
      deadLetter(record, r.reason, r.getMessage());
      return;
    }
    if (RunIds.isReplay(record.key())) {
      count(List.of(), List.of());
      return; // a replay evaluates its own rules and publishes its own alerts (./rote replay)
    }
    RunAlerts state = store.get(record.key());
    if (state == null) {
      state = new RunAlerts();
      eviction.stateCreated(record.key()); // a record after its run was evicted starts afresh, and goes again
    }
    metrics.runSeen(record.key(), engine.rules()); // at 0 from this process's first record of the run
    Evaluations evaluations = new Evaluations();
    List<StopSignal> signals = engine.apply(state, i, System.currentTimeMillis(), runs, evaluations);
    store.put(record.key(), state);
    List<StopSignal> fired = new ArrayList<>();
    for (StopSignal s : signals) {
      byte[] bytes = s.toByteArray();
      if (RuleEngine.isRuleError(s)) {
        context.forward(record.withValue(bytes), ALERTS); // the engine told the listener, which counts it
        log.warn("run {}: rule {} cannot evaluate this run and will not fire for it: {}", s.getRunId(), s.getRule(),
            s.getReason());
        continue;
      }
      context.forward(record.withValue(bytes), ALERTS);
      if (s.getAction() == SignalAction.SIGNAL_ACTION_STOP) {
        context.forward(record.withValue(bytes), CONTROL);
      }
      fired.add(s);
      log.info("run {}: rule {} fired ({}) at step {}: {}", s.getRunId(), s.getRule(),
          s.getAction() == SignalAction.SIGNAL_ACTION_STOP ? "stop" : "warn", s.getStep(), s.getReason());
    }
    count(evaluations.told, fired);
  }

  /**
   * Counts a record once its output is forwarded (a forward that throws leaves it uncounted), and
   * once per process: not again when an aborted transaction makes Kafka Streams process it again.
   */
  private void count(List<Consumer<EvaluationListener>> evaluations, List<StopSignal> fired) {
    if (!metrics.counted().first(NAME, context.recordMetadata())) {
      return;
    }
    metrics.processed();
    evaluations.forEach(e -> e.accept(metrics));
    for (StopSignal s : fired) {
      metrics.fired(byName.get(s.getRule()), s.getRunId(), s.getIssuedTimeMs() - s.getSourceTimeMs());
    }
  }

  /** What the engine told of one record's evaluations, to be counted with the record. */
  private static final class Evaluations implements EvaluationListener {
    final List<Consumer<EvaluationListener>> told = new ArrayList<>();

    @Override
    public void evaluated(Rule rule, String runId) {
      told.add(l -> l.evaluated(rule, runId));
    }

    @Override
    public void ruleError(Rule rule, String runId, String reason) {
      told.add(l -> l.ruleError(rule, runId, reason));
    }
  }

  private static Indicator parse(Record<String, byte[]> record) throws Rejected {
    if (record.key() == null || record.value() == null) {
      throw new Rejected("null_record", "record has a null key or value");
    }
    Indicator i;
    try {
      i = Indicator.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      throw new Rejected("deserialization", "not a valid rote.v1.Indicator: " + e.getMessage());
    }
    if (i.getRunId().isEmpty() || !i.getRunId().equals(record.key())) {
      throw new Rejected("run_id_mismatch", "indicator run id '" + i.getRunId() + "' differs from the key '"
          + record.key() + "'");
    }
    if (i.getName().isEmpty()) {
      throw new Rejected("missing_name", "indicator has no name");
    }
    if (i.getStep() < 0) {
      throw new Rejected("negative_step", "indicator step " + i.getStep() + " is negative");
    }
    return i;
  }

  private void deadLetter(Record<String, byte[]> record, String reason, String message) {
    var m = context.recordMetadata();
    log.warn("dead-lettering indicator record {} (key {}): {}",
        m.map(x -> x.topic() + "/" + x.partition() + "@" + x.offset()).orElse("unknown"), record.key(), message);
    var headers = DeadLetters.headers("alerting", reason, message, m.map(RecordMetadata::topic).orElse(null),
        m.map(RecordMetadata::partition).orElse(-1), m.map(RecordMetadata::offset).orElse(-1L));
    context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), DEAD_LETTER);
    if (metrics.counted().first(NAME, m)) { // once sent, and once per process (as in count)
      metrics.deadLettered(reason);
    }
  }

  private static final class Rejected extends Exception {
    final String reason;

    Rejected(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }
}
