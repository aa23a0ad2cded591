package dev.rote.broker;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The files of {@code ./rote security init}: a certificate authority, the broker's TLS identity, and
 * for each {@link Role} a SCRAM-SHA-512 password inside a Kafka client properties file that any
 * Kafka client can use as it is.
 *
 * <table>
 *   <caption>The security directory</caption>
 *   <tr><th>file</th><th>what</th><th>secret</th></tr>
 *   <tr><td>{@code ca.crt}</td><td>the CA certificate (PEM), for non-Java clients (kcat: {@code ssl.ca.location})</td><td>no</td></tr>
 *   <tr><td>{@code broker.p12}, {@code broker.password}</td><td>the broker's key and certificate (PKCS12), subject
 *       {@code CN=rote-broker}, names {@code localhost}, {@code 127.0.0.1} and the {@code --host} names; its password</td><td>yes</td></tr>
 *   <tr><td>{@code truststore.p12}, {@code truststore.password}</td><td>the CA certificate as a PKCS12 truststore, for the broker</td><td>no</td></tr>
 *   <tr><td>{@code <role>.properties}</td><td>{@code security.protocol=SASL_SSL}, {@code sasl.mechanism=SCRAM-SHA-512},
 *       the JAAS login of the role, the CA certificate inline ({@code ssl.truststore.type=PEM})</td><td>yes</td></tr>
 *   <tr><td>{@code metrics.password}</td><td>the password of the metrics endpoints' basic auth, as Prometheus'
 *       {@code basic_auth.password_file} reads it</td><td>yes</td></tr>
 * </table>
 *
 * <p>The CA's private key is not kept: to issue for other names, run init again (new CA, new
 * passwords, new client files). Keys are ECDSA P-256, certificates signed with SHA-256.
 */
public final class SecurityFiles {

  /** The principals Rote's components run as; each gets a SCRAM user of this name. */
  public enum Role {
    TRAINER, ANALYZER, ALERTING, ADMIN;

    /** The user name and file name: {@code trainer}, {@code analyzer}, ... */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The broker's certificate subject; its principal {@code User:CN=rote-broker} is a super user. */
  public static final String BROKER_SUBJECT = "CN=rote-broker";
  public static final String SASL_MECHANISM = "SCRAM-SHA-512";
  static final String CA_CERT = "ca.crt";
  static final String BROKER_KEYSTORE = "broker.p12";
  static final String BROKER_PASSWORD = "broker.password";
  static final String TRUSTSTORE = "truststore.p12";
  static final String TRUSTSTORE_PASSWORD = "truststore.password";
  public static final String METRICS_PASSWORD = "metrics.password";
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration BROKER_VALIDITY = Duration.ofDays(825);
  private static final Pattern JAAS_PASSWORD = Pattern.compile("password=\"([^\"]*)\"");

  private final Path dir;

  private SecurityFiles(Path dir) {
    this.dir = dir;
  }

  /**
   * Creates the security files in {@code dir}.
   *
   * @param hosts more names the broker is reached by (DNS names or IP addresses), besides
   *     {@code localhost} and {@code 127.0.0.1}
   * @param readableByAll make the files readable by every user (for containers that run as other
   *     users and share the directory as a volume); otherwise secrets are readable by their owner only
   * @throws IllegalArgumentException when {@code dir} already holds security files
   */
  public static SecurityFiles init(Path dir, List<String> hosts, boolean readableByAll) {
    if (isInitialized(dir)) {
      throw new IllegalArgumentException(dir + " already holds security files (" + CA_CERT + "); remove them "
          + "to create new ones");
    }
    try {
      Files.createDirectories(dir);
      SecureRandom random = new SecureRandom();
      KeyPair caKeys = keyPair(random);
      X500Name ca = new X500Name("CN=Rote CA " + Instant.now().getEpochSecond());
      X509Certificate caCert = caCertificate(ca, caKeys, random);
      KeyPair brokerKeys = keyPair(random);
      X509Certificate brokerCert = brokerCertificate(ca, caKeys, caCert, brokerKeys, hosts, random);

      String brokerPassword = password(random);
      KeyStore broker = KeyStore.getInstance("PKCS12");
      broker.load(null, null);
      broker.setKeyEntry("rote-broker", brokerKeys.getPrivate(), brokerPassword.toCharArray(),
          new Certificate[] {brokerCert, caCert});
      store(broker, dir.resolve(BROKER_KEYSTORE), brokerPassword, true, readableByAll);
      write(dir.resolve(BROKER_PASSWORD), brokerPassword, true, readableByAll);

      String trustPassword = password(random);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("rote-ca", caCert);
      store(trust, dir.resolve(TRUSTSTORE), trustPassword, false, readableByAll);
      write(dir.resolve(TRUSTSTORE_PASSWORD), trustPassword, false, readableByAll);

      String caPem = pem(caCert);
      for (Role role : Role.values()) {
        write(dir.resolve(role.id() + ".properties"), clientProperties(role, password(random), caPem), true,
            readableByAll);
      }
      write(dir.resolve(METRICS_PASSWORD), password(random), true, readableByAll);
      write(dir.resolve(CA_CERT), caPem, false, readableByAll);
      return new SecurityFiles(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the security files in " + dir + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create the certificates: " + e.getMessage(), e);
    }
  }

  /**
   * The security files of {@code dir}.
   *
   * @throws IllegalArgumentException naming the first missing file
   */
  public static SecurityFiles load(Path dir) {
    SecurityFiles files = new SecurityFiles(dir);
    List<String> needed = new ArrayList<>(List.of(CA_CERT, BROKER_KEYSTORE, BROKER_PASSWORD, TRUSTSTORE,
        TRUSTSTORE_PASSWORD, METRICS_PASSWORD));
    for (Role r : Role.values()) {
      needed.add(r.id() + ".properties");
    }
    for (String f : needed) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new IllegalArgumentException(dir.resolve(f) + " is missing: create the security files with "
            + "./rote security init --dir " + dir);
      }
    }
    return files;
  }

  /** Whether {@code dir} holds security files already. */
  public static boolean isInitialized(Path dir) {
    return Files.exists(dir.resolve(CA_CERT));
  }

  public Path dir() {
    return dir;
  }

  /** The Kafka client properties file of {@code role}. */
  public Path clientProperties(Role role) {
    return dir.resolve(role.id() + ".properties");
  }

  /** The SCRAM password of {@code role}, from the JAAS login of its client properties file. */
  public String password(Role role) {
    Properties p = properties(clientProperties(role));
    Matcher m = JAAS_PASSWORD.matcher(p.getProperty("sasl.jaas.config", ""));
    if (!m.find()) {
      throw new IllegalArgumentException(clientProperties(role) + ": sasl.jaas.config has no password=\"...\"");
    }
    return m.group(1);
  }

  Path brokerKeystore() {
    return dir.resolve(BROKER_KEYSTORE);
  }

  String brokerPassword() {
    return read(dir.resolve(BROKER_PASSWORD));
  }

  Path truststore() {
    return dir.resolve(TRUSTSTORE);
  }

  String truststorePassword() {
    return read(dir.resolve(TRUSTSTORE_PASSWORD));
  }

  /** The metrics endpoints' basic-auth password file. */
  public Path metricsPasswordFile() {
    return dir.resolve(METRICS_PASSWORD);
  }

  private static String clientProperties(Role role, String password, String caPem) {
    // The PEM with its line breaks as \n escapes, one PEM line per properties line (continued with \).
    String pemValue = String.join("\\n\\\n    ", caPem.trim().split("\n"));
    return "# Kafka client properties of the Rote role '" + role.id() + "' (written by ./rote security init).\n"
        + "# Pass it with --kafka-config; any Kafka client reads it as it is. Keep it secret: it holds the\n"
        + "# role's password. bootstrap.servers comes from --bootstrap-servers (or add it here).\n"
        + "security.protocol=SASL_SSL\n"
        + "sasl.mechanism=" + SASL_MECHANISM + "\n"
        + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + role.id() + "\" password=\"" + password + "\";\n"
        + "ssl.truststore.type=PEM\n"
        + "ssl.truststore.certificates=" + pemValue + "\n";
  }

  private static KeyPair keyPair(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), random);
    return g.generateKeyPair();
  }

  private static X509Certificate caCertificate(X500Name name, KeyPair keys, SecureRandom random)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, random),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(CA_VALIDITY)), name, keys.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
    return sign(b, keys);
  }

  private static X509Certificate brokerCertificate(X500Name ca, KeyPair caKeys, X509Certificate caCert,
      KeyPair keys, List<String> hosts, SecureRandom random)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, new BigInteger(64, random),
        Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(BROKER_VALIDITY)),
        new X500Name(BROKER_SUBJECT), keys.getPublic());
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    // Server for clients, and client too: brokers and controllers authenticate to each other with it.
    b.addExtension(Extension.extendedKeyUsage, false,
        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
    b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
    names.addAll(hosts);
    List<GeneralName> san = new ArrayList<>();
    for (String h : names) {
      san.add(new GeneralName(isIpAddress(h) ? GeneralName.iPAddress : GeneralName.dNSName, h));
    }
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san.toArray(GeneralName[]::new)));
    return sign(b, caKeys);
  }

  private static boolean isIpAddress(String host) {
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
      return false;
    }
    try {
      InetAddress.getByName(host); // a literal: no lookup
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static String pem(X509Certificate cert) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(cert);
    }
    return s.toString();
  }

  private static String password(SecureRandom random) {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static void store(KeyStore ks, Path file, String password, boolean secret, boolean readableByAll)
      throws IOException, GeneralSecurityException {
    try (var out = Files.newOutputStream(file)) {
      ks.store(out, password.toCharArray());
    }
    restrict(file, secret, readableByAll);
  }

  private static void write(Path file, String content, boolean secret, boolean readableByAll) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    restrict(file, secret, readableByAll);
  }

  private static void restrict(Path file, boolean secret, boolean readableByAll) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
          secret && !readableByAll ? "rw-------" : "rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the directory's own protection applies
    }
  }

  static Properties properties(Path file) {
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return p;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
