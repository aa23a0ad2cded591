package dev.rote.trainer;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks and data for listener tests. */
final class TestNetworks {

  /** Side of the square single-channel images of the convolutional networks. */
  static final int SIDE = 6;

  private TestNetworks() {}

  static MultiLayerNetwork mlp(DataType type, int in, int hidden, int classes) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(type)
        .updater(new Adam(1e-2))
        .weightInit(WeightInit.RELU)
        .list()
        .layer(new DenseLayer.Builder().nIn(in).nOut(hidden).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nIn(hidden).nOut(hidden).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .nIn(hidden).nOut(classes).activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * Convolution, max pooling and the output layer straight after it: DL4J puts a
   * CnnToFeedForwardPreProcessor in front of the output layer; no dense layer anywhere.
   */
  static MultiLayerNetwork cnnWithoutDense(DataType type, int classes, LossFunctions.LossFunction loss,
      Activation outputActivation) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(11)
        .dataType(type)
        .updater(new Adam(1e-2))
        .weightInit(WeightInit.RELU)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(4).padding(1, 1).activation(Activation.RELU)
            .build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool").kernelSize(2, 2).stride(2, 2).build())
        .layer(new OutputLayer.Builder(loss).name("out").nOut(classes).activation(outputActivation).build())
        .setInputType(InputType.convolutional(SIDE, SIDE, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** A CNN on flat rows: DL4J puts a FeedForwardToCnnPreProcessor in front of the first layer. */
  static MultiLayerNetwork cnnOnFlatInput(DataType type, int classes) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(23)
        .dataType(type)
        .updater(new Adam(1e-2))
        .weightInit(WeightInit.RELU)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(3).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().name("dense").nOut(5).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(classes)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutionalFlat(SIDE, SIDE, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** Convolution, batch normalization, ReLU, global average pooling, output. */
  static MultiLayerNetwork cnnWithBatchNorm(DataType type, int classes) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(13)
        .dataType(type)
        .updater(new Adam(1e-2))
        .weightInit(WeightInit.RELU)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(4).padding(1, 1)
            .activation(Activation.IDENTITY).build())
        .layer(new BatchNormalization.Builder().name("bn").build())
        .layer(new ActivationLayer.Builder().name("relu").activation(Activation.RELU).build())
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).name("gap").build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(classes)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(SIDE, SIDE, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** Two dense branches from the input, merged, then the output layer. */
  static ComputationGraph graphWithMerge(DataType type, int in, int hidden, int classes) {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(17)
        .dataType(type)
        .updater(new Adam(1e-2))
        .weightInit(WeightInit.RELU)
        .graphBuilder()
        .addInputs("in")
        .addLayer("a", new DenseLayer.Builder().nIn(in).nOut(hidden).activation(Activation.RELU).build(), "in")
        .addLayer("b", new DenseLayer.Builder().nIn(in).nOut(hidden).activation(Activation.SIGMOID).build(), "in")
        .addVertex("merge", new MergeVertex(), "a", "b")
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(2 * hidden).nOut(classes)
            .activation(Activation.SOFTMAX).build(), "merge")
        .setOutputs("out")
        .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return graph;
  }

  /**
   * A residual block (conv, conv [, batch norm], add, ReLU), max pooling and the output layer
   * straight after it (through a preprocessor).
   */
  static ComputationGraph residualCnn(DataType type, int classes, boolean batchNorm) {
    var g = new NeuralNetConfiguration.Builder()
        .seed(19)
        .dataType(type)
        .updater(new Adam(1e-2))
        .weightInit(WeightInit.RELU)
        .graphBuilder()
        .addInputs("in")
        .setInputTypes(InputType.convolutional(SIDE, SIDE, 1))
        .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(3).padding(1, 1).activation(Activation.RELU).build(),
            "in")
        .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(3).padding(1, 1).activation(Activation.IDENTITY)
            .build(), "c1");
    String second = "c2";
    if (batchNorm) {
      g.addLayer("bn", new BatchNormalization.Builder().build(), "c2");
      second = "bn";
    }
    ComputationGraphConfiguration conf = g
        .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c1", second)
        .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "add")
        .addLayer("pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "relu")
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
            .activation(Activation.SOFTMAX).build(), "pool")
        .setOutputs("out")
        .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return graph;
  }

  static INDArray features(DataType type, int rows, int cols, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(type, rows, cols);
  }

  /** Random images {@code [rows, 1, SIDE, SIDE]}. */
  static INDArray images(DataType type, int rows, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(type, rows, 1, SIDE, SIDE);
  }

  static INDArray oneHot(DataType type, int[] labels, int classes) {
    INDArray y = Nd4j.zeros(type, labels.length, classes);
    for (int i = 0; i < labels.length; i++) {
      y.putScalar(i, labels[i], 1.0);
    }
    return y;
  }
}
