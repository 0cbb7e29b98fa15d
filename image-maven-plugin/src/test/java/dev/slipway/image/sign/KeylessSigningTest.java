package dev.slipway.image.sign;

import dev.slipway.image.TestLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstore.KeylessVerificationException;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import dev.slipway.common.Json;
import dev.slipway.common.Redactor;
import dev.slipway.common.registry.Digests;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.image.registry.Referrers;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.image.registry.TestImages;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.Skopeo;
import dev.slipway.testkit.sigstore.FakeSigstore;
import dev.slipway.testkit.sigstore.NodeVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyless signing against the in-JVM Fulcio and Rekor, into a real registry; every bundle is verified by sigstore-java
 * and by sigstore-js, and both reject a tampered digest, a wrong identity and a wrong issuer.
 */
class KeylessSigningTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static FakeSigstore sigstore = new FakeSigstore();
  @TempDir Path out;

  static final String IDENTITY = "https://github.com/slipway-dev/demo/.github/workflows/release.yml@refs/heads/main";
  static final String ISSUER = FakeSigstore.GITHUB_ISSUER;

  private RegistryClient client(String repo) {
    return new RegistryClient(registry.hostPort(), repo, null, true, dev.slipway.common.Log.silent());
  }

  SignConfig config(ImageRef ref, String token, boolean platforms) {
    return config(ref, token, platforms, sigstore.signingConfig(), List.of());
  }

  SignConfig config(ImageRef ref, String token, boolean platforms, Path signingConfig,
      List<SignConfig.Attestation> attestations) {
    return new SignConfig(ref, platforms, SignConfig.Mode.KEYLESS,
        new SignConfig.Keyless(SignConfig.Instance.CUSTOM, sigstore.trustedRoot(), signingConfig,
            new SignConfig.TokenSource.Explicit(token, "test")),
        null, Map.of(), out, true, attestations, null, true, null);
  }

  static final byte[] PROVENANCE = ("{\"buildDefinition\":{\"buildType\":\"" + Statements.BUILD_TYPE
      + "\"},\"runDetails\":{\"builder\":{\"id\":\"https://slipway.dev/builders/test\"}}}")
      .getBytes(StandardCharsets.UTF_8);

  @Test
  void keylessAttestationsGoThroughRekorV2AndTheTsaAndBothVerifiersAcceptThem() throws Exception {
    RegistryClient c = client("keyless/attest");
    TestImages.Pushed image = TestImages.pushIndex(c, "1.0", "attest");
    String token = FakeSigstore.token(IDENTITY);
    ImageRef ref = ImageRef.parse(registry.hostPort() + "/keyless/attest@" + image.digest(), "image.ref");
    SignConfig config = config(ref, token, false, sigstore.signingConfig(),
        List.of(new SignConfig.Attestation(Statements.SLSA_PROVENANCE_V1, PROVENANCE, "provenance")));
    int v2Before = sigstore.rekorV2Size();
    SignResult result = new ImageSigner(dev.slipway.common.Log.silent(),
        new SigstoreJavaKeyless(config.keyless(), Map.of(), new Redactor())).sign(config);
    assertThat(result.attestationsSkipped()).isNull();
    assertThat(result.attestations()).singleElement()
        .satisfies(a -> assertThat(a.predicateType()).isEqualTo(Statements.SLSA_PROVENANCE_V1));
    // the cosign v3 signature statement and the provenance: two DSSE envelopes in Rekor v2
    assertThat(sigstore.rekorV2Size()).isEqualTo(v2Before + 2);

    // cosign's .att layer: the DSSE envelope, the empty signature annotation cosign's reader requires, certificate,
    // chain and RFC 3161 timestamp
    CosignLayout.Layer att = new CosignLayout(c).read(image.digest(), CosignLayout.ATT).get(0);
    assertThat(att.mediaType()).isEqualTo(Dsse.MEDIA_TYPE);
    assertThat(att.annotations()).containsEntry(CosignLayout.ANN_SIGNATURE, "").containsKeys(
        CosignLayout.ANN_CERTIFICATE, CosignLayout.ANN_CHAIN, CosignLayout.ANN_RFC3161);
    JsonNode statement = Json.mapper().readTree(Dsse.parse(att.content()).payload());
    assertThat(statement.path("subject").get(0).path("digest").path("sha256").asText())
        .isEqualTo(Digests.hex(image.digest()));

    Path bundleFile = out.resolve("signatures").resolve(result.attestations().get(0).bundle());
    Bundle bundle = Bundle.from(bundleFile, StandardCharsets.UTF_8);
    KeylessVerifier javaVerifier = KeylessVerifier.builder()
        .trustedRootProvider(TrustedRootProvider.from(sigstore.trustedRoot())).build();
    javaVerifier.verify(java.util.HexFormat.of().parseHex(Digests.hex(image.digest())), bundle,
        options(IDENTITY, ISSUER));
    assertThatThrownBy(() -> javaVerifier.verify(java.util.HexFormat.of().parseHex(Digests.hex(image.amd64())),
        bundle, options(IDENTITY, ISSUER))).isInstanceOf(KeylessVerificationException.class);
    NodeVerifier node = NodeVerifier.locate();
    NodeVerifier.Result ok = node.verifyDsse(sigstore.trustedRoot(), bundleFile, IDENTITY, ISSUER);
    assertThat(ok.ok()).as(ok.toString()).isTrue();
    assertThat(Json.mapper().readTree(ok.dssePayload()).path("subject").get(0).path("digest").path("sha256").asText())
        .isEqualTo(Digests.hex(image.digest()));
    assertThat(node.verifyDsse(sigstore.trustedRoot(), bundleFile, IDENTITY + "x", ISSUER).ok()).isFalse();

    // and image:verify's core accepts it as the required provenance
    dev.slipway.common.image.VerifiedImage v = new ImageVerifier(dev.slipway.common.Log.silent()).verify(new VerifyConfig(ref,
        new VerifyConfig.Keyless(IDENTITY, null, ISSUER, SignConfig.Instance.CUSTOM, sigstore.trustedRoot()),
        List.of(Statements.SLSA_PROVENANCE_V1), out, null, true));
    assertThat(v.attestations().stream().map(a -> a.predicateType()).toList()).containsExactly(Statements.SLSA_PROVENANCE_V1);
  }

  /**
   * An SBOM names people and licences in any script (Debian's maintainers, "©"): its attestation must still carry a
   * DSSE signature over the payload's bytes, which Rekor v2 checks (the fake as the real one) and sigstore-js verifies.
   */
  @Test
  void aStatementWithNonAsciiTextIsAttestedWithASignatureOverItsBytes() throws Exception {
    RegistryClient c = client("keyless/unicode");
    String digest = TestImages.pushManifest(c, "amd64", "unicode");
    ImageRef ref = ImageRef.parse(registry.hostPort() + "/keyless/unicode@" + digest, "image.ref");
    String predicate = "{\"bomFormat\":\"CycloneDX\",\"components\":[{\"name\":\"libc6\","
        + "\"author\":\"Aurélien Jarno \u00a9 \u65e5\u672c \ud83d\udce6\"}]}";
    SignConfig config = config(ref, FakeSigstore.token(IDENTITY), false, sigstore.signingConfig(),
        List.of(new SignConfig.Attestation(Statements.CYCLONEDX, predicate.getBytes(StandardCharsets.UTF_8), "sbom")));
    SignResult result = new ImageSigner(dev.slipway.common.Log.silent(),
        new SigstoreJavaKeyless(config.keyless(), Map.of(), new Redactor())).sign(config);
    assertThat(result.attestations()).singleElement()
        .satisfies(a -> assertThat(a.predicateType()).isEqualTo(Statements.CYCLONEDX));

    Path bundleFile = out.resolve("signatures").resolve(result.attestations().get(0).bundle());
    NodeVerifier.Result ok = NodeVerifier.locate().verifyDsse(sigstore.trustedRoot(), bundleFile, IDENTITY, ISSUER);
    assertThat(ok.ok()).as(ok.toString()).isTrue();
    // the signed payload is ASCII, and still says exactly what the SBOM says
    assertThat(ok.dssePayload()).matches("\\p{ASCII}*");
    assertThat(Json.mapper().readTree(ok.dssePayload()).path("predicate"))
        .isEqualTo(Json.mapper().readTree(predicate));
    assertThat(SigstoreJavaKeyless.asciiJson("{\"a\":\"plain\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("{\"a\":\"plain\"}");
  }

  @Test
  void aSigstoreWithoutRekorV2SignsButSkipsAttestationsSayingWhy() throws Exception {
    JsonNode sc = Json.mapper().readTree(sigstore.signingConfig().toFile());
    ((com.fasterxml.jackson.databind.node.ArrayNode) sc.path("rekorTlogUrls")).remove(1);
    ((com.fasterxml.jackson.databind.node.ObjectNode) sc).putArray("tsaUrls");
    Path v1Only = out.resolve("signing_config_v1_only.json");
    Json.writeFile(v1Only, sc);
    RegistryClient c = client("keyless/v1only");
    String digest = TestImages.pushManifest(c, "amd64", "v1only");
    ImageRef ref = ImageRef.parse(registry.hostPort() + "/keyless/v1only@" + digest, "image.ref");
    SignConfig config = config(ref, FakeSigstore.token(IDENTITY), false, v1Only,
        List.of(new SignConfig.Attestation(Statements.SLSA_PROVENANCE_V1, PROVENANCE, "provenance")));
    TestLog log = new TestLog();
    SignResult result = new ImageSigner(log, new SigstoreJavaKeyless(config.keyless(), Map.of(), new Redactor()))
        .sign(config);
    assertThat(result.signatures()).hasSize(1);
    assertThat(result.attestations()).isEmpty();
    assertThat(result.attestationsSkipped()).contains("Rekor v2").contains("image.sign.mode=key");
    assertThat(log.all()).contains("No cosign v3 signature bundle and no attestations");
    assertThat(new CosignLayout(c).read(digest, CosignLayout.ATT)).isEmpty();
    // no bundle referrer at all: cosign v3 then reads the .sig tag instead of taking an attestation for a signature
    assertThat(result.signatures().get(0).referrer()).isNull();
    assertThat(result.signatures().get(0).referrerSkipped()).contains("Rekor v2");
    assertThat(new Referrers(c, dev.slipway.common.Log.silent()).list(digest, null)).isEmpty();
  }

  static VerificationOptions options(String san, String issuer) {
    return VerificationOptions.builder().addCertificateMatchers(VerificationOptions.CertificateMatcher.fulcio()
        .subjectAlternativeName(StringMatcher.string(san)).issuer(StringMatcher.string(issuer)).build()).build();
  }

  @Test
  void signsIndexAndPlatformsInCosignLayoutAndBothVerifiersAgree() throws Exception {
    RegistryClient c = client("keyless/app");
    TestImages.Pushed image = TestImages.pushIndex(c, "1.0", "keyless");
    String token = FakeSigstore.token(IDENTITY);
    TestLog log = new TestLog();
    Redactor redactor = new Redactor().add(token);
    ImageSigner signer = new ImageSigner(log.redacting(redactor),
        new SigstoreJavaKeyless(config(null, token, true).keyless(), Map.of(), redactor));

    // a tag is resolved to its digest first
    ImageRef ref = ImageRef.parse(registry.hostPort() + "/keyless/app:1.0", "image.ref");
    SignResult result = signer.sign(config(ref, token, true));

    assertThat(result.mode()).isEqualTo("keyless");
    assertThat(result.signer()).isEqualTo(IDENTITY);
    assertThat(result.issuer()).isEqualTo(ISSUER);
    assertThat(result.reference()).isEqualTo(registry.hostPort() + "/keyless/app@" + image.digest());
    assertThat(result.signatures()).extracting(SignResult.Signed::digest)
        .containsExactly(image.digest(), image.amd64(), image.arm64());
    assertThat(result.signatures()).allSatisfy(s -> assertThat(s.rekorLogIndex()).isGreaterThanOrEqualTo(1));
    assertThat(Json.mapper().readTree(out.resolve("signatures/signatures.json").toFile()).path("signatures"))
        .hasSize(3);

    KeylessVerifier javaVerifier = KeylessVerifier.builder()
        .trustedRootProvider(TrustedRootProvider.from(sigstore.trustedRoot())).build();
    NodeVerifier node = NodeVerifier.locate();
    Skopeo skopeo = new Skopeo(registry);
    for (SignResult.Signed s : result.signatures()) {
      // the legacy .sig tag, read back with skopeo
      JsonNode sig = skopeo.inspectRawJson("docker://" + registry.hostPort() + "/keyless/app:" + s.signatureTag());
      JsonNode layer = sig.path("layers").get(0);
      assertThat(layer.path("mediaType").asText()).isEqualTo(SimpleSigning.MEDIA_TYPE);
      JsonNode ann = layer.path("annotations");
      assertThat(ann.path(CosignLayout.ANN_CERTIFICATE).asText()).startsWith("-----BEGIN CERTIFICATE-----");
      assertThat(ann.path(CosignLayout.ANN_CHAIN).asText()).startsWith("-----BEGIN CERTIFICATE-----");
      assertThat(ann.path(CosignLayout.ANN_SIGNATURE).asText()).isNotBlank();
      JsonNode rekorBundle = Json.mapper().readTree(ann.path(CosignLayout.ANN_BUNDLE).asText());
      assertThat(rekorBundle.path("SignedEntryTimestamp").asText()).isNotBlank();
      assertThat(rekorBundle.path("Payload").path("logIndex").asLong()).isEqualTo(s.rekorLogIndex());
      byte[] payload = c.getBlob(layer.path("digest").asText());
      assertThat(SimpleSigning.parse(payload).manifestDigest()).isEqualTo(s.digest());
      // the legacy annotations alone (certificate + Rekor SET, no inclusion proof) satisfy sigstore-js too
      Path legacyBundle = out.resolve("legacy-" + Digests.hex(s.digest()) + ".json");
      Files.writeString(legacyBundle, bundleV01FromAnnotations(ann, payload));
      NodeVerifier.Result legacyOk = NodeVerifier.locate().verify(sigstore.trustedRoot(), legacyBundle, payload,
          IDENTITY, ISSUER);
      assertThat(legacyOk.ok()).as(legacyOk.toString()).isTrue();
      com.fasterxml.jackson.databind.node.ObjectNode forged =
          (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(legacyBundle.toFile());
      com.fasterxml.jackson.databind.node.ObjectNode promise = (com.fasterxml.jackson.databind.node.ObjectNode)
          forged.at("/verificationMaterial/tlogEntries/0/inclusionPromise");
      byte[] set = java.util.Base64.getDecoder().decode(promise.path("signedEntryTimestamp").asText());
      set[set.length - 2] ^= 0x33;
      promise.put("signedEntryTimestamp", java.util.Base64.getEncoder().encodeToString(set));
      Files.writeString(legacyBundle, forged.toString());
      assertThat(NodeVerifier.locate().verify(sigstore.trustedRoot(), legacyBundle, payload, IDENTITY, ISSUER).ok())
          .isFalse();
      assertThat(SimpleSigning.parse(payload).dockerReference()).isEqualTo(registry.hostPort() + "/keyless/app");

      Path bundleFile = out.resolve("signatures").resolve(s.bundle());
      Bundle bundle = Bundle.from(bundleFile, StandardCharsets.UTF_8);
      javaVerifier.verify(ImageSigner.sha256(payload), bundle, options(IDENTITY, ISSUER));
      NodeVerifier.Result ok = node.verify(sigstore.trustedRoot(), bundleFile, payload, IDENTITY, ISSUER);
      assertThat(ok.ok()).as(ok.toString()).isTrue();

      // cosign v3's signature: a one-layer referrer holding a DSSE bundle of a sign/v1 statement about the digest,
      // which sigstore-js verifies on its own
      List<Referrers.Referrer> refs = new Referrers(c, dev.slipway.common.Log.silent())
          .list(s.digest(), SigstoreBundles.MEDIA_TYPE);
      assertThat(refs).extracting(Referrers.Referrer::digest).contains(s.referrer());
      JsonNode artifact = c.getManifest(s.referrer()).json();
      assertThat(artifact.path("subject").path("digest").asText()).isEqualTo(s.digest());
      assertThat(artifact.path("layers")).hasSize(1);
      assertThat(artifact.path("annotations").path(ImageSigner.REFERRER_PREDICATE).asText())
          .isEqualTo(Statements.COSIGN_SIGN_V1);
      Path signBundle = out.resolve("signatures").resolve(s.signatureBundle());
      assertThat(c.getBlob(artifact.path("layers").get(0).path("digest").asText()))
          .isEqualTo(Files.readAllBytes(signBundle));
      NodeVerifier.Result v3 = node.verifyDsse(sigstore.trustedRoot(), signBundle, IDENTITY, ISSUER);
      assertThat(v3.ok()).as(v3.toString()).isTrue();
      JsonNode st = Json.mapper().readTree(v3.dssePayload());
      assertThat(st.path("predicateType").asText()).isEqualTo(Statements.COSIGN_SIGN_V1);
      assertThat(st.path("subject").get(0).path("digest").path("sha256").asText()).isEqualTo(Digests.hex(s.digest()));
    }

    // negative cases, each rejected by both implementations
    SignResult.Signed index = result.signatures().get(0);
    Path indexBundle = out.resolve("signatures").resolve(index.bundle());
    Bundle bundle = Bundle.from(indexBundle, StandardCharsets.UTF_8);
    byte[] tampered = SimpleSigning.payload(registry.hostPort() + "/keyless/app", image.amd64(), Map.of());
    assertThatThrownBy(() -> javaVerifier.verify(ImageSigner.sha256(tampered), bundle, options(IDENTITY, ISSUER)))
        .isInstanceOf(KeylessVerificationException.class);
    assertThat(node.verify(sigstore.trustedRoot(), indexBundle, tampered, IDENTITY, ISSUER).ok()).isFalse();

    byte[] payload = Files.readAllBytes(out.resolve("signatures").resolve(Digests.hex(index.digest()) + ".payload.json"));
    String otherIdentity = "https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main";
    assertThatThrownBy(() -> javaVerifier.verify(ImageSigner.sha256(payload), bundle, options(otherIdentity, ISSUER)))
        .isInstanceOf(KeylessVerificationException.class);
    assertThat(node.verify(sigstore.trustedRoot(), indexBundle, payload, otherIdentity, ISSUER).ok()).isFalse();

    String otherIssuer = "https://accounts.google.com";
    assertThatThrownBy(() -> javaVerifier.verify(ImageSigner.sha256(payload), bundle, options(IDENTITY, otherIssuer)))
        .isInstanceOf(KeylessVerificationException.class);
    assertThat(node.verify(sigstore.trustedRoot(), indexBundle, payload, IDENTITY, otherIssuer).ok()).isFalse();

    // the token never reaches logs or files
    assertThat(log.all()).doesNotContain(token).contains("keylessly");
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain(token);
      }
    }
    try (Stream<Path> files = Files.walk(registry.storage())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain(token);
      }
    }
  }

  @Test
  void githubActionsAmbientTokenIsRequestedWithAudienceSigstore() throws Exception {
    String requestToken = "canary-actions-request-token-93b1";
    String idToken = FakeSigstore.token(IDENTITY);
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer actions = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    actions.createContext("/token", ex -> {
      seen.add(ex.getRequestURI().getQuery() + " " + ex.getRequestHeaders().getFirst("Authorization"));
      boolean ok = ("Bearer " + requestToken).equals(ex.getRequestHeaders().getFirst("Authorization"))
          && ex.getRequestURI().getQuery().contains("audience=sigstore");
      byte[] body = (ok ? "{\"value\":\"" + idToken + "\"}" : "{}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(ok ? 200 : 401, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    actions.start();
    try {
      Map<String, String> env = Map.of("GITHUB_ACTIONS", "true",
          "ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:" + actions.getAddress().getPort() + "/token?api-version=2.0",
          "ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken);
      SignConfig.TokenSource source = SignConfig.tokenSource(null, env);
      assertThat(source).isInstanceOf(SignConfig.TokenSource.GithubActions.class);
      RegistryClient c = client("keyless/actions");
      String digest = TestImages.pushManifest(c, "amd64", "actions");
      ImageRef ref = ImageRef.parse(registry.hostPort() + "/keyless/actions@" + digest, "image.ref");
      SignConfig.Keyless keyless = new SignConfig.Keyless(SignConfig.Instance.CUSTOM, sigstore.trustedRoot(),
          sigstore.signingConfig(), source);
      TestLog log = new TestLog();
      Redactor redactor = new Redactor().add(requestToken);
      SignResult result = new ImageSigner(log.redacting(redactor), new SigstoreJavaKeyless(keyless, env, redactor))
          .sign(new SignConfig(ref, false, SignConfig.Mode.KEYLESS, keyless, null, Map.of(), out, false, List.of(),
              null, true, null));
      assertThat(result.signer()).isEqualTo(IDENTITY);
      assertThat(seen).singleElement().asString().contains("audience=sigstore");
      assertThat(log.all()).contains("GitHub Actions OIDC token").doesNotContain(requestToken).doesNotContain(idToken);
    } finally {
      actions.stop(0);
    }
  }

  /**
   * A Sigstore bundle v0.1 built only from cosign's legacy layer annotations: what cosign itself checks (certificate,
   * SET over the Rekor entry, signature), in a form an independent verifier reads.
   */
  static String bundleV01FromAnnotations(JsonNode ann, byte[] payload) throws Exception {
    java.security.cert.X509Certificate leaf = (java.security.cert.X509Certificate)
        java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(
            ann.path(CosignLayout.ANN_CERTIFICATE).asText().getBytes(StandardCharsets.US_ASCII)));
    JsonNode rekor = Json.mapper().readTree(ann.path(CosignLayout.ANN_BUNDLE).asText());
    JsonNode p = rekor.path("Payload");
    com.fasterxml.jackson.databind.node.ObjectNode b = Json.mapper().createObjectNode();
    b.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.1");
    com.fasterxml.jackson.databind.node.ObjectNode vm = b.putObject("verificationMaterial");
    vm.putObject("x509CertificateChain").putArray("certificates").addObject()
        .put("rawBytes", java.util.Base64.getEncoder().encodeToString(leaf.getEncoded()));
    com.fasterxml.jackson.databind.node.ObjectNode e = vm.putArray("tlogEntries").addObject();
    e.put("logIndex", String.valueOf(p.path("logIndex").asLong()));
    e.putObject("logId").put("keyId", java.util.Base64.getEncoder().encodeToString(
        java.util.HexFormat.of().parseHex(p.path("logID").asText())));
    com.fasterxml.jackson.databind.node.ObjectNode kv = e.putObject("kindVersion");
    kv.put("kind", "hashedrekord");
    kv.put("version", "0.0.1");
    e.put("integratedTime", String.valueOf(p.path("integratedTime").asLong()));
    e.putObject("inclusionPromise").put("signedEntryTimestamp", rekor.path("SignedEntryTimestamp").asText());
    e.put("canonicalizedBody", p.path("body").asText());
    com.fasterxml.jackson.databind.node.ObjectNode ms = b.putObject("messageSignature");
    com.fasterxml.jackson.databind.node.ObjectNode md = ms.putObject("messageDigest");
    md.put("algorithm", "SHA2_256");
    md.put("digest", java.util.Base64.getEncoder().encodeToString(ImageSigner.sha256(payload)));
    ms.put("signature", ann.path(CosignLayout.ANN_SIGNATURE).asText());
    return b.toString();
  }

  @Test
  void signingTwiceKeepsBothSignatures() throws Exception {
    RegistryClient c = client("keyless/twice");
    String digest = TestImages.pushManifest(c, "amd64", "twice");
    ImageRef ref = ImageRef.parse(registry.hostPort() + "/keyless/twice@" + digest, "image.ref");
    String token = FakeSigstore.token("ci@example.com", "https://accounts.example.com");
    ImageSigner signer = new ImageSigner(dev.slipway.common.Log.silent(),
        new SigstoreJavaKeyless(config(ref, token, false).keyless(), Map.of(), new Redactor()));
    signer.sign(config(ref, token, false));
    SignResult second = signer.sign(config(ref, token, false));
    assertThat(second.signer()).isEqualTo("ci@example.com");
    assertThat(new CosignLayout(c).read(digest, CosignLayout.SIG)).hasSize(2);
    assertThat(new Referrers(c, dev.slipway.common.Log.silent()).list(digest, SigstoreBundles.MEDIA_TYPE)).hasSize(2);
  }

  @Test
  void fulcioRefusalIsReportedWithoutTheToken() throws Exception {
    RegistryClient c = client("keyless/refused");
    String digest = TestImages.pushManifest(c, "amd64", "refused");
    ImageRef ref = ImageRef.parse(registry.hostPort() + "/keyless/refused@" + digest, "image.ref");
    // a token without the sigstore audience: Fulcio refuses it
    String claims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"iss\":\"https://x.example\",\"sub\":\"canary-subject\",\"aud\":\"other\"}".getBytes(StandardCharsets.UTF_8));
    String token = "eyJhbGciOiJSUzI1NiJ9." + claims + ".c2ln";
    Redactor redactor = new Redactor().add(token);
    ImageSigner signer = new ImageSigner(dev.slipway.common.Log.silent(),
        new SigstoreJavaKeyless(config(ref, token, false).keyless(), Map.of(), redactor));
    assertThatThrownBy(() -> signer.sign(config(ref, token, false)))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("audience")
        .hasMessageNotContaining(token);
    assertThat(new CosignLayout(c).read(digest, CosignLayout.SIG)).isEmpty();
  }
}
