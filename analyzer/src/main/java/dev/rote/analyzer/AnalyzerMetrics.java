package dev.rote.analyzer;

import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Suspect;
import dev.rote.contract.v1.SuspectRanking;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The analyzer's meters. In Prometheus: {@code rote_analyzer_records_processed_total{type}},
 * {@code rote_analyzer_records_deadlettered_total{reason}},
 * {@code rote_analyzer_processing_latency_seconds} (trainer publish → indicator emitted) and
 * {@code rote_analyzer_indicator{run,indicator,layer,class}}, the latest value of every indicator,
 * and the latest per-layer statistics of each run's batch summaries:
 * {@code rote_analyzer_layer_gradient_norm{run,layer}}, {@code rote_analyzer_layer_update_ratio{run,layer}},
 * {@code rote_analyzer_layer_parameter_norm{run,layer}}; and the top {@value #SUSPECT_RANKS} of each
 * run's latest suspect-label ranking, one series per rank (bounded; the example id is the value):
 * {@code rote_analyzer_suspect_example_id{run,rank}}, {@code rote_analyzer_suspect_score{run,rank}},
 * {@code rote_analyzer_suspect_label{run,rank}}, {@code rote_analyzer_suspect_predicted_label{run,rank}},
 * with {@code rote_analyzer_suspected_examples{run}} (score above 0.5) and
 * {@code rote_analyzer_suspect_ranking_step{run}}.
 */
public final class AnalyzerMetrics implements MeterBinder {

  public static final String PROCESSED = "rote.analyzer.records.processed";
  public static final String DEAD_LETTERED = "rote.analyzer.records.deadlettered";
  public static final String LATENCY = "rote.analyzer.processing.latency";
  public static final String INDICATOR = "rote.analyzer.indicator";
  public static final String LAYER_GRADIENT_NORM = "rote.analyzer.layer.gradient.norm";
  public static final String LAYER_UPDATE_RATIO = "rote.analyzer.layer.update.ratio";
  public static final String LAYER_PARAMETER_NORM = "rote.analyzer.layer.parameter.norm";
  public static final String SUSPECT_EXAMPLE_ID = "rote.analyzer.suspect.example.id";
  public static final String SUSPECT_SCORE = "rote.analyzer.suspect.score";
  public static final String SUSPECT_LABEL = "rote.analyzer.suspect.label";
  public static final String SUSPECT_PREDICTED_LABEL = "rote.analyzer.suspect.predicted.label";
  public static final String SUSPECTED_EXAMPLES = "rote.analyzer.suspected.examples";
  public static final String SUSPECT_RANKING_STEP = "rote.analyzer.suspect.ranking.step";

  /** Ranks of each run's suspect ranking kept as metrics. */
  public static final int SUSPECT_RANKS = 10;

  private MeterRegistry registry = new SimpleMeterRegistry();
  private Timer latency;
  private final Map<String, Counter> processed = new ConcurrentHashMap<>();
  private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
  private final Map<Tags, AtomicLong> gauges = new ConcurrentHashMap<>();

  public AnalyzerMetrics() {
    bindTo(registry);
  }

  @Override
  public synchronized void bindTo(MeterRegistry r) {
    this.registry = r;
    processed.clear();
    deadLettered.clear();
    gauges.clear();
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
      "out_of_range", "shape_mismatch", "too_large", "example_id_outside_training_set");

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
    dev.rote.service.Latencies.record(latency, millis);
  }

  public long deadLetteredCount() {
    return (long) deadLettered.values().stream().mapToDouble(Counter::count).sum();
  }

  /** Records the latest statistics of one layer of a run. */
  public void layer(String run, String layer, double gradientNorm, double updateRatio, double parameterNorm) {
    gauge(LAYER_GRADIENT_NORM, "L2 norm of the raw loss gradient of the layer's parameters", Tags.of("run", run,
        "layer", layer), gradientNorm);
    gauge(LAYER_UPDATE_RATIO, "||update|| / ||parameters|| of the layer at the step", Tags.of("run", run,
        "layer", layer), updateRatio);
    gauge(LAYER_PARAMETER_NORM, "L2 norm of the layer's parameters", Tags.of("run", run, "layer", layer),
        parameterNorm);
  }

  private void gauge(String name, String description, Tags tags, double value) {
    gauges.computeIfAbsent(tags.and("__name", name), t -> {
      AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
      Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get())).description(description).tags(tags)
          .register(registry);
      return bits;
    }).set(Double.doubleToLongBits(value));
  }

  /** Records the latest value of an indicator record: under its run, name, layer and class label. */
  public void indicator(Indicator i) {
    indicator(i.getRunId(), i.getName(), i.hasLayer() ? i.getLayer() : null, i.hasClassLabel() ? i.getClassLabel() : null,
        i.getValue());
  }

  /** Records the latest value of an indicator. */
  public void indicator(String run, String name, Integer layer, Integer label, double value) {
    Tags tags = Tags.of("run", run, "indicator", name, "layer", layer == null ? "all" : layer.toString(),
        "class", label == null ? "all" : label.toString());
    gauges.computeIfAbsent(tags, t -> {
      AtomicLong bits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
      Gauge.builder(INDICATOR, bits, b -> Double.longBitsToDouble(b.get()))
          .description("Latest value of a memorization indicator").tags(t).register(registry);
      return bits;
    }).set(Double.doubleToLongBits(value));
  }

  /**
   * Records a run's latest suspect ranking: its top {@value #SUSPECT_RANKS} examples by rank (NaN
   * for ranks the ranking does not fill), the number of suspected examples and the ranking's step.
   */
  public void suspects(SuspectRanking r) {
    String run = r.getRunId();
    for (int rank = 1; rank <= SUSPECT_RANKS; rank++) {
      Suspect s = rank <= r.getSuspectsCount() ? r.getSuspects(rank - 1) : null;
      Tags tags = Tags.of("run", run, "rank", Integer.toString(rank));
      gauge(SUSPECT_EXAMPLE_ID, "Example id at this rank of the run's suspect-label ranking", tags,
          s == null ? Double.NaN : s.getExampleId());
      gauge(SUSPECT_SCORE, "Suspicion score at this rank of the run's suspect-label ranking", tags,
          s == null ? Double.NaN : s.getScore());
      gauge(SUSPECT_LABEL, "Training label of the example at this rank of the suspect-label ranking", tags,
          s == null ? Double.NaN : s.getLabel());
      gauge(SUSPECT_PREDICTED_LABEL, "Label the network predicts most for the example at this rank", tags,
          s == null ? Double.NaN : s.getPredictedLabel());
    }
    gauge(SUSPECTED_EXAMPLES, "Training examples whose suspicion score is above 0.5", Tags.of("run", run),
        r.getSuspected());
    gauge(SUSPECT_RANKING_STEP, "Training step of the run's latest suspect-label ranking", Tags.of("run", run),
        r.getStep());
  }
}
