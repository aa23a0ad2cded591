package dev.rote.examples;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.RunStatus;
import dev.rote.trainer.Checkpoints;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.TelemetryConfig;
import java.io.PrintStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * A small convolutional {@link MultiLayerNetwork}: conv → max pool → conv → max pool → softmax
 * output, with no dense layer before the output (DL4J flattens the last pooling layer's maps into
 * it). The Rote lines are those of {@link PlainFitExample}: nothing changes for a CNN. The probe
 * set's activations are taken from the ReLU convolution layers (flattened maps).
 */
public final class CnnExample {

  private CnnExample() {}

  public static void main(String[] args) {
    System.exit(Examples.main("cnn", args, CnnExample::run));
  }

  public static ExampleResult run(ExampleSettings settings, PrintStream out) throws Exception {
    MnistIdx data = Examples.load(settings, out);
    // tag::cnn[]
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(settings.seed())
        .updater(new Adam(1e-3))
        .weightInit(WeightInit.RELU)
        .list()
        .layer(new ConvolutionLayer.Builder(5, 5).nOut(8).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(MnistIdx.CLASSES).activation(Activation.SOFTMAX)
            .build())
        .setInputType(InputType.convolutionalFlat(28, 28, 1))   // rows of 784 pixels, as the data comes
        .build());
    net.init();
    // end::cnn[]
    DataSetIterator train = new ShufflingIterator(data.train(), settings.batchSize(), settings.seed());

    KafkaSettings kafka = KafkaSettings.load(settings.bootstrapServers(), settings.kafkaConfig());
    try (RoteTelemetry rote = RoteTelemetry.start(TelemetryConfig.defaults(settings.runId()), kafka, null)) {
      rote.restoreOnStop(Checkpoints.defaults()).attach(net);
      rote.listener().setProbeSet(train, 32);
      net.addListeners(new TestSetEvaluation(rote, data.test(), out));
      RunStatus status = rote.train(() -> net.fit(rote.wrap(train), settings.epochs()));
      return ExampleResult.of(rote, status, net, data.test(), out);
    }
  }
}
