package dev.rote.reference;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The reference models ({@code --model}): built by {@link Networks}.
 *
 * <ul>
 *   <li>{@link #MLP}: ReLU hidden layers of {@code --hidden} widths and a softmax output, a
 *       {@code MultiLayerNetwork} (the setting the built-in rules were first designed on).
 *   <li>{@link #CNN}: a small convolutional {@code MultiLayerNetwork}: conv 5×5 stride 2 (16 channels) –
 *       conv 3×3 stride 2 (32) – dense 128 – softmax, ReLU throughout.
 *   <li>{@link #RESNET}: a small residual network built as a {@code ComputationGraph}: a stem (conv 5×5
 *       stride 2 (8), batch norm, ReLU), three residual blocks of 16 (stride 2), 16 and 32 (stride 2)
 *       channels (each conv–BN–ReLU–conv–BN, added to its shortcut — a 1×1 projection with batch norm
 *       where the shape changes — with an {@code ElementWiseVertex}, then ReLU), global average pooling
 *       and softmax.
 * </ul>
 *
 * The convolutional models read each example's row of pixels as a 1×rows×cols image.
 */
public enum Architecture {
  MLP,
  CNN,
  RESNET;

  /** The name on the command line and in matrix files: {@code mlp}, {@code cnn}, {@code resnet}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The model named {@code text} (any case).
   *
   * @throws IllegalArgumentException naming the choices
   */
  public static Architecture parse(String text) {
    return Optimization.parseEnum(values(), Architecture::cliName, "model", text);
  }

  /** {@code mlp|cnn|resnet}. */
  public static String choices() {
    return Arrays.stream(values()).map(Architecture::cliName).collect(Collectors.joining("|"));
  }
}
