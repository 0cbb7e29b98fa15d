package dev.slipway.image.sign;

import dev.slipway.image.TestLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Redactor;
import dev.slipway.common.registry.Digests;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.image.registry.Referrers;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.image.registry.TestImages;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.Skopeo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Key-mode signing: signatures and attestations read back from the registry and checked with openssl. */
class KeySigningTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  static final String PASSWORD = "canary-key-pass-7f3a9c";
  @TempDir Path keys;
  @TempDir Path out;
  @TempDir Path work;

  @BeforeEach
  void makeKey() throws Exception {
    Openssl.ecKey(keys, PASSWORD);
  }

  private RegistryClient client(String repo) {
    return new RegistryClient(registry.hostPort(), repo, null, true, dev.slipway.common.Log.silent());
  }

  private SignConfig config(ImageRef ref, KeySigner key, List<SignConfig.Attestation> attestations) {
    return new SignConfig(ref, false, SignConfig.Mode.KEY, null, key, Map.of("ci.run", "42"), out, true,
        attestations, null, true, null);
  }

  @Test
  void legacySignatureVerifiesWithOpensslAndNamesTheImageDigest() throws Exception {
    RegistryClient c = client("key/app");
    TestImages.Pushed image = TestImages.pushIndex(c, "2.0", "key");
    TestLog log = new TestLog();
    Redactor redactor = new Redactor().add(PASSWORD);
    KeySigner key = PemKeySigner.load(keys.resolve("key.pem"), PASSWORD.toCharArray(), "image.sign.key");

    byte[] sbom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[]}".getBytes(StandardCharsets.UTF_8);
    byte[] provenance = Json.mapper().writeValueAsBytes(Statements.provenance(new Statements.Provenance(
        "https://github.com/slipway-dev/demo/.github/workflows/ci.yml@refs/heads/main", "run-1",
        "https://github.com/slipway-dev/demo", "0123456789abcdef0123456789abcdef01234567", "refs/heads/main",
        "eclipse-temurin:21-jre", "sha256:" + "ab".repeat(32), "dev.slipway", "demo", "1.0", List.of("verify"),
        Map.of("java.version", "17"), Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:01:00Z"),
        "0.1.0")));
    SignResult result = new ImageSigner(log.redacting(redactor), null).sign(config(
        ImageRef.parse(registry.hostPort() + "/key/app:2.0", "image.ref"), key,
        List.of(new SignConfig.Attestation(Statements.CYCLONEDX, sbom, "app.cdx.json"),
            new SignConfig.Attestation(Statements.SLSA_PROVENANCE_V1, provenance, "provenance"))));

    assertThat(result.mode()).isEqualTo("key");
    assertThat(result.signatures()).singleElement().extracting(SignResult.Signed::digest).isEqualTo(image.digest());

    // read the signature back from the registry with skopeo and check it with openssl
    JsonNode sig = new Skopeo(registry).inspectRawJson(
        "docker://" + registry.hostPort() + "/key/app:" + CosignLayout.tag(image.digest(), CosignLayout.SIG));
    JsonNode layer = sig.path("layers").get(0);
    byte[] payload = c.getBlob(layer.path("digest").asText());
    Path payloadFile = Files.write(work.resolve("payload.json"), payload);
    Path sigFile = Files.write(work.resolve("payload.sig"),
        Base64.getDecoder().decode(layer.path("annotations").path(CosignLayout.ANN_SIGNATURE).asText()));
    assertThat(Openssl.verify(work, keys.resolve("pub.pem"), sigFile, payloadFile)).isTrue();
    SimpleSigning.Claims claims = SimpleSigning.parse(payload);
    assertThat(claims.manifestDigest()).isEqualTo(image.digest());
    assertThat(claims.annotations()).containsEntry("ci.run", "42");
    // a payload naming another digest does not verify against this signature
    Path other = Files.write(work.resolve("other.json"),
        SimpleSigning.payload(registry.hostPort() + "/key/app", image.amd64(), Map.of("ci.run", "42")));
    assertThat(Openssl.verify(work, keys.resolve("pub.pem"), sigFile, other)).isFalse();

    // attestations: DSSE envelopes under .att, signatures over the PAE verified with openssl
    List<CosignLayout.Layer> atts = new CosignLayout(c).read(image.digest(), CosignLayout.ATT);
    assertThat(atts).extracting(l -> l.annotations().get("predicateType"))
        .containsExactly(Statements.CYCLONEDX, Statements.SLSA_PROVENANCE_V1);
    for (CosignLayout.Layer att : atts) {
      assertThat(att.mediaType()).isEqualTo(Dsse.MEDIA_TYPE);
      Dsse.Envelope env = Dsse.parse(att.content());
      assertThat(env.payloadType()).isEqualTo(Dsse.IN_TOTO_PAYLOAD_TYPE);
      Path pae = Files.write(work.resolve("pae.bin"), env.pae());
      Path envSig = Files.write(work.resolve("env.sig"), env.signature());
      assertThat(Openssl.verify(work, keys.resolve("pub.pem"), envSig, pae)).isTrue();
      JsonNode statement = Json.mapper().readTree(env.payload());
      assertThat(statement.path("_type").asText()).isEqualTo(Statements.STATEMENT_TYPE);
      assertThat(statement.path("subject").get(0).path("digest").path("sha256").asText())
          .isEqualTo(Digests.hex(image.digest()));
    }
    JsonNode prov = Json.mapper().readTree(Dsse.parse(atts.get(1).content()).payload()).path("predicate");
    assertThat(prov.path("buildDefinition").path("resolvedDependencies").get(0).path("digest").path("gitCommit")
        .asText()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
    assertThat(prov.path("buildDefinition").path("resolvedDependencies").get(1).path("uri").asText())
        .isEqualTo("oci://eclipse-temurin:21-jre");
    assertThat(prov.path("buildDefinition").path("externalParameters").path("maven").path("artifactId").asText())
        .isEqualTo("demo");
    assertThat(prov.path("runDetails").path("builder").path("id").asText()).contains("workflows/ci.yml");

    // referrers: the signature bundle and both attestation bundles
    List<Referrers.Referrer> refs = new Referrers(c, dev.slipway.common.Log.silent()).list(image.digest(), null);
    assertThat(refs).hasSize(3);
    assertThat(refs).extracting(r -> r.annotations().get(ImageSigner.REFERRER_CONTENT))
        .containsExactly("dsse-envelope", "dsse-envelope", "dsse-envelope");
    assertThat(refs).extracting(r -> r.annotations().get(ImageSigner.REFERRER_PREDICATE))
        .containsExactly(Statements.COSIGN_SIGN_V1, Statements.CYCLONEDX, Statements.SLSA_PROVENANCE_V1);
    for (Referrers.Referrer r : refs) {
      assertThat(c.getManifest(r.digest()).json().path("layers")).hasSize(1);
    }
    // no Rekor configured: every output says what a cosign verifier then needs
    assertThat(result.transparencyLog().url()).isNull();
    assertThat(result.transparencyLog().cosignVerifyFlags()).containsExactly("--insecure-ignore-tlog=true");
    assertThat(log.all()).contains("--insecure-ignore-tlog=true");
    assertThat(Json.mapper().readTree(out.resolve("signatures/signatures.json").toFile())
        .at("/transparencyLog/cosignVerifyFlags/0").asText()).isEqualTo("--insecure-ignore-tlog=true");
    for (CosignLayout.Layer att : atts) {
      assertThat(att.annotations()).containsEntry(CosignLayout.ANN_SIGNATURE, "")
          .doesNotContainKey(CosignLayout.ANN_BUNDLE);
    }
    JsonNode bundle = Json.mapper().readTree(out.resolve("signatures").resolve(result.signatures().get(0).bundle()).toFile());
    assertThat(bundle.path("verificationMaterial").path("publicKey").path("hint").asText()).isEqualTo(result.signer());

    // the password never leaks into logs or files
    assertThat(log.all()).doesNotContain(PASSWORD).contains("key file key.pem");
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).doesNotContain(PASSWORD);
      }
    }
  }

  @Test
  void keyProblemsNameTheParameterButNeverThePassword() throws Exception {
    assertThatThrownBy(() -> PemKeySigner.load(keys.resolve("key.pem"), "wrong-canary-pw".toCharArray(), "image.sign.key"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image.sign.key")
        .hasMessageContaining("wrong password")
        .hasMessageNotContaining("wrong-canary-pw");
    assertThatThrownBy(() -> PemKeySigner.load(keys.resolve("key.pem"), null, "image.sign.key"))
        .hasMessageContaining("is encrypted").hasMessageContaining("image.sign.keyPasswordEnv");
    assertThatThrownBy(() -> PemKeySigner.load(keys.resolve("missing.pem"), null, "image.sign.key"))
        .hasMessageContaining("does not exist");
    Files.writeString(keys.resolve("junk.pem"), "not a key");
    assertThatThrownBy(() -> PemKeySigner.load(keys.resolve("junk.pem"), null, "image.sign.key"))
        .hasMessageContaining("image.sign.key");
    Openssl.run(keys, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.pem");
    assertThatThrownBy(() -> PemKeySigner.load(keys.resolve("rsa.pem"), null, "image.sign.key"))
        .hasMessageContaining("RSA key").hasMessageContaining("P-256");
  }

  @Test
  void unencryptedKeyWorksAndDerivesTheSamePublicKeyAsOpenssl() throws Exception {
    Path plain = Files.createDirectory(work.resolve("plain"));
    Openssl.ecKey(plain, null);
    KeySigner key = PemKeySigner.load(plain.resolve("key.pem"), null, "image.sign.key");
    String pem = Files.readString(plain.resolve("pub.pem")).replaceAll("-----[A-Z ]+-----|\\s", "");
    assertThat(Base64.getEncoder().encodeToString(key.publicKey().getEncoded())).isEqualTo(pem);
  }

  @Test
  void neitherTokenNorKeyNamesBothWays() {
    assertThatThrownBy(() -> SignConfig.resolveMode(SignConfig.Mode.AUTO, false, false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("SIGSTORE_ID_TOKEN")
        .hasMessageContaining("id-token: write")
        .hasMessageContaining("image.sign.key")
        .hasMessageContaining("image.sign.skip");
    assertThatThrownBy(() -> SignConfig.resolveMode(SignConfig.Mode.KEYLESS, true, false))
        .hasMessageContaining("no OIDC token");
    assertThatThrownBy(() -> SignConfig.resolveMode(SignConfig.Mode.KEY, false, true))
        .hasMessageContaining("image.sign.key is not set");
  }

  @Test
  void modeAndTokenSourceSelection() throws Exception {
    assertThat(SignConfig.resolveMode(SignConfig.Mode.AUTO, true, true)).isEqualTo(SignConfig.Mode.KEY);
    assertThat(SignConfig.resolveMode(SignConfig.Mode.AUTO, false, true)).isEqualTo(SignConfig.Mode.KEYLESS);
    assertThat(SignConfig.tokenSource(null, Map.of())).isNull();
    // the variables alone are not a token: the Mojo reads the one image.sign.identityTokenEnv names
    assertThat(SignConfig.tokenSource(null, Map.of("SIGSTORE_ID_TOKEN", "abc.def.ghi"))).isNull();
    SignConfig.TokenSource.Explicit file = new SignConfig.TokenSource.Explicit("x.y.z", "image.sign.identityTokenFile");
    assertThat(SignConfig.tokenSource(file, Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1/x?a=1",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "t"))).isSameAs(file);
    assertThat(file.toString()).isEqualTo("identity token from image.sign.identityTokenFile").doesNotContain("x.y.z");
    assertThat(SignConfig.tokenSource(null, Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1/x?a=1",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "t"))).isInstanceOf(SignConfig.TokenSource.GithubActions.class);
  }
}
