package dev.rote.analyzer.internal;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Telemetry;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the NMF indicators of probe records that {@link TelemetryProcessor} has validated and
 * routed to the analyzer's probes topic. Stateless and deterministic.
 */
public final class NmfProcessor implements Processor<String, byte[], String, byte[]> {

  public static final String INDICATORS = "nmf-indicators-sink";
  /** The processor's name in the topology, and the tag of the records it dead-letters. */
  public static final String NAME = "nmf";

  private static final Logger log = LoggerFactory.getLogger(NmfProcessor.class);

  private final Indicators indicators;
  private final AnalyzerMetrics metrics;
  private ProcessorContext<String, byte[]> context;

  public NmfProcessor(AnalyzerConfig config, AnalyzerMetrics metrics) {
    this.indicators = new Indicators(config);
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Telemetry t;
    try {
      t = Telemetry.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      // Only validated records reach this topic; anything else was written by someone else.
      log.warn("skipping a probe record that does not parse: {}", e.getMessage());
      if (metrics.counted().first(NAME, context.recordMetadata())) {
        metrics.deadLettered("deserialization", context.recordMetadata().map(m -> m.topic()).orElse("unknown"),
            NAME);
      }
      return;
    }
    List<Indicator> out = indicators.probes(t, ProbeGroups.from(record.headers(), t.getProbes()).groups());
    for (Indicator i : out) {
      context.forward(record.withValue(i.toByteArray()), INDICATORS);
      metrics.indicator(i);
    }
    if (metrics.counted().first(NAME, context.recordMetadata()) && !out.isEmpty()) {
      metrics.latency(System.currentTimeMillis() - t.getTimeMs());
    }
  }
}
