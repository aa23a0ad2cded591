package dev.rote.analyzer;

import dev.rote.contract.v1.Indicator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The analyzer's meters. In Prometheus: {@code rote_analyzer_records_processed_total{type}},
 * {@code rote_analyzer_records_deadlettered_total{reason}},
 * {@code rote_analyzer_processing_latency_seconds} (trainer publish → indicator emitted) and
 * {@code rote_analyzer_indicator{run,indicator,layer,class}}, the latest value of every indicator,
 * and the latest per-layer statistics of each run's batch summaries:
 * {@code rote_analyzer_layer_gradient_norm{run,layer}}, {@code rote_analyzer_layer_update_ratio{run,layer}},
 * {@code rote_analyzer_layer_parameter_norm{run,layer}}.
 */
public final class AnalyzerMetrics implements MeterBinder {

  public static final String PROCESSED = "rote.analyzer.records.processed";
  public static final String DEAD_LETTERED = "rote.analyzer.records.deadlettered";
  public static final String LATENCY = "rote.analyzer.processing.latency";
  public static final String INDICATOR = "rote.analyzer.indicator";
  public static final String LAYER_GRADIENT_NORM = "rote.analyzer.layer.gradient.norm";
  public static final String LAYER_UPDATE_RATIO = "rote.analyzer.layer.update.ratio";
  public static final String LAYER_PARAMETER_NORM = "rote.analyzer.layer.parameter.norm";

  private MeterRegistry registry = new SimpleMeterRegistry();
  private Timer latency;
  private final Map<String, Counter> processed = new ConcurrentHashMap<>();
  private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
  /** Each run's gauges, so that a finished run's series can be removed together ({@link #removeRun}). */
  private final Map<String, RunMeters> runs = new ConcurrentHashMap<>();

  public AnalyzerMetrics() {
    bindTo(registry);
  }

  @Override
  public synchronized void bindTo(MeterRegistry r) {
    this.registry = r;
    processed.clear();
    deadLettered.clear();
    runs.clear();
    latency = Timer.builder(LATENCY)
        .description("Time from the trainer publishing telemetry to the analyzer emitting its indicators")
        .publishPercentileHistogram()
        .publishPercentiles(0.5, 0.99)
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(r);
    DEAD_LETTER_REASONS.forEach(reason -> deadLettered.computeIfAbsent(reason, t -> Counter.builder(DEAD_LETTERED)
        .description("Telemetry records sent to the dead-letter topic").tag("reason", t).register(r)));
  }

  /** Reasons the analyzer dead-letters for; their counters start at 0 so rates exist from the start. */
  public static final java.util.List<String> DEAD_LETTER_REASONS = java.util.List.of("deserialization",
      "null_record", "key_mismatch", "bad_step", "step_backwards", "no_payload", "not_finite", "negative_value",
      "out_of_range", "shape_mismatch", "too_large");

  public void processed(String type) {
    processed.computeIfAbsent(type, t -> Counter.builder(PROCESSED)
        .description("Telemetry records processed").tag("type", t).register(registry))
        .increment();
  }

  public void deadLettered(String reason) {
    deadLettered.computeIfAbsent(reason, t -> Counter.builder(DEAD_LETTERED)
        .description("Telemetry records sent to the dead-letter topic").tag("reason", t)
        .register(registry)).increment();
  }

  public void latency(long millis) {
    latency.record(Duration.ofMillis(Math.max(0, millis)));
  }

  public long deadLetteredCount() {
    return (long) deadLettered.values().stream().mapToDouble(Counter::count).sum();
  }

  /** Records the latest statistics of one layer of a run. */
  public void layer(String run, String layer, double gradientNorm, double updateRatio, double parameterNorm) {
    AtomicLong[] g = meters(run).layers.computeIfAbsent(layer, l -> new AtomicLong[] {
        gauge(run, LAYER_GRADIENT_NORM, "L2 norm of the raw loss gradient of the layer's parameters",
            Tags.of("run", run, "layer", l)),
        gauge(run, LAYER_UPDATE_RATIO, "||update|| / ||parameters|| of the layer at the step", Tags.of("run", run,
            "layer", l)),
        gauge(run, LAYER_PARAMETER_NORM, "L2 norm of the layer's parameters", Tags.of("run", run, "layer", l))});
    g[0].set(Double.doubleToLongBits(gradientNorm));
    g[1].set(Double.doubleToLongBits(updateRatio));
    g[2].set(Double.doubleToLongBits(parameterNorm));
  }

  /** Records the latest value of an indicator record: under its run, name, layer and class label. */
  public void indicator(Indicator i) {
    indicator(i.getRunId(), i.getName(), i.hasLayer() ? i.getLayer() : null, i.hasClassLabel() ? i.getClassLabel() : null,
        i.getValue());
  }

  /** Records the latest value of an indicator. */
  public void indicator(String run, String name, Integer layer, Integer label, double value) {
    String l = layer == null ? "all" : layer.toString();
    String c = label == null ? "all" : label.toString();
    meters(run).indicators.computeIfAbsent(name + "/" + l + "/" + c, k -> gauge(run, INDICATOR,
        "Latest value of a memorization indicator", Tags.of("run", run, "indicator", name, "layer", l, "class", c)))
        .set(Double.doubleToLongBits(value));
  }

  /** Runs with series in the registry. */
  public int runs() {
    return runs.size();
  }

  /** Removes every series of a run (its indicators and layer statistics) from the registry. */
  public void removeRun(String run) {
    RunMeters m = runs.remove(run);
    if (m != null) {
      m.meters.forEach(registry::remove);
    }
  }

  private RunMeters meters(String run) {
    return runs.computeIfAbsent(run, r -> new RunMeters());
  }

  private AtomicLong gauge(String run, String name, String description, Tags tags) {
    AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    meters(run).meters.add(Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get())).description(description)
        .tags(tags).register(registry));
    return bits;
  }

  /** One run's gauges: latest values as double bits, and the meters to remove with the run. */
  private static final class RunMeters {
    final Map<String, AtomicLong[]> layers = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> indicators = new ConcurrentHashMap<>();
    final List<Meter> meters = new CopyOnWriteArrayList<>();
  }
}
