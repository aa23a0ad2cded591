package dev.rote.trainer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The trainer's meters, tagged with the run id. In Prometheus they read
 * {@code rote_trainer_telemetry_records_sent_total}, {@code rote_trainer_telemetry_records_dropped_total},
 * {@code rote_trainer_telemetry_buffered_bytes}, {@code rote_trainer_step},
 * {@code rote_trainer_stop_signals_received_total} and {@code rote_trainer_stop_signals_invalid_total}.
 */
public final class TelemetryMetrics implements MeterBinder {

  public static final String SENT = "rote.trainer.telemetry.records.sent";
  public static final String DROPPED = "rote.trainer.telemetry.records.dropped";
  public static final String BUFFERED = "rote.trainer.telemetry.buffered";
  public static final String STEP = "rote.trainer.step";
  public static final String STOPS = "rote.trainer.stop.signals.received";
  public static final String INVALID_STOPS = "rote.trainer.stop.signals.invalid";

  private final Tags tags;
  private final TelemetrySink sink;
  private final RoteTelemetryListener listener;
  private final StopControl control;

  TelemetryMetrics(String runId, TelemetrySink sink, RoteTelemetryListener listener, StopControl control) {
    this.tags = Tags.of("run", runId);
    this.sink = sink;
    this.listener = listener;
    this.control = control;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder(SENT, sink, TelemetrySink::sent)
        .description("Telemetry records acknowledged by Kafka").tags(tags)
        .register(registry);
    FunctionCounter.builder(DROPPED, sink, TelemetrySink::dropped)
        .description("Telemetry records dropped because the broker was slow or down; training went on")
        .tags(tags).register(registry);
    Gauge.builder(BUFFERED, sink, TelemetrySink::bufferedBytes)
        .description("Telemetry accepted and not yet acknowledged").baseUnit("bytes").tags(tags)
        .register(registry);
    Gauge.builder(STEP, listener, RoteTelemetryListener::lastStep)
        .description("Last training step completed").tags(tags).register(registry);
    if (control != null) {
      FunctionCounter.builder(STOPS, control, c -> c.stopSignal().isPresent() ? 1 : 0)
          .description("Stop signals received for the run").tags(tags)
          .register(registry);
      FunctionCounter.builder(INVALID_STOPS, control, StopControl::invalidSignals)
          .description("Control records addressed to the run that were not valid stop signals (no signal id, "
              + "rule or run id, wrong key or action); ignored").tags(tags)
          .register(registry);
    }
  }
}
