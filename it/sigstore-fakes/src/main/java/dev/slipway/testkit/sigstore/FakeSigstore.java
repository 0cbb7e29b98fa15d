package dev.slipway.testkit.sigstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An offline Sigstore for tests: a {@link FakeFulcio} (gRPC over TLS) with a fake CT log, a {@link FakeRekor} (v1
 * over HTTP), a {@link FakeRekorV2} (DSSE entries) with a {@link FakeTsa} (RFC 3161), fresh keys per run, and the files that point clients at them: {@link #trustedRoot()} and
 * {@link #signingConfig()} for {@code TrustedRootProvider.from(Path)} / {@code SigningConfigProvider.from(Path)},
 * and {@link #trustStore()} holding the TLS certificate of the Fulcio endpoint.
 *
 * <p>Use as {@code @RegisterExtension static FakeSigstore sigstore = new FakeSigstore();}. On start it also points
 * this JVM's default trust store ({@code javax.net.ssl.trustStore}) at {@link #trustStore()}, because sigstore-java's
 * gRPC channel trusts only the JVM's default trust managers; forked JVMs get {@link #jvmTrustArgs()}.
 */
public final class FakeSigstore implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  /** The OIDC issuer of {@link #token(String)}: the GitHub Actions issuer, as CI signs with. */
  public static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
  public static final String TRUST_STORE_PASSWORD = "changeit";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Path dir;
  private FakeFulcio fulcio;
  private FakeRekor rekor;
  private FakeRekorV2 rekorV2;
  private FakeTsa tsa;
  private Duration certLifetime = Duration.ofMinutes(10);

  /** Certificates valid for {@code lifetime} (default 10 minutes, like Fulcio). */
  public FakeSigstore certificateLifetime(Duration lifetime) {
    this.certLifetime = lifetime;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    close();
  }

  public synchronized FakeSigstore start() throws IOException {
    if (fulcio != null) {
      return this;
    }
    dir = Files.createTempDirectory("slipway-sigstore");
    Instant now = Instant.now();
    Instant from = now.minus(Duration.ofDays(1));
    Instant to = now.plus(Duration.ofDays(30));
    KeyPair caKeys = Pki.ecP256();
    X509Certificate caCert = Pki.selfSignedCa(caKeys, "slipway-fake-fulcio", from, to);
    KeyPair ctKeys = Pki.ecP256();
    KeyPair rekorKeys = Pki.ecP256();
    KeyPair tlsKeys = Pki.ecP256();
    X509Certificate tlsCert = Pki.tlsServer(tlsKeys, from, to);

    KeyPair rekorV2Keys = Pki.ecP256();
    KeyPair tsaRootKeys = Pki.ecP256();
    X509Certificate tsaRoot = Pki.selfSignedCa(tsaRootKeys, "slipway-fake-tsa-root", from, to);
    KeyPair tsaKeys = Pki.ecP256();
    X509Certificate tsaCert = Pki.tsaLeaf(tsaKeys, tsaRootKeys, tsaRoot, from, to);

    fulcio = new FakeFulcio(caKeys, caCert, ctKeys, tlsKeys, tlsCert, certLifetime);
    rekor = new FakeRekor(rekorKeys);
    rekorV2 = new FakeRekorV2(rekorV2Keys);
    tsa = new FakeTsa(tsaKeys, tsaCert, List.of(tsaCert, tsaRoot));

    writeTrustedRoot(caCert, ctKeys, rekorKeys, rekorV2Keys, List.of(tsaCert, tsaRoot), from);
    writeSigningConfig(from);
    writeTrustStore(tlsCert);
    Files.writeString(dir.resolve("fulcio-root.pem"), Pki.pem(caCert));
    installTrustStore();
    return this;
  }

  /** Makes this JVM trust the fake Fulcio's TLS certificate (sigstore-java's gRPC uses the default trust store). */
  public void installTrustStore() {
    System.setProperty("javax.net.ssl.trustStore", trustStore().toString());
    System.setProperty("javax.net.ssl.trustStorePassword", TRUST_STORE_PASSWORD);
    System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
  }

  /** JVM options for a forked JVM (e.g. a Maven build under test) that must reach the fake Fulcio. */
  public List<String> jvmTrustArgs() {
    return List.of("-Djavax.net.ssl.trustStore=" + trustStore(),
        "-Djavax.net.ssl.trustStorePassword=" + TRUST_STORE_PASSWORD, "-Djavax.net.ssl.trustStoreType=PKCS12");
  }

  public Path trustedRoot() {
    return dir.resolve("trusted_root.json");
  }

  public Path signingConfig() {
    return dir.resolve("signing_config.json");
  }

  public Path trustStore() {
    return dir.resolve("truststore.p12");
  }

  /** The fake Fulcio root certificate as PEM. */
  public Path fulcioRootPem() {
    return dir.resolve("fulcio-root.pem");
  }

  public String fulcioUrl() {
    return "https://127.0.0.1:" + fulcio.port();
  }

  public String rekorUrl() {
    return "http://" + rekor.host() + ":" + rekor.port();
  }

  /** The Rekor v2 log (DSSE entries, used by sigstore-java's {@code attest()}). */
  public String rekorV2Url() {
    return "http://127.0.0.1:" + rekorV2.port();
  }

  public String tsaUrl() {
    return "http://127.0.0.1:" + tsa.port() + "/api/v1/timestamp";
  }

  /** Entries in the fake Rekor v2 log, counting its genesis leaf. */
  public int rekorV2Size() {
    return rekorV2.size();
  }

  /** Entries in the fake Rekor log, counting its genesis leaf. */
  public int rekorSize() {
    return rekor.size();
  }

  /** The identities the fake Fulcio issued certificates for. */
  public List<String> issuedIdentities() {
    return fulcio.issuedIdentities();
  }

  /** An unsigned OIDC identity token for {@code subject} from {@link #GITHUB_ISSUER}, audience sigstore. */
  public static String token(String subject) {
    return token(subject, GITHUB_ISSUER);
  }

  /**
   * An unsigned JWT ({@code header.payload.signature}) for {@code subject} and {@code issuer} with audience
   * {@code sigstore}, valid for ten minutes. sigstore-java's {@code TokenStringOidcClient} does not check JWT
   * signatures, and neither does the fake Fulcio.
   */
  public static String token(String subject, String issuer) {
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iss", issuer);
    claims.put("sub", subject);
    claims.put("aud", "sigstore");
    claims.put("iat", now);
    claims.put("exp", now + 600);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString("unsigned-test-token".getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (fulcio != null) {
      fulcio.close();
      fulcio = null;
    }
    if (rekor != null) {
      rekor.close();
      rekor = null;
    }
    if (rekorV2 != null) {
      rekorV2.close();
      rekorV2 = null;
    }
    if (tsa != null) {
      tsa.close();
      tsa = null;
    }
    if (dir != null) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      dir = null;
    }
  }

  private void writeTrustedRoot(X509Certificate caCert, KeyPair ctKeys, KeyPair rekorKeys, KeyPair rekorV2Keys,
      List<X509Certificate> tsaChain, Instant from) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1");
    ArrayNode tlogs = root.putArray("tlogs");
    addLog(tlogs, rekorUrl(), rekorKeys, from);
    addLog(tlogs, rekorV2Url(), rekorV2Keys, from);
    ArrayNode cas = root.putArray("certificateAuthorities");
    ObjectNode ca = cas.addObject();
    ObjectNode subject = ca.putObject("subject");
    subject.put("organization", "slipway.test");
    subject.put("commonName", "slipway-fake-fulcio");
    ca.put("uri", fulcioUrl());
    try {
      ca.putObject("certChain").putArray("certificates").addObject()
          .put("rawBytes", Base64.getEncoder().encodeToString(caCert.getEncoded()));
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
    ca.putObject("validFor").put("start", from.toString());
    ArrayNode ctlogs = root.putArray("ctlogs");
    addLog(ctlogs, "https://127.0.0.1/fake-ct", ctKeys, from);
    ObjectNode tsaNode = root.putArray("timestampAuthorities").addObject();
    ObjectNode tsaSubject = tsaNode.putObject("subject");
    tsaSubject.put("organization", "slipway.test");
    tsaSubject.put("commonName", "slipway-fake-tsa");
    tsaNode.put("uri", tsaUrl());
    ArrayNode tsaCerts = tsaNode.putObject("certChain").putArray("certificates");
    for (X509Certificate c : tsaChain) {
      try {
        tsaCerts.addObject().put("rawBytes", Base64.getEncoder().encodeToString(c.getEncoded()));
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }
    tsaNode.putObject("validFor").put("start", from.toString());
    JSON.writeValue(trustedRoot().toFile(), root);
  }

  private static void addLog(ArrayNode logs, String url, KeyPair keys, Instant from) {
    ObjectNode log = logs.addObject();
    log.put("baseUrl", url);
    log.put("hashAlgorithm", "SHA2_256");
    ObjectNode pk = log.putObject("publicKey");
    pk.put("rawBytes", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()));
    pk.put("keyDetails", "PKIX_ECDSA_P256_SHA_256");
    pk.putObject("validFor").put("start", from.toString());
    log.putObject("logId").put("keyId",
        Base64.getEncoder().encodeToString(Pki.sha256(keys.getPublic().getEncoded())));
  }

  private void writeSigningConfig(Instant from) throws IOException {
    ObjectNode config = JSON.createObjectNode();
    config.put("mediaType", "application/vnd.dev.sigstore.signingconfig.v0.2+json");
    service(config.putArray("caUrls"), fulcioUrl(), from);
    // never contacted: tests hand sigstore-java a token directly
    service(config.putArray("oidcUrls"), "https://oidc.slipway.invalid/auth", from);
    ArrayNode tlogs = config.putArray("rekorTlogUrls");
    service(tlogs, rekorUrl(), from);
    service(tlogs, rekorV2Url(), from);
    ((ObjectNode) tlogs.get(1)).put("majorApiVersion", 2);
    service(config.putArray("tsaUrls"), tsaUrl(), from);
    config.putObject("rekorTlogConfig").put("selector", "ANY");
    config.putObject("tsaConfig").put("selector", "ANY");
    JSON.writeValue(signingConfig().toFile(), config);
  }

  private static void service(ArrayNode list, String url, Instant from) {
    ObjectNode s = list.addObject();
    s.put("url", url);
    s.put("majorApiVersion", 1);
    s.putObject("validFor").put("start", from.toString());
    s.put("operator", "slipway.test");
  }

  private void writeTrustStore(X509Certificate tlsCert) throws IOException {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      // keep the JDK's CAs: a JVM using this store (a forked Maven) must still reach Maven Central
      Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
      if (Files.isRegularFile(cacerts)) {
        KeyStore jdk = KeyStore.getInstance(KeyStore.getDefaultType());
        try (var in = Files.newInputStream(cacerts)) {
          jdk.load(in, null);
        }
        for (String alias : java.util.Collections.list(jdk.aliases())) {
          if (jdk.isCertificateEntry(alias)) {
            ks.setCertificateEntry(alias, jdk.getCertificate(alias));
          }
        }
      }
      ks.setCertificateEntry("slipway-fake-fulcio-tls", tlsCert);
      try (OutputStream out = Files.newOutputStream(trustStore())) {
        ks.store(out, TRUST_STORE_PASSWORD.toCharArray());
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot write trust store", e);
    }
  }
}
