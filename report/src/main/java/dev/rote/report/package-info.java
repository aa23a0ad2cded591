/**
 * Offline reports on Rote runs, with no Kafka or DL4J dependency.
 *
 * <ul>
 *   <li>{@link dev.rote.report.HtmlReport} turns one run's {@link dev.rote.report.RunTimeline} into a
 *       single self-contained HTML file with embedded PNG charts.
 *   <li>{@link dev.rote.report.ExperimentJson} stores {@link dev.rote.report.ExperimentResults} as JSON;
 *       {@link dev.rote.report.ResultsReport} renders them as a Markdown page with PNG plots.
 * </ul>
 *
 * <p>Charts are drawn with XChart on a headless AWT: the first chart sets {@code java.awt.headless=true}
 * unless the property is already set. A JVM whose AWT toolkit started before that keeps its mode.
 */
package dev.rote.report;
