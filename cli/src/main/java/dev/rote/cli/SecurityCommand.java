package dev.rote.cli;

import dev.rote.broker.BrokerSecurity;
import dev.rote.broker.SecurityFiles;
import dev.rote.contract.KafkaSettings;
import dev.rote.service.KafkaOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "security", mixinStandardHelpOptions = true,
    description = "Security files and provisioning: a CA, the broker's certificate, SCRAM users and ACLs per role.",
    subcommands = {SecurityCommand.Init.class, SecurityCommand.Provision.class})
final class SecurityCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Create a CA, the broker's key and certificate, and for each role (trainer, analyzer, alerting, "
          + "admin) a SCRAM-SHA-512 password in a Kafka client properties file DIR/<role>.properties.")
  static final class Init implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "Where the files go.")
    Path dir;

    @Option(names = "--host", paramLabel = "NAME",
        description = "Another name or IP address clients reach the broker by, besides localhost and 127.0.0.1 "
            + "(repeatable), e.g. kafka in docker-compose.")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--readable-by-all",
        description = "Make the files readable by every user, for containers that run as other users and share DIR "
            + "as a volume (default: secrets readable by their owner only).")
    boolean readableByAll;

    @Option(names = "--if-missing", description = "Do nothing, successfully, when DIR already holds security files.")
    boolean ifMissing;

    @Override
    public Integer call() {
      if (ifMissing && SecurityFiles.isInitialized(dir)) {
        System.out.printf("%s already holds security files; left as they are%n", dir);
        return 0;
      }
      SecurityFiles files = SecurityFiles.init(dir, hosts, readableByAll);
      System.out.printf("security files written to %s:%n", dir.toAbsolutePath());
      System.out.println("  ca.crt                      the CA certificate (for non-Java clients, e.g. kcat ssl.ca.location)");
      System.out.println("  broker.p12, truststore.p12  the broker's key and certificate, and the CA as a truststore");
      for (SecurityFiles.Role r : SecurityFiles.Role.values()) {
        System.out.printf("  %-27s Kafka client properties of the %s role (--kafka-config)%n",
            files.clientProperties(r).getFileName(), r.id());
      }
      System.out.println("  metrics.password            basic-auth password of the metrics endpoints "
          + "(--metrics-password-file)");
      System.out.printf("Start a secured broker with: ./rote broker --secure %s%n", dir);
      return 0;
    }
  }

  @Command(name = "provision", mixinStandardHelpOptions = true,
      description = "On a running cluster secured with these files (e.g. in docker-compose), create or update the "
          + "roles' SCRAM users, Rote's ACLs and Rote's topics, connecting as the broker's own certificate "
          + "(a super user) to a listener that speaks SSL with client certificates.")
  static final class Provision implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR", required = true, description = "The files of security init.")
    Path dir;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", required = true,
        description = "The cluster's SSL listener with client certificates (inter-broker), e.g. kafka:9094.")
    String bootstrapServers;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
        description = "Partitions of Rote's topics where missing (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--retention", paramLabel = "DURATION", defaultValue = "30d",
        description = "Retention of run data where the topics are missing (default: ${DEFAULT-VALUE}).")
    String retention;

    @Override
    public Integer call() throws Exception {
      KafkaOptions.parseRetention(retention);
      BrokerSecurity security = BrokerSecurity.load(dir);
      KafkaSettings broker = new KafkaSettings(security.brokerClient(bootstrapServers));
      KafkaOptions.connect(broker, partitions, retention, Duration.ofSeconds(60));
      try (Admin admin = Admin.create(broker.with(java.util.Map.of()))) {
        security.provision(admin, Duration.ofSeconds(60));
      }
      System.out.printf("users %s, %d ACLs and Rote's topics in place at %s%n",
          java.util.Arrays.stream(SecurityFiles.Role.values()).map(SecurityFiles.Role::id).toList(),
          BrokerSecurity.acls().size(), bootstrapServers);
      return 0;
    }
  }
}
