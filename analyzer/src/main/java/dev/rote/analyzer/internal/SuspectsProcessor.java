package dev.rote.analyzer.internal;

import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.v1.SuspectRanking;
import dev.rote.contract.v1.Telemetry;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the per-example statistics of every run from the batch summaries {@link TelemetryProcessor}
 * validated and parsed, in the stores of {@link ExampleStatsStore}, and publishes the run's
 * suspect ranking to {@link #SUSPECTS} once per epoch. A batch whose example ids fall outside the
 * training set its run declared goes to the dead-letter sink instead.
 */
public final class SuspectsProcessor implements Processor<String, Telemetry, String, byte[]> {

  public static final String NAME = "suspects";
  public static final String SUSPECTS = "suspects-sink";

  private static final Logger log = LoggerFactory.getLogger(SuspectsProcessor.class);

  private final SuspectTracker tracker = new SuspectTracker();
  private final ExampleStatsStore store = new ExampleStatsStore();
  private final AnalyzerMetrics metrics;
  private final int top;
  private ProcessorContext<String, byte[]> context;

  public SuspectsProcessor(AnalyzerConfig config, AnalyzerMetrics metrics) {
    this.metrics = metrics;
    this.top = config.suspectsTop();
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    store.init(context);
  }

  @Override
  public void process(Record<String, Telemetry> record) {
    Telemetry t = record.value();
    SuspectRun run = store.run(record.key());
    try {
      tracker.check(run, t);
    } catch (TelemetryValidator.Rejected r) {
      DeadLetterSink.forward(context, record.withValue(t.toByteArray()), r.reason, r.getMessage(), metrics, log, NAME);
      return;
    }
    var storage = store.storageOf(record.key(), run);
    if (tracker.add(run, storage, t)) {
      publish(context, record, tracker.ranking(record.key(), run, storage, top), metrics);
    } else if (tracker.foldDue(run)) {
      tracker.fold(run, storage);
    }
    store.put(record.key(), run);
  }

  static void publish(ProcessorContext<String, byte[]> context, Record<String, ?> cause, SuspectRanking ranking,
      AnalyzerMetrics metrics) {
    context.forward(new Record<>(ranking.getRunId(), ranking.toByteArray(), cause.timestamp()), SUSPECTS);
    metrics.suspects(ranking);
  }
}
