package dev.rote.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

  private static final String IMG = "<img src=\"data:image/png;base64,";
  private static final Pattern DATA_URI = Pattern.compile(Pattern.quote(IMG) + "([A-Za-z0-9+/=]+)\"");

  static List<Point> ramp(double from, double to) {
    return LongStream.rangeClosed(0, 50).mapToObj(i -> new Point(i * 20, from + (to - from) * i / 50.0)).toList();
  }

  static RunTimeline timeline(String title) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("label noise", "40%");
    facts.put("model", "MLP 784-512-512-10");
    Map<String, List<Point>> series = new LinkedHashMap<>();
    series.put("train_accuracy", ramp(0.1, 0.99));
    series.put("train_loss", ramp(2.3, 0.05));
    series.put("nmf_nonlinearity/0", ramp(0.2, 0.3));
    series.put("test_accuracy", ramp(0.1, 0.8));
    series.put("prediction_flip_rate", ramp(0.3, 0.01));
    series.put("nmf_nonlinearity/1", ramp(0.2, 0.6));
    series.put("test_loss", ramp(2.3, 1.2));
    series.put("noisy_memorized_fraction", ramp(0.0, 0.7));
    series.put("forgetting_rate", List.of());
    List<Marker> markers = List.of(new Marker(812, "stop signal (step 812)"),
        new Marker(700, "restored checkpoint (step 700)"));
    List<Alert> alerts = List.of(new Alert(812, "nmf_depth_rising", "STOP", "ratio rose for 5 evaluations & <3>"));
    return new RunTimeline("mnist-noise40-s1", title, facts, series, markers, alerts);
  }

  static List<byte[]> images(String html) {
    List<byte[]> images = new ArrayList<>();
    Matcher m = DATA_URI.matcher(html);
    while (m.find()) {
      images.add(Base64.getDecoder().decode(m.group(1)));
    }
    return images;
  }

  static BufferedImage decode(byte[] png) throws Exception {
    assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image).isNotNull();
    return image;
  }

  @Test
  void shouldWriteFactsChartsMarkersAndAlertsIntoOneSelfContainedFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("nested/run.html");
    HtmlReport.write(timeline("MNIST, 40% label noise"), file);
    String html = Files.readString(file);

    assertThat(html).startsWith("<!DOCTYPE html>").contains("<title>MNIST, 40% label noise</title>")
        .contains("<th>label noise</th><td>40%</td>").contains("<th>model</th><td>MLP 784-512-512-10</td>")
        .contains("<td>812</td><td>stop signal (step 812)</td>")
        .contains("<td>nmf_depth_rising</td><td>STOP</td><td>ratio rose for 5 evaluations &amp; &lt;3&gt;</td>")
        .doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
    assertThat(html.indexOf("label noise")).isLessThan(html.indexOf(IMG));
    assertThat(html.indexOf(IMG)).isLessThan(html.indexOf("<h2>Alerts</h2>"));
    // accuracy (+ noisy_memorized_fraction), loss, nmf_nonlinearity/*, prediction_flip_rate; forgetting_rate is empty
    List<byte[]> images = images(html);
    assertThat(html.split(Pattern.quote(IMG), -1)).hasSize(5);
    assertThat(images).hasSize(4);
    for (byte[] png : images) {
      BufferedImage image = decode(png);
      assertThat(image.getWidth()).isEqualTo(900);
      assertThat(image.getHeight()).isEqualTo(300);
    }
    assertThat(html).contains("alt=\"Accuracy\"", "alt=\"Loss\"", "alt=\"nmf_nonlinearity\"",
        "alt=\"prediction_flip_rate\"").doesNotContain("alt=\"forgetting_rate\"");
  }

  @Test
  void shouldEscapeScriptInTitleAndFacts() {
    RunTimeline t = new RunTimeline("<id>", "<script>alert('x')</script>",
        Map.of("<b>key</b>", "\"quoted\""), Map.of(), List.of(), List.of());
    String html = HtmlReport.render(t);
    assertThat(html).doesNotContain("<script>").doesNotContain("<b>")
        .contains("<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</h1>")
        .contains("<th>&lt;b&gt;key&lt;/b&gt;</th><td>&quot;quoted&quot;</td>")
        .contains("<code>&lt;id&gt;</code>").contains("<p>No data.</p>").contains("<p>No alerts.</p>")
        .doesNotContain(IMG);
  }

  @Test
  void shouldRenderChartPngWithMarkersAndAwkwardSeries() throws Exception {
    Map<String, List<Point>> series = new LinkedHashMap<>();
    series.put("gini", List.of(new Point(30, 0.4), new Point(10, Double.NaN), new Point(0, 0.4)));
    series.put("single", List.of(new Point(5, 0.4)));
    series.put("empty", List.of());
    // a marker named like a series, and two markers sharing a label, must not clash in XChart
    List<Marker> markers = List.of(new Marker(20, "gini"), new Marker(25, "stop"), new Marker(26, "stop"));
    BufferedImage image = decode(HtmlReport.chartPng("Gini", "gini", series, markers));
    assertThat(image.getWidth()).isEqualTo(HtmlReport.CHART_WIDTH);
    assertThat(image.getHeight()).isEqualTo(HtmlReport.CHART_HEIGHT);

    BufferedImage blank = decode(HtmlReport.chartPng("Nothing", "y", Map.of(), List.of(new Marker(3, "stop"))));
    assertThat(blank.getWidth()).isEqualTo(900);
  }

  @Test
  void shouldRunHeadless() {
    HtmlReport.chartPng("t", "y", Map.of("a", List.of(new Point(0, 1))), List.of());
    assertThat(System.getProperty("java.awt.headless")).isEqualTo("true");
  }

  @Test
  void shouldShowTheTopSuspectsAsThumbnailsWithAssignedAndPredictedLabels() throws Exception {
    byte[] gray = new byte[28 * 28];
    for (int i = 0; i < gray.length; i++) {
      gray[i] = (byte) (i % 256);
    }
    List<SuspectImage> suspects = List.of(
        new SuspectImage(4711, 0.987, "3 Dress", "0 T-shirt/top", true, 28, 28, gray),
        new SuspectImage(12, 0.7, "<7>", "5", null, 28, 28, new byte[28 * 28]));
    String html = HtmlReport.render(timeline("run"), suspects);

    assertThat(html.indexOf("<h2>Suspect labels</h2>")).isGreaterThan(html.indexOf("<h2>Alerts</h2>"));
    assertThat(html).contains("<figcaption>#4711: 3 Dress → 0 T-shirt/top, score 0.987 (label flipped)</figcaption>")
        .contains("<figcaption>#12: &lt;7&gt; → 5, score 0.700</figcaption>")
        .contains("width=\"84\" height=\"84\"");
    List<byte[]> images = images(html.substring(html.indexOf("<h2>Suspect labels</h2>")));
    assertThat(images).hasSize(2);
    BufferedImage first = decode(images.get(0));
    assertThat(first.getWidth()).isEqualTo(28);
    assertThat(first.getHeight()).isEqualTo(28);
    assertThat(first.getRaster().getSample(5, 1, 0)).isEqualTo(33); // row 1, column 5: pixel 33
    assertThat(decode(images.get(1)).getRaster().getSample(27, 27, 0)).isZero();
  }
}
