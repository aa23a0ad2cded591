package dev.rote.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The alerting meters as Prometheus scrapes them: names with units and _total, bounded tags. */
class AlertingMetricsExportTest {

  @Test
  void shouldExportAlertingMetersWithPrometheusNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AlertingMetrics metrics = new AlertingMetrics();
    metrics.bindTo(registry);
    Rule stop = Rule.of("memorization_onset", "prediction_flip_rate");
    Rule warn = Rule.of("forgetting_rising", "forgetting_rate").withAction(Rule.Action.WARN);
    metrics.processed();
    metrics.evaluated(stop, "run-1");
    metrics.evaluated(stop, "run-1");
    metrics.fired(stop, "run-1", 120);
    metrics.fired(warn, "run-1", 80);
    metrics.deadLettered("deserialization");
    String text = registry.scrape();
    assertThat(text)
        .contains("rote_alerting_records_processed_total 1.0")
        .contains("rote_alerting_rule_evaluations_total{rule=\"memorization_onset\"} 2.0")
        .contains("rote_alerting_alerts_total{action=\"stop\",rule=\"memorization_onset\",run=\"run-1\"} 1.0")
        .contains("rote_alerting_alerts_total{action=\"warn\",rule=\"forgetting_rising\",run=\"run-1\"} 1.0")
        .contains("rote_alerting_stop_signals_total{rule=\"memorization_onset\",run=\"run-1\"} 1.0")
        .doesNotContain("rote_alerting_stop_signals_total{rule=\"forgetting_rising\"")
        .contains("rote_alerting_signal_latency_seconds_count 2")
        .contains("rote_alerting_signal_latency_seconds_sum 0.2")
        .contains("rote_alerting_records_deadlettered_total{reason=\"deserialization\",topic=\"rote.indicators\"} 1.0")
        .contains("rote_alerting_records_deadlettered_total{reason=\"run_id_mismatch\",topic=\"rote.indicators\"} 0.0");
  }

  @Test
  void shouldStartARunsAlertCountersAtZeroSoTheFirstAlertIsAnIncrease() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AlertingMetrics metrics = new AlertingMetrics();
    metrics.bindTo(registry);
    metrics.runSeen("run-2", dev.rote.alerting.RuleSet.defaults());
    assertThat(registry.scrape())
        .contains("rote_alerting_stop_signals_total{rule=\"memorization_onset\",run=\"run-2\"} 0.0")
        .contains("rote_alerting_alerts_total{action=\"warn\",rule=\"forgetting_rising\",run=\"run-2\"} 0.0")
        .doesNotContain("rote_alerting_stop_signals_total{rule=\"forgetting_rising\"");
  }

  @Test
  void shouldRemoveAnEvictedRunsSeriesFromTheScrapeAndCountTheEviction() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AlertingMetrics metrics = new AlertingMetrics();
    metrics.bindTo(registry);
    Rule stop = Rule.of("memorization_onset", "prediction_flip_rate");
    metrics.runSeen("run-3", RuleSet.defaults());
    metrics.runSeen("run-4", RuleSet.defaults());
    metrics.fired(stop, "run-3", 10);
    assertThat(registry.scrape()).contains("rote_alerting_runs_evicted_total 0.0");

    metrics.runEvicted("run-3");

    assertThat(registry.scrape())
        .doesNotContain("run=\"run-3\"")
        .contains("rote_alerting_stop_signals_total{rule=\"memorization_onset\",run=\"run-4\"} 0.0")
        .contains("rote_alerting_runs_evicted_total 1.0");
    metrics.runSeen("run-3", RuleSet.defaults());
    assertThat(registry.scrape()).as("a run seen again starts at 0")
        .contains("rote_alerting_stop_signals_total{rule=\"memorization_onset\",run=\"run-3\"} 0.0");
  }
}
