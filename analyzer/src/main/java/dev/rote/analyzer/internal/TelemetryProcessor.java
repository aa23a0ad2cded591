package dev.rote.analyzer.internal;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.analyzer.CaughtUpCommits;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Telemetry;
import dev.rote.service.RunEviction;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a run's telemetry into indicators: parses and validates each record, updates the run's
 * state in the {@code run-state} store, and forwards indicators to {@link #INDICATORS}, rejected
 * records to {@link #DEAD_LETTER}, valid probe records to {@link #PROBES} for the NMF processor and
 * valid batch records, parsed, to {@link #SUSPECTS} (unless the suspect ranking is off). Sinks get
 * {@code byte[]} values; only that child gets a {@link Telemetry}.
 */
public final class TelemetryProcessor implements Processor<String, byte[], String, Object> {

  public static final String STORE = "run-state";
  public static final String INDICATORS = "indicators-sink";
  public static final String DEAD_LETTER = DeadLetterSink.NAME;
  public static final String PROBES = "probes-sink";
  /** The child that keeps per-example statistics ({@link SuspectsProcessor}); gets every valid batch record. */
  public static final String SUSPECTS = SuspectsProcessor.NAME;

  private static final Logger log = LoggerFactory.getLogger(TelemetryProcessor.class);
  private static final java.util.Map<Telemetry.PayloadCase, String> TYPES = new java.util.EnumMap<>(
      Telemetry.PayloadCase.class);

  static {
    for (Telemetry.PayloadCase c : Telemetry.PayloadCase.values()) {
      TYPES.put(c, c.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  private final TelemetryValidator validator;
  private final Indicators indicators;
  private final AnalyzerMetrics metrics;
  private final boolean suspects;
  private ProcessorContext<String, Object> context;
  /** A write-behind store: {@code get} returns the live state, {@code put} marks it for the next commit. */
  private KeyValueStore<String, RunState> store;
  private RunEviction.Late eviction;
  private final CaughtUpCommits caughtUpCommits;

  public TelemetryProcessor(AnalyzerConfig config, AnalyzerMetrics metrics) {
    this.validator = new TelemetryValidator(config);
    this.indicators = new Indicators(config);
    this.metrics = metrics;
    this.suspects = config.suspectsTop() > 0;
    this.caughtUpCommits = config.caughtUpCommits();
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.eviction = RunEviction.late(context);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Telemetry t;
    try {
      if (record.key() == null || record.value() == null) {
        throw new TelemetryValidator.Rejected("null_record", "record has a null key or value");
      }
      try {
        t = Telemetry.parseFrom(record.value());
      } catch (InvalidProtocolBufferException e) {
        throw new TelemetryValidator.Rejected("deserialization", "not a valid rote.v1.Telemetry: " + e.getMessage());
      }
      RunState state = store.get(record.key());
      if (state == null) {
        state = new RunState();
        eviction.stateCreated(record.key()); // a record after its run was evicted starts afresh, and goes again
      }
      validator.validate(record.key(), t, state.lastStep);
      List<Indicator> out = indicators.apply(state, t);
      store.put(record.key(), state);
      if (t.hasProbes()) {
        // NMF is costly: it runs in its own sub-topology so that it never delays batch indicators.
        // The groups of the probe rows come from this run's state, so they travel with the record.
        Record<String, byte[]> probes = record.withHeaders(record.headers());
        probes.headers().remove(ProbeGroups.HEADER).add(ProbeGroups.header(ProbeGroups.of(t.getProbes(), state)));
        context.forward(probes, PROBES);
      }
      if (suspects && t.hasBatch()) {
        context.forward(record.withValue(t), SUSPECTS); // parsed: saves the child parsing it again
      }
      for (Indicator i : out) {
        context.forward(record.withValue(i.toByteArray()), INDICATORS);
        metrics.indicator(i);
      }
      if (!out.isEmpty() && CommitRequests.ofCurrentThread(caughtUpCommits)
          .request(record.timestamp(), context.currentSystemTimeMs())) {
        // Caught up: commit now rather than at the next commit interval, so readers see them sooner.
        context.commit();
      }
      if (t.hasBatch()) {
        for (var l : t.getBatch().getLayersList()) {
          metrics.layer(t.getRunId(), Integer.toString(l.getIndex()), l.getGradientNorm(), l.getUpdateRatio(),
              l.getParameterNorm());
        }
      }
      // Counted once sent (a failed send throws above), and once per process: not again when an
      // aborted transaction makes Kafka Streams process the record again.
      if (metrics.counted().first(AnalyzerMetrics.ANALYZE_PROCESSOR, context.recordMetadata())) {
        metrics.processed(TYPES.get(t.getPayloadCase()));
        if (!out.isEmpty()) {
          metrics.latency(System.currentTimeMillis() - t.getTimeMs());
        }
      }
    } catch (TelemetryValidator.Rejected r) {
      DeadLetterSink.forward(context, record, r.reason, r.getMessage(), metrics, log, AnalyzerMetrics.ANALYZE_PROCESSOR);
    }
  }
}
