package dev.rote.trainer;

import dev.rote.trainer.internal.Captures.BatchCapture;
import dev.rote.trainer.internal.ContentIds;
import dev.rote.trainer.internal.Degradations;
import dev.rote.trainer.internal.IdTracker;
import java.util.function.Consumer;

/**
 * Where a step's example ids come from, in order of precedence: declared for the step
 * ({@link RoteTelemetryListener#beginBatch}), offered by a {@link RoteIterators} wrapper for the
 * batch it just returned, or the content of the input rows (see {@link ContentIds}). Content ids
 * are assigned, and all ids watched by an {@link IdTracker}, where the batch summary is built (the
 * sink's sender thread), in step order.
 */
final class ExampleIdSource {

  /** The three sources, as named in {@code RunMetadata.example_ids}. */
  enum Kind {
    EXPLICIT("explicit"), ITERATOR("iterator"), CONTENT("content");

    final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }
  }

  /** A step's ids: null ids mean content ids. */
  record StepIds(long[] ids, boolean[] noisy, Kind kind) {}

  private final Degradations degradations;
  private final Consumer<String> onFirstKind;
  private final ContentIds content = new ContentIds();
  private final IdTracker tracker;
  private final Object lock = new Object();

  private long[] declared;
  private boolean[] declaredNoisy;
  private long[] offered;
  private volatile Kind kind;

  ExampleIdSource(TelemetryConfig config, Degradations degradations, Consumer<String> onFirstKind) {
    this(config, degradations, onFirstKind, (n, b) -> { });
  }

  /** @param onFirstPass hears the training-set size and batch size found by the first pass (see {@link IdTracker}) */
  ExampleIdSource(TelemetryConfig config, Degradations degradations, Consumer<String> onFirstKind,
      IdTracker.FirstPass onFirstPass) {
    this.degradations = degradations;
    this.onFirstKind = onFirstKind;
    this.tracker = new IdTracker(config.summaryEvery(), this::found, onFirstPass);
  }

  void declare(long[] ids, boolean[] noisy) {
    this.declared = ids;
    this.declaredNoisy = noisy;
  }

  /** Ids for the batch an iterator wrapper has just handed to the training loop. */
  void offer(long[] ids) {
    this.offered = ids;
  }

  /** The source the run uses (the first step's), or null before the first step. */
  String kind() {
    Kind k = kind;
    return k == null ? null : k.wireName;
  }

  /** Picks the ids of the step about to run on {@code rows} examples and consumes offered ones. */
  StepIds take(int rows) {
    long[] fromIterator = offered;
    offered = null;
    StepIds s;
    if (declared != null && declared.length == rows) {
      s = new StepIds(declared, declaredNoisy != null && declaredNoisy.length == rows ? declaredNoisy : null,
          Kind.EXPLICIT);
    } else {
      if (declared != null) {
        degradations.report("explicit_ids", "beginBatch declared " + declared.length + " ids for a batch of " + rows
            + " examples; such steps fall back to " + (fromIterator != null ? "iterator" : "content") + " ids",
            java.util.List.of());
      }
      s = fromIterator != null && fromIterator.length == rows ? new StepIds(fromIterator, null, Kind.ITERATOR)
          : new StepIds(null, null, Kind.CONTENT);
    }
    if (kind == null) {
      kind = s.kind();
      onFirstKind.accept(kind.wireName);
    } else if (kind != s.kind()) {
      degradations.report("example_id_source", "example ids came from the " + kind.wireName + " source, then from the "
          + s.kind().wireName + " source: ids of the two sources may name different examples alike; give every "
          + "step ids the same way", Degradations.NEEDS_IDS);
    }
    return s;
  }

  /** Clears the ids declared for the step that just ended. */
  void endStep() {
    declared = null;
    declaredNoisy = null;
  }

  /** Resolves (and watches) the ids of a batch summary of {@code epoch} where it is built. */
  BatchCapture.IdResolver resolver(int epoch) {
    return (ids, rows, batchSize) -> {
      synchronized (lock) {
        long[] out = ids != null ? ids : rows != null ? content.ids(rows, batchSize) : null;
        tracker.observe(epoch, out);
        return out;
      }
    };
  }

  private void found(IdTracker.Finding finding, String detail) {
    switch (finding) {
      case IDS_NEVER_REPEAT -> degradations.report("ids_never_repeat", detail + " (" + kindName()
          + " ids): the inputs seem to change every epoch (data augmentation?), so per-example histories never "
          + "form. Wrap the iterator with RoteIterators.wrap(iterator, rote) and ids from the DataSet's example "
          + "metadata or a function of your own (positional ids if it does not shuffle)", Degradations.NEEDS_IDS);
      case EPOCH_NEVER_MOVED -> degradations.report("epoch_count", detail + ": a second pass over the data while "
          + "the network's epoch count never moved. Call net.incrementEpochCount() after each pass of a "
          + "hand-written loop, or train with net.fit(iterator)", Degradations.NEEDS_EPOCHS);
    }
  }

  private String kindName() {
    return kind == null ? "no" : kind.wireName;
  }
}
