package dev.rote.analyzer;

import dev.rote.contract.v1.Indicator;
import dev.rote.contract.v1.Suspect;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.service.CountedOffsets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
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
 * {@code rote_analyzer_layer_parameter_norm{run,layer}}; and the top {@value #SUSPECT_RANKS} of each
 * run's latest suspect-label ranking, one series per rank (bounded; the example id is the value):
 * {@code rote_analyzer_suspect_example_id{run,rank}}, {@code rote_analyzer_suspect_score{run,rank}},
 * {@code rote_analyzer_suspect_label{run,rank}}, {@code rote_analyzer_suspect_predicted_label{run,rank}},
 * with {@code rote_analyzer_suspected_examples{run}} (score above 0.5) and
 * {@code rote_analyzer_suspect_ranking_step{run}}. A run's series go when its state is evicted
 * ({@link #runEvicted}), counted by {@code rote_analyzer_runs_evicted_total}.
 */
public final class AnalyzerMetrics implements MeterBinder {

  public static final String PROCESSED = "rote.analyzer.records.processed";
  public static final String DEAD_LETTERED = "rote.analyzer.records.deadlettered";
  /** Tag values of {@link #DEAD_LETTERED} for the telemetry the analyzing processor rejects. */
  public static final String TELEMETRY_TOPIC = "rote.telemetry";
  public static final String ANALYZE_PROCESSOR = "analyze";
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
  public static final String RUNS_EVICTED = "rote.analyzer.runs.evicted";
  public static final String REPROCESSED = "rote.analyzer.records.reprocessed";

  /** Ranks of each run's suspect ranking kept as metrics. */
  public static final int SUSPECT_RANKS = 10;

  private MeterRegistry registry = new SimpleMeterRegistry();
  private Timer latency;
  private Counter evicted;
  private final CountedOffsets counted = new CountedOffsets();
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
    counted.clear();
    FunctionCounter.builder(REPROCESSED, counted, CountedOffsets::repeats)
        .description("Records a processor ran again (after an aborted transaction) and did not count again")
        .register(r);
    latency = Timer.builder(LATENCY)
        .description("Time from the trainer publishing telemetry to the analyzer emitting its indicators")
        .publishPercentileHistogram()
        .publishPercentiles(0.5, 0.99)
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(r);
    evicted = Counter.builder(RUNS_EVICTED).description("Finished runs whose state and series were evicted")
        .register(r);
    DEAD_LETTER_REASONS.forEach(this::deadLetterCounter);
  }

  /** Reasons the analyzer dead-letters for; their counters start at 0 so rates exist from the start. */
  public static final java.util.List<String> DEAD_LETTER_REASONS = java.util.List.of("deserialization",
      "null_record", "key_mismatch", "bad_step", "step_backwards", "no_payload", "not_finite", "negative_value",
      "out_of_range", "shape_mismatch", "too_large", "example_id_outside_training_set");

  /**
   * Which consumed records the counters have counted: a processor asks it once per record and
   * counts only a first ({@link CountedOffsets#first}).
   */
  public CountedOffsets counted() {
    return counted;
  }

  public void processed(String type) {
    processed.computeIfAbsent(type, t -> Counter.builder(PROCESSED)
        .description("Telemetry records processed, each counted once per process").tag("type", t).register(registry))
        .increment();
  }

  /** Counts a {@code rote.telemetry} record the analyzing processor dead-lettered. */
  public void deadLettered(String reason) {
    deadLettered(reason, TELEMETRY_TOPIC, ANALYZE_PROCESSOR);
  }

  /**
   * Counts a dead-lettered record by its reason, the topic it came from and the processor that
   * rejected it ({@code analyze}, {@code suspects}, {@code validate-runs}, {@code nmf}): one record is
   * used or dead-lettered once per processor that reads it.
   */
  public void deadLettered(String reason, String topic, String processor) {
    deadLettered.computeIfAbsent(reason + "|" + topic + "|" + processor, k -> Counter.builder(DEAD_LETTERED)
        .description("Records sent to the dead-letter topic, each counted once per process").tag("reason", reason).tag("topic", topic)
        .tag("processor", processor).register(registry)).increment();
  }

  private void deadLetterCounter(String reason) {
    deadLettered.computeIfAbsent(reason + "|" + TELEMETRY_TOPIC + "|" + ANALYZE_PROCESSOR, k -> Counter.builder(
        DEAD_LETTERED).description("Records sent to the dead-letter topic, each counted once per process").tag("reason", reason)
        .tag("topic", TELEMETRY_TOPIC).tag("processor", ANALYZE_PROCESSOR).register(registry));
  }

  public void latency(long millis) {
    dev.rote.service.Latencies.record(latency, millis);
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

  /** A finished run's state was evicted: its series go, and the eviction is counted. */
  public void runEvicted(String run) {
    removeRun(run);
    countEviction();
  }

  /** Counts an eviction ({@code rote_analyzer_runs_evicted_total}). */
  public void countEviction() {
    evicted.increment();
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

  /** Sets a run's gauge {@code name} with {@code tags}, registering it (removable with the run) on first use. */
  private void set(String run, String name, String description, Tags tags, double value) {
    meters(run).other.computeIfAbsent(tags.and("__name", name), t -> gauge(run, name, description, tags))
        .set(Double.doubleToLongBits(value));
  }

  /** One run's gauges: latest values as double bits, and the meters to remove with the run. */
  private static final class RunMeters {
    final Map<Tags, AtomicLong> other = new ConcurrentHashMap<>();
    final Map<String, AtomicLong[]> layers = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> indicators = new ConcurrentHashMap<>();
    final List<Meter> meters = new CopyOnWriteArrayList<>();
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
      set(run, SUSPECT_EXAMPLE_ID, "Example id at this rank of the run's suspect-label ranking", tags,
          s == null ? Double.NaN : s.getExampleId());
      set(run, SUSPECT_SCORE, "Suspicion score at this rank of the run's suspect-label ranking", tags,
          s == null ? Double.NaN : s.getScore());
      set(run, SUSPECT_LABEL, "Training label of the example at this rank of the suspect-label ranking", tags,
          s == null ? Double.NaN : s.getLabel());
      set(run, SUSPECT_PREDICTED_LABEL, "Label the network predicts most for the example at this rank", tags,
          s == null ? Double.NaN : s.getPredictedLabel());
    }
    set(run, SUSPECTED_EXAMPLES, "Training examples whose suspicion score is above 0.5", Tags.of("run", run),
        r.getSuspected());
    set(run, SUSPECT_RANKING_STEP, "Training step of the run's latest suspect-label ranking", Tags.of("run", run),
        r.getStep());
  }
}
