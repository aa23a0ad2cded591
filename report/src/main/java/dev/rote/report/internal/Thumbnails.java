package dev.rote.report.internal;

import static dev.rote.report.internal.Html.escape;

import dev.rote.report.SuspectImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** The run report's suspect-labels section: each example's image as a PNG thumbnail with its labels. */
public final class Thumbnails {

  /** Thumbnails are drawn at this many screen pixels per image pixel. */
  public static final int SCALE = 3;

  private Thumbnails() {}

  public static void section(List<SuspectImage> suspects, StringBuilder h) {
    h.append("<h2>Suspect labels</h2>\n<p>The training examples whose labels are most probably wrong, most suspect "
        + "first (the analyzer's latest ranking): example id, the label it was trained with → the label the network "
        + "predicted most often, and the suspicion score. <code>./rote suspects RUN_ID</code> lists them all.</p>\n"
        + "<div class=\"suspects\">\n");
    for (SuspectImage s : suspects) {
      String caption = "#" + s.exampleId() + ": " + s.label() + " → " + s.predictedLabel()
          + String.format(Locale.ROOT, ", score %.3f", s.score())
          + (s.labelFlipped() == null ? "" : s.labelFlipped() ? " (label flipped)" : " (label not flipped)");
      h.append("<figure><img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png(s)))
          .append("\" width=\"").append(s.width() * SCALE).append("\" height=\"").append(s.height() * SCALE)
          .append("\" alt=\"").append(escape(caption)).append("\"><figcaption>").append(escape(caption))
          .append("</figcaption></figure>\n");
    }
    h.append("</div>\n");
  }

  /** The example's grey image as a PNG of its own size (the page scales it up without smoothing). */
  public static byte[] png(SuspectImage s) {
    Charts.ensureHeadless();
    BufferedImage img = new BufferedImage(s.width(), s.height(), BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, s.width(), s.height(), s.gray());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
