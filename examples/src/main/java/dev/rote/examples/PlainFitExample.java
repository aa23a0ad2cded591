package dev.rote.examples;

// tag::imports[]
import dev.rote.contract.KafkaSettings;
import dev.rote.contract.v1.RunStatus;
import dev.rote.trainer.Checkpoints;
import dev.rote.trainer.RoteTelemetry;
import dev.rote.trainer.TelemetryConfig;
// end::imports[]
import java.io.PrintStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The smallest Rote program: an MLP (784-512-512-10, Adam 3e-4) trained with DL4J's own
 * {@code net.fit(iterator, epochs)}, and ten lines of Rote around it. Content ids (no ids to give),
 * a probe set, checkpoints restored on a stop, the clean test set published each epoch, and a final
 * status of COMPLETED, STOPPED or FAILED.
 *
 * <pre>
 * PlainFitExample --bootstrap-servers HOST:PORT --run-id ID [--data DIR] [--label-noise 0.4] ...
 * </pre>
 */
public final class PlainFitExample {

  private PlainFitExample() {}

  public static void main(String[] args) {
    System.exit(Examples.main("plain-fit", args, PlainFitExample::run));
  }

  public static ExampleResult run(ExampleSettings settings, PrintStream out) throws Exception {
    MnistIdx data = Examples.load(settings, out);
    MultiLayerNetwork net = network(settings.seed());
    DataSetIterator train = new ShufflingIterator(data.train(), settings.batchSize(), settings.seed());

    // tag::plain-fit[]
    KafkaSettings kafka = KafkaSettings.load(settings.bootstrapServers(), settings.kafkaConfig());
    try (RoteTelemetry rote = RoteTelemetry.start(TelemetryConfig.defaults(settings.runId()), kafka, null)) {
      rote.restoreOnStop(Checkpoints.defaults()).attach(net);            // checkpoints, Rote's listener
      rote.listener().setProbeSet(train, 32);                            // probes: 32 examples per class
      net.addListeners(new TestSetEvaluation(rote, data.test(), out));   // optional: clean test accuracy
      RunStatus status = rote.train(() -> net.fit(rote.wrap(train), settings.epochs()));
      return ExampleResult.of(rote, status, net, data.test(), out);      // the example's summary line
    }
    // end::plain-fit[]
  }

  /** The MLP of the 40%-noise experiment: 784-512-512-10, ReLU, softmax, Adam 3e-4. */
  public static MultiLayerNetwork network(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(new Adam(3e-4))
        .weightInit(WeightInit.RELU)
        .list()
        .layer(new DenseLayer.Builder().nOut(512).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nOut(512).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(MnistIdx.CLASSES).activation(Activation.SOFTMAX)
            .build())
        .setInputType(InputType.feedForward(MnistIdx.PIXELS))
        .build());
    net.init();
    return net;
  }
}
