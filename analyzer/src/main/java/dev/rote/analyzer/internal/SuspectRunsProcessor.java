package dev.rote.analyzer.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rote.analyzer.AnalyzerConfig;
import dev.rote.analyzer.AnalyzerMetrics;
import dev.rote.contract.v1.RunMetadata;
import dev.rote.service.RunEviction;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code rote.runs} for the suspect ranking: the training-set size a run declares (example ids
 * beyond it are dead-lettered), and the end of a run, when it publishes the run's final ranking. A
 * tombstone forgets the run's statistics; a record that does not parse, has no key or a key that
 * differs from its run id goes to the dead-letter sink.
 */
public final class SuspectRunsProcessor implements Processor<String, byte[], String, byte[]> {

  public static final String NAME = "suspect-runs";

  private static final Logger log = LoggerFactory.getLogger(SuspectRunsProcessor.class);

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
    if (record.key() == null) {
      DeadLetterSink.forward(context, record, "null_record", "run metadata record has a null key", metrics, log, NAME);
      return;
    }
    if (record.value() == null) {
      store.drop(record.key()); // a tombstone on the compacted topic: the run is gone
      return;
    }
    RunMetadata m;
    try {
      m = RunMetadata.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      DeadLetterSink.forward(context, record, "deserialization", "not a valid rote.v1.RunMetadata: "
          + e.getMessage(), metrics, log, NAME);
      return;
    }
    if (!m.getRunId().isEmpty() && !m.getRunId().equals(record.key())) {
      DeadLetterSink.forward(context, record, "key_mismatch", "record key '" + record.key()
          + "' differs from run_id '" + m.getRunId() + "'", metrics, log, NAME);
      return;
    }
    SuspectRun run = store.run(record.key());
    if (m.hasDataset() && m.getDataset().getTrainSize() > 0) {
      run.declaredTrainSize = m.getDataset().getTrainSize();
    }
    boolean finished = RunEviction.finished(m.getStatus());
    if (finished && !run.finished && (run.examples > 0 || run.pendingBatches > 0)) {
      SuspectsProcessor.publish(context, record, tracker.ranking(record.key(), run, store.storageOf(record.key()), top),
          metrics);
    }
    run.finished = finished;
    store.put(record.key(), run);
  }
}
