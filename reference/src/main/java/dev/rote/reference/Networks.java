package dev.rote.reference;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the network a run trains, for a dataset's input size and classes: the one place a choice
 * of model goes. Today there is one, the MLP of {@link TrainOptions}. The training loop, the
 * evaluation and the stop policy take whatever this builds; they need a {@link MultiLayerNetwork}
 * because the trainer library's checkpoints and single backward pass do.
 */
public final class Networks {

  private Networks() {}

  /** The network {@code options} describe, initialized with {@code options.seed()}. */
  public static MultiLayerNetwork build(TrainOptions options, long inputSize, int numClasses) {
    return mlp(options, inputSize, numClasses);
  }

  /** ReLU hidden layers of {@code options.hidden()} widths, a softmax output, Adam, float32. */
  static MultiLayerNetwork mlp(TrainOptions options, long inputSize, int numClasses) {
    var list = new NeuralNetConfiguration.Builder()
        .seed(options.seed())
        .dataType(DataType.FLOAT)
        .updater(new Adam(options.learningRate()))
        .weightInit(WeightInit.RELU)
        .list();
    long in = inputSize;
    int[] hidden = options.hidden();
    for (int i = 0; i < hidden.length; i++) {
      list.layer(new DenseLayer.Builder().name("hidden" + i).nIn(in).nOut(hidden[i])
          .activation(Activation.RELU).build());
      in = hidden[i];
    }
    list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output")
        .nIn(in).nOut(numClasses).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER)
        .build());
    MultiLayerNetwork net = new MultiLayerNetwork(list.build());
    net.init();
    return net;
  }
}
