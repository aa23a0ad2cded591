package dev.rote.examples;

import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.RunStatus;
import dev.rote.trainer.Checkpoints;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.TelemetryConfig;
import java.io.PrintStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * A {@link ComputationGraph}: a small residual CNN whose skip connection adds a block's input to its
 * output ({@link ElementWiseVertex}). Rote instruments a graph with one input and one output exactly
 * as a {@code MultiLayerNetwork}; layer statistics and probes are named after the graph's vertices.
 */
public final class GraphExample {

  private GraphExample() {}

  public static void main(String[] args) {
    System.exit(Examples.main("graph", args, GraphExample::run));
  }

  public static ExampleResult run(ExampleSettings settings, PrintStream out) throws Exception {
    MnistIdx data = Examples.load(settings, out);
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(settings.seed())
        .updater(new Adam(1e-3))
        .weightInit(WeightInit.RELU)
        .convolutionMode(ConvolutionMode.Same)
        .graphBuilder()
        .addInputs("image")
        .setInputTypes(InputType.convolutionalFlat(28, 28, 1))
        .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build(), "image")
        .addLayer("pool1", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(),
            "stem")
        .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.IDENTITY).build(), "pool1")
        .addVertex("residual", new ElementWiseVertex(ElementWiseVertex.Op.Add), "pool1", "conv")
        .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "residual")
        .addLayer("pool2", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(),
            "relu")
        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(MnistIdx.CLASSES)
            .activation(Activation.SOFTMAX).build(), "pool2")
        .setOutputs("out")
        .build();
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    DataSetIterator train = new ShufflingIterator(data.train(), settings.batchSize(), settings.seed());

    // tag::graph[]
    KafkaSettings kafka = KafkaSettings.load(settings.bootstrapServers(), settings.kafkaConfig());
    try (RoteTelemetry rote = RoteTelemetry.start(TelemetryConfig.defaults(settings.runId()), kafka, null)) {
      rote.restoreOnStop(Checkpoints.defaults()).attach(graph);   // a ComputationGraph: one input, one output
      rote.listener().setProbeSet(train, 32);
      graph.addListeners(new TestSetEvaluation(rote, data.test(), out));
      RunStatus status = rote.train(() -> graph.fit(rote.wrap(train), settings.epochs()));
      return ExampleResult.of(rote, status, graph, data.test(), out);
    }
    // end::graph[]
  }
}
