package dev.slipway.image.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.image.registry.Referrers;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.image.registry.TestImages;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.sigstore.FakeSigstore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** image:verify's core, one test per failure reason, against a real registry and the Sigstore fakes. */
class ImageVerifierTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static FakeSigstore sigstore = new FakeSigstore();
  @TempDir static Path keys;
  @TempDir Path out;

  static final String IDENTITY = "https://github.com/slipway-dev/demo/.github/workflows/release.yml@refs/heads/main";
  static final String ISSUER = FakeSigstore.GITHUB_ISSUER;
  static String keylessDigest;
  static String legacyDigest;
  static String keyDigest;
  static String unsignedDigest;
  static String otherDigest;

  static RegistryClient client() {
    return new RegistryClient(registry.hostPort(), "verify/app", null, true, Log.silent());
  }

  static ImageRef ref(String digest) throws Exception {
    return ImageRef.parse(registry.hostPort() + "/verify/app@" + digest, "image.ref");
  }

  @BeforeAll
  static void signImages(@TempDir Path signOut) throws Exception {
    RegistryClient c = client();
    keylessDigest = TestImages.pushIndex(c, "keyless", "verify-keyless").digest();
    keyDigest = TestImages.pushIndex(c, "key", "verify-key").digest();
    unsignedDigest = TestImages.pushManifest(c, "amd64", "verify-unsigned");
    otherDigest = TestImages.pushManifest(c, "arm64", "verify-other");
    String token = FakeSigstore.token(IDENTITY);
    SignConfig.Keyless keyless = new SignConfig.Keyless(SignConfig.Instance.CUSTOM, sigstore.trustedRoot(),
        sigstore.signingConfig(), new SignConfig.TokenSource.Explicit(token, "test"));
    new ImageSigner(Log.silent(), new SigstoreJavaKeyless(keyless, Map.of(), new Redactor())).sign(new SignConfig(
        ref(keylessDigest), false, SignConfig.Mode.KEYLESS, keyless, null, Map.of(), signOut, true, List.of(), null,
        true, null));

    // cosign's legacy layout only (no bundle referrer), as images signed by the old cosign pipeline are
    legacyDigest = TestImages.pushManifest(c, "amd64", "verify-legacy");
    new ImageSigner(Log.silent(), new SigstoreJavaKeyless(keyless, Map.of(), new Redactor())).sign(new SignConfig(
        ref(legacyDigest), false, SignConfig.Mode.KEYLESS, keyless, null, Map.of(), signOut, false, List.of(), null,
        true, null));

    Openssl.ecKey(keys, null);
    KeySigner key = PemKeySigner.load(keys.resolve("key.pem"), null, "image.sign.key");
    byte[] sbom = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}".getBytes();
    new ImageSigner(Log.silent(), null).sign(new SignConfig(ref(keyDigest), false, SignConfig.Mode.KEY, null, key,
        Map.of(), signOut, true, List.of(new SignConfig.Attestation(Statements.CYCLONEDX, sbom, "app.cdx.json")),
        null, true, null));
  }

  private VerifyConfig keylessPolicy(ImageRef ref, String identity, String regex, String issuer, Path root,
      List<String> predicates) {
    return new VerifyConfig(ref, new VerifyConfig.Keyless(identity, regex, issuer, SignConfig.Instance.CUSTOM, root),
        predicates, out, null, true);
  }

  private VerifyConfig keyPolicy(ImageRef ref, Path pub, List<String> predicates) throws Exception {
    return new VerifyConfig(ref, new VerifyConfig.Key(PublicKeys.load(pub, "image.verify.publicKey"), "pub.pem"),
        predicates, out, null, true);
  }

  private static VerificationException.Reason reason(ThrowingCall call) {
    try {
      call.run();
    } catch (VerificationException e) {
      return e.reason();
    } catch (Exception e) {
      throw new AssertionError("expected a VerificationException, got " + e, e);
    }
    throw new AssertionError("verification passed but should not have");
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void keylessSignatureVerifiesByTagAndWritesVerifiedJson() throws Exception {
    ImageRef byTag = ImageRef.parse(registry.hostPort() + "/verify/app:keyless", "image.ref");
    dev.slipway.common.image.VerifiedImage v = new ImageVerifier(Log.silent())
        .verify(keylessPolicy(byTag, IDENTITY, null, ISSUER, sigstore.trustedRoot(), List.of()));
    assertThat(v.digest()).isEqualTo(keylessDigest);
    assertThat(v.signature().identity()).isEqualTo(IDENTITY);
    JsonNode json = Json.mapper().readTree(out.resolve("verified.json").toFile());
    assertThat(json.path("digest").asText()).isEqualTo(keylessDigest);
    assertThat(json.path("verdict").asText()).isEqualTo("PASS");
    assertThat(dev.slipway.common.image.VerifiedImage.read(out.resolve("verified.json")).passes(keylessDigest)).isTrue();
    assertThat(dev.slipway.common.image.VerifiedImage.read(out.resolve("verified.json")).passes(keyDigest)).isFalse();
    assertThat(json.path("reference").asText()).isEqualTo(registry.hostPort() + "/verify/app@" + keylessDigest);
    assertThat(json.path("policy").path("mode").asText()).isEqualTo("keyless");

    new ImageVerifier(Log.silent()).verify(keylessPolicy(ref(keylessDigest), null,
        "https://github\\.com/slipway-dev/.*/release\\.yml@refs/heads/main", ISSUER, sigstore.trustedRoot(), List.of()));
  }

  @Test
  void legacyCosignLayoutWithoutBundleVerifiesFromItsAnnotations(@TempDir Path tmp) throws Exception {
    assertThat(new Referrers(client(), Log.silent()).list(legacyDigest, null)).isEmpty();
    dev.slipway.common.image.VerifiedImage v = new ImageVerifier(Log.silent())
        .verify(keylessPolicy(ref(legacyDigest), IDENTITY, null, ISSUER, sigstore.trustedRoot(), List.of()));
    assertThat(v.signature().source()).contains(".sig layer");
    assertThat(v.signature().identity()).isEqualTo(IDENTITY);
    assertThat(reason(() -> new ImageVerifier(Log.silent()).verify(keylessPolicy(ref(legacyDigest),
        "https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main", null, ISSUER,
        sigstore.trustedRoot(), List.of())))).isEqualTo(VerificationException.Reason.WRONG_IDENTITY);

    // a forged Rekor SET (the log never saw this entry) is a broken chain of trust
    RegistryClient c = client();
    String forgedTarget = TestImages.pushManifest(c, "arm64", "verify-forged");
    CosignLayout.Layer layer = new CosignLayout(c).read(legacyDigest, CosignLayout.SIG).get(0);
    ObjectNode bundle = (ObjectNode) Json.mapper().readTree(layer.annotations().get(CosignLayout.ANN_BUNDLE));
    byte[] set = Base64.getDecoder().decode(bundle.path("SignedEntryTimestamp").asText());
    set[set.length - 3] ^= 0x5a;
    bundle.put("SignedEntryTimestamp", Base64.getEncoder().encodeToString(set));
    Map<String, String> forged = new java.util.HashMap<>(layer.annotations());
    forged.put(CosignLayout.ANN_BUNDLE, bundle.toString());
    byte[] payload = SimpleSigning.payload(registry.hostPort() + "/verify/app", forgedTarget, Map.of());
    // without the SET check this would fail later, as BAD_SIGNATURE (the log entry is for another payload)
    new CosignLayout(c).append(forgedTarget, CosignLayout.SIG, new Referrers.Blob(SimpleSigning.MEDIA_TYPE, payload,
        forged));
    assertThat(reason(() -> new ImageVerifier(Log.silent())
        .verify(keylessPolicy(ref(forgedTarget), IDENTITY, null, ISSUER, sigstore.trustedRoot(), List.of()))))
        .isEqualTo(VerificationException.Reason.BAD_CHAIN);
  }

  @Test
  void noSignature() throws Exception {
    assertThat(reason(() -> new ImageVerifier(Log.silent())
        .verify(keylessPolicy(ref(unsignedDigest), IDENTITY, null, ISSUER, sigstore.trustedRoot(), List.of()))))
        .isEqualTo(VerificationException.Reason.NO_SIGNATURE);
    assertThat(reason(() -> new ImageVerifier(Log.silent())
        .verify(keyPolicy(ref(unsignedDigest), keys.resolve("pub.pem"), List.of()))))
        .isEqualTo(VerificationException.Reason.NO_SIGNATURE);
    // a failed check overwrites verified.json with FAIL for this digest: nothing stale vouches for it
    JsonNode failed = Json.mapper().readTree(out.resolve("verified.json").toFile());
    assertThat(failed.path("verdict").asText()).isEqualTo("FAIL");
    assertThat(failed.path("reason").asText()).isEqualTo("NO_SIGNATURE");
    assertThat(failed.path("digest").asText()).isEqualTo(unsignedDigest);
    assertThat(dev.slipway.common.image.VerifiedImage.read(out.resolve("verified.json")).passes(unsignedDigest))
        .isFalse();
  }

  @Test
  void wrongIdentityOrIssuer() throws Exception {
    assertThatThrownBy(() -> new ImageVerifier(Log.silent()).verify(keylessPolicy(ref(keylessDigest),
        "https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main", null, ISSUER,
        sigstore.trustedRoot(), List.of())))
        .isInstanceOfSatisfying(VerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(VerificationException.Reason.WRONG_IDENTITY))
        .hasMessageContaining("signed by " + IDENTITY);
    assertThat(reason(() -> new ImageVerifier(Log.silent()).verify(keylessPolicy(ref(keylessDigest), IDENTITY, null,
        "https://accounts.google.com", sigstore.trustedRoot(), List.of()))))
        .isEqualTo(VerificationException.Reason.WRONG_IDENTITY);
    assertThat(reason(() -> new ImageVerifier(Log.silent()).verify(keylessPolicy(ref(keylessDigest), null,
        "https://github\\.com/other/.*", ISSUER, sigstore.trustedRoot(), List.of()))))
        .isEqualTo(VerificationException.Reason.WRONG_IDENTITY);
  }

  @Test
  void digestMismatchWhenSignaturesAreCopiedToAnotherImage() throws Exception {
    RegistryClient c = client();
    // keyless: the bundle referrer of one image attached to another
    Referrers referrers = new Referrers(c, Log.silent());
    Referrers.Referrer signed = referrers.list(keylessDigest, SigstoreBundles.MEDIA_TYPE).get(0);
    JsonNode manifest = c.getManifest(signed.digest()).json();
    List<Referrers.Blob> blobs = new java.util.ArrayList<>();
    for (JsonNode l : manifest.path("layers")) {
      blobs.add(new Referrers.Blob(l.path("mediaType").asText(), c.getBlob(l.path("digest").asText())));
    }
    referrers.attach(referrers.subject(otherDigest), SigstoreBundles.MEDIA_TYPE, blobs,
        Map.of(ImageSigner.REFERRER_CONTENT, "message-signature"));
    assertThat(reason(() -> new ImageVerifier(Log.silent())
        .verify(keylessPolicy(ref(otherDigest), IDENTITY, null, ISSUER, sigstore.trustedRoot(), List.of()))))
        .isEqualTo(VerificationException.Reason.DIGEST_MISMATCH);

    // key mode: cosign's .sig manifest copied to another digest's tag
    String copyTarget = TestImages.pushManifest(c, "amd64", "verify-copy-target");
    byte[] sig = c.getManifest(CosignLayout.tag(keyDigest, CosignLayout.SIG)).bytes();
    c.putManifest(CosignLayout.tag(copyTarget, CosignLayout.SIG), MediaTypes.OCI_MANIFEST, sig);
    assertThatThrownBy(() -> new ImageVerifier(Log.silent())
        .verify(keyPolicy(ref(copyTarget), keys.resolve("pub.pem"), List.of())))
        .isInstanceOfSatisfying(VerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(VerificationException.Reason.DIGEST_MISMATCH))
        .hasMessageContaining("signs " + keyDigest);
  }

  @Test
  void badChainWhenTheCertificateIsNotFromTheTrustedCa(@TempDir Path tmp) throws Exception {
    Openssl.run(tmp, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
        "other.key", "-out", "other.pem", "-subj", "/O=elsewhere/CN=other-ca", "-days", "2");
    Openssl.run(tmp, "x509", "-in", "other.pem", "-outform", "DER", "-out", "other.der");
    ObjectNode root = (ObjectNode) Json.mapper().readTree(sigstore.trustedRoot().toFile());
    ((ObjectNode) root.path("certificateAuthorities").get(0).path("certChain").path("certificates").get(0))
        .put("rawBytes", Base64.getEncoder().encodeToString(Files.readAllBytes(tmp.resolve("other.der"))));
    Path otherRoot = tmp.resolve("other_root.json");
    Json.writeFile(otherRoot, root);
    assertThatThrownBy(() -> new ImageVerifier(Log.silent())
        .verify(keylessPolicy(ref(keylessDigest), IDENTITY, null, ISSUER, otherRoot, List.of())))
        .isInstanceOfSatisfying(VerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(VerificationException.Reason.BAD_CHAIN));
  }

  @Test
  void keySignatureWithAttestationsVerifiesAndAnotherKeyDoesNot(@TempDir Path other) throws Exception {
    dev.slipway.common.image.VerifiedImage v = new ImageVerifier(Log.silent())
        .verify(keyPolicy(ref(keyDigest), keys.resolve("pub.pem"), List.of(Statements.CYCLONEDX)));
    assertThat(v.policy().mode()).isEqualTo("key");
    assertThat(v.attestations().stream().map(a -> a.predicateType()).toList()).containsExactly(Statements.CYCLONEDX);
    assertThat(Json.mapper().readTree(out.resolve("verified.json").toFile()).path("digest").asText())
        .isEqualTo(keyDigest);

    assertThat(reason(() -> new ImageVerifier(Log.silent())
        .verify(keyPolicy(ref(keyDigest), keys.resolve("pub.pem"), List.of(Statements.SLSA_PROVENANCE_V1)))))
        .isEqualTo(VerificationException.Reason.MISSING_ATTESTATION);
    assertThat(reason(() -> new ImageVerifier(Log.silent()).verify(keylessPolicy(ref(keylessDigest), IDENTITY, null,
        ISSUER, sigstore.trustedRoot(), List.of(Statements.CYCLONEDX)))))
        .isEqualTo(VerificationException.Reason.MISSING_ATTESTATION);

    Openssl.ecKey(other, null);
    assertThat(reason(() -> new ImageVerifier(Log.silent())
        .verify(keyPolicy(ref(keyDigest), other.resolve("pub.pem"), List.of()))))
        .isEqualTo(VerificationException.Reason.BAD_SIGNATURE);
  }
}
