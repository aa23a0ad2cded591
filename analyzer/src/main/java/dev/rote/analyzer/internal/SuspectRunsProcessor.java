package dev.rote.analyzer.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.ExampleIdSpace;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.service.RunEviction;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads {@code rote.runs} for the suspect ranking: the training-set size a run declares (example ids
 * beyond it are dead-lettered), and the end of a run, when it publishes the run's final ranking. A
 * tombstone forgets the run's statistics. Its records come from the run-metadata validator
 * ({@code RunMetadataTopology}), which has already dead-lettered the ones without a key, that do not
 * parse or whose run id differs from their key.
 */
public final class SuspectRunsProcessor implements Processor<String, byte[], String, byte[]> {

  public static final String NAME = "suspect-runs";

  private final SuspectTracker tracker = new SuspectTracker();
  private final ExampleStatsStore store = new ExampleStatsStore();
  private final AnalyzerMetrics metrics;
  private final int top;
  private ProcessorContext<String, byte[]> context;

  public SuspectRunsProcessor(AnalyzerConfig config, AnalyzerMetrics metrics) {
    this.metrics = metrics;
    this.top = config.suspectsTop();
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    store.init(context);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null) {
      store.drop(record.key()); // a tombstone on the compacted topic: the run is gone
      return;
    }
    RunMetadata m;
    try {
      m = RunMetadata.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("the run-metadata validator passed a record that does not parse", e);
    }
    SuspectRun run = store.run(record.key());
    if (ExampleIdSpace.of(m) > 0) {
      run.declaredTrainSize = ExampleIdSpace.of(m);
    }
    boolean finished = RunEviction.finished(m.getStatus());
    if (finished && !run.finished && (run.examples > 0 || run.pendingBatches > 0)) {
      SuspectsProcessor.publish(context, record, tracker.ranking(record.key(), run, store.storageOf(record.key(), run), top),
          metrics);
    }
    run.finished = finished;
    store.put(record.key(), run);
  }
}
