package dev.rote.reference;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the network a run trains ({@link Architecture}), for a dataset's image shape and classes: the one
 * place a choice of model goes. Every model is float32, initialized with {@code options.seed()}, and
 * optimized as {@link TrainOptions#optimization()} says, its learning-rate schedule running over the run's
 * planned steps. The MLP and the CNN are {@link MultiLayerNetwork}s, the ResNet a {@link ComputationGraph};
 * all take an example as one row of pixels (the convolutional ones through DL4J's
 * {@code InputType.convolutionalFlat}), so data, probes and sensitivities are the same for all.
 */
public final class Networks {

  private Networks() {}

  /** The shape of the images and the number of classes a network is built for. */
  public record Shape(int rows, int cols, int numClasses) {
    public long inputSize() {
      return (long) rows * cols;
    }
  }

  /**
   * The network {@code options} describe, initialized.
   *
   * @param plannedSteps the steps the run plans to train (epochs × steps per epoch): the length of the
   *     learning-rate schedule
   */
  public static Model build(TrainOptions options, Shape shape, long plannedSteps) {
    NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
        .seed(options.seed())
        .dataType(DataType.FLOAT)
        .updater(options.optimization().updater(options.learningRate(), plannedSteps))
        .weightInit(WeightInit.RELU);
    if (options.optimization().weightDecay() > 0) {
      base.weightDecay(options.optimization().weightDecay());
    }
    return switch (options.model()) {
      case MLP -> mlp(base, options.hidden(), shape);
      case CNN -> cnn(base, shape);
      case RESNET -> resnet(base, shape);
    };
  }

  /** ReLU hidden layers of the given widths and a softmax output. */
  static MultiLayerNetwork mlp(NeuralNetConfiguration.Builder base, int[] hidden, Shape shape) {
    var list = base.list();
    long in = shape.inputSize();
    for (int i = 0; i < hidden.length; i++) {
      list.layer(new DenseLayer.Builder().name("hidden" + i).nIn(in).nOut(hidden[i])
          .activation(Activation.RELU).build());
      in = hidden[i];
    }
    list.layer(output(shape).nIn(in).build());
    return init(new MultiLayerNetwork(list.build()));
  }

  /**
   * conv 5×5 stride 2 (16) – conv 3×3 stride 2 (32) – dense 128 – softmax, ReLU throughout. Strided
   * convolutions instead of max-pooling: DL4J 1.0.0-M2.1's CPU convolutions cost by the size of their
   * activations, and this is three times faster than conv–pool–conv–pool at the same width.
   */
  static MultiLayerNetwork cnn(NeuralNetConfiguration.Builder base, Shape shape) {
    var list = base.convolutionMode(ConvolutionMode.Same).list()
        .layer(new ConvolutionLayer.Builder(5, 5).stride(2, 2).name("conv0").nOut(16).activation(Activation.RELU)
            .build())
        .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).name("conv1").nOut(32).activation(Activation.RELU)
            .build())
        .layer(new DenseLayer.Builder().name("dense").nOut(128).activation(Activation.RELU).build())
        .layer(output(shape).build())
        .setInputType(InputType.convolutionalFlat(shape.rows(), shape.cols(), 1));
    return init(new MultiLayerNetwork(list.build()));
  }

  /**
   * Stem (conv 5×5 stride 2 (8), batch norm, ReLU), residual blocks of 16 (stride 2), 16 and 32 (stride 2)
   * channels, global average pooling, softmax.
   */
  static ComputationGraph resnet(NeuralNetConfiguration.Builder base, Shape shape) {
    GraphBuilder g = base.convolutionMode(ConvolutionMode.Same).graphBuilder()
        .addInputs("input")
        .setInputTypes(InputType.convolutionalFlat(shape.rows(), shape.cols(), 1))
        .addLayer("stem", conv(8, 5, 2), "input")
        .addLayer("stem_bn", new BatchNormalization.Builder().build(), "stem")
        .addLayer("stem_relu", new ActivationLayer(Activation.RELU), "stem_bn");
    String in = "stem_relu";
    int channels = 8;
    int[] widths = {16, 16, 32};
    int[] strides = {2, 1, 2};
    for (int b = 0; b < widths.length; b++) {
      in = block(g, "block" + b, in, channels, widths[b], strides[b]);
      channels = widths[b];
    }
    g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), in)
        .addLayer("output", output(shape).build(), "pool")
        .setOutputs("output");
    ComputationGraph graph = new ComputationGraph(g.build());
    graph.init();
    return graph;
  }

  /** conv–BN–ReLU–conv–BN plus the shortcut (a 1×1 projection with BN where the shape changes), then ReLU. */
  private static String block(GraphBuilder g, String name, String in, int inChannels, int channels, int stride) {
    g.addLayer(name + "_conv0", conv(channels, 3, stride), in)
        .addLayer(name + "_bn0", new BatchNormalization.Builder().build(), name + "_conv0")
        .addLayer(name + "_relu0", new ActivationLayer(Activation.RELU), name + "_bn0")
        .addLayer(name + "_conv1", conv(channels, 3, 1), name + "_relu0")
        .addLayer(name + "_bn1", new BatchNormalization.Builder().build(), name + "_conv1");
    String shortcut = in;
    if (stride != 1 || inChannels != channels) {
      g.addLayer(name + "_proj", conv(channels, 1, stride), in)
          .addLayer(name + "_proj_bn", new BatchNormalization.Builder().build(), name + "_proj");
      shortcut = name + "_proj_bn";
    }
    g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_bn1", shortcut)
        .addLayer(name + "_relu", new ActivationLayer(Activation.RELU), name + "_add");
    return name + "_relu";
  }

  private static ConvolutionLayer conv(int channels, int kernel, int stride) {
    return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(channels)
        .activation(Activation.IDENTITY).hasBias(false).build();
  }

  private static OutputLayer.Builder output(Shape shape) {
    return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(shape.numClasses())
        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER);
  }

  private static MultiLayerNetwork init(MultiLayerNetwork net) {
    net.init();
    return net;
  }
}
