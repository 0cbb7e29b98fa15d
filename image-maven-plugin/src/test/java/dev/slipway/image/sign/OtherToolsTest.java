package dev.slipway.image.sign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.image.VerifiedImage;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.image.registry.TestImages;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.sigstore.CosignRules;
import dev.slipway.testkit.sigstore.FakeSigstore;
import dev.slipway.testkit.sigstore.NodeVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * image:verify on artifacts other tools made: bundles signed by {@code @sigstore/sign} and attached by
 * {@code @sigstore/oci} (as GitHub's attest action attaches them), key-based and keyless, and images signed with a
 * {@code cosign.key} written by an independent implementation, verified with its {@code cosign.pub}.
 */
class OtherToolsTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static FakeSigstore sigstore = new FakeSigstore();
  @TempDir static Path keys;
  @TempDir Path work;
  static final String REPO = "tools/app";
  static final String IDENTITY = "https://github.com/slipway-dev/demo/.github/workflows/release.yml@refs/heads/main";

  @BeforeAll
  static void key() throws Exception {
    Openssl.ecKey(keys, null);
  }

  static RegistryClient client() {
    return new RegistryClient(registry.hostPort(), REPO, null, true, Log.silent());
  }

  static ImageRef ref(String digest) throws Exception {
    return ImageRef.parse(registry.hostPort() + "/" + REPO + "@" + digest, "image.ref");
  }

  /** An in-toto statement about {@code digest}, written here by hand (not by Slipway's Statements class). */
  Path statement(String digest, String predicateType, String name) throws Exception {
    ObjectNode st = Json.mapper().createObjectNode();
    st.put("_type", "https://in-toto.io/Statement/v1");
    st.putArray("subject").addObject().putObject("digest").put("sha256", Digests.hex(digest));
    st.put("predicateType", predicateType);
    st.putObject("predicate");
    return Files.writeString(work.resolve(name), st.toString());
  }

  @Test
  void keySignedBundlesMadeBySigstoreSignAndAttachedBySigstoreOciVerify() throws Exception {
    NodeVerifier node = NodeVerifier.locate();
    String digest = TestImages.pushManifest(client(), "amd64", "tools-key");
    Path sign = work.resolve("sign.sigstore.json");
    node.signBundle(keys.resolve("key.pem"), statement(digest, Statements.COSIGN_SIGN_V1, "sign.json"), sign,
        sigstore.rekorUrl());
    Path sbom = work.resolve("sbom.sigstore.json");
    node.signBundle(keys.resolve("key.pem"), statement(digest, Statements.CYCLONEDX, "sbom.json"), sbom,
        sigstore.rekorUrl());
    String image = registry.hostPort() + "/" + REPO;
    String signRef = node.attach(image, digest, sign, Statements.COSIGN_SIGN_V1).path("digest").asText();
    node.attach(image, digest, sbom, Statements.CYCLONEDX);

    VerifyConfig.Key policy = new VerifyConfig.Key(PublicKeys.load(keys.resolve("pub.pem"), "p"), "pub.pem",
        sigstore.trustedRoot(), true);
    VerifiedImage v = new ImageVerifier(Log.silent()).verify(new VerifyConfig(ref(digest), policy,
        List.of(Statements.CYCLONEDX), work, null, true));
    assertThat(v.signature().format()).isEqualTo(ImageVerifier.FORMAT_V3);
    assertThat(v.signature().source()).isEqualTo("referrer " + signRef);
    assertThat(v.signature().rekorLogIndex()).isNotNull();
    assertThat(v.attestations()).singleElement()
        .satisfies(a -> assertThat(a.format()).isEqualTo(ImageVerifier.FORMAT_V3));
    CosignRules.Verdict cosign = new CosignRules(registry.hostPort(), REPO).verifyV3(digest,
        CosignRules.Options.key(policy.key(), sigstore.trustedRoot(), false));
    assertThat(cosign.accepted()).as(cosign.toString()).isTrue();

    // the same tools, an attestation only: not a signature, for image:verify
    String attOnly = TestImages.pushManifest(client(), "arm64", "tools-att-only");
    Path only = work.resolve("only.sigstore.json");
    node.signBundle(keys.resolve("key.pem"), statement(attOnly, Statements.CYCLONEDX, "only.json"), only,
        sigstore.rekorUrl());
    node.attach(image, attOnly, only, Statements.CYCLONEDX);
    try {
      new ImageVerifier(Log.silent()).verify(new VerifyConfig(ref(attOnly), policy, List.of(), work, null, true));
      throw new AssertionError("an attestation passed for a signature");
    } catch (VerificationException e) {
      assertThat(e.reason()).isEqualTo(VerificationException.Reason.NO_SIGNATURE);
      assertThat(e.getMessage()).contains("an attestation is not a signature");
    }
  }

  @Test
  void aKeylessBundleAttachedBySigstoreOciVerifies() throws Exception {
    String digest = TestImages.pushManifest(client(), "amd64", "tools-keyless");
    Path out = Files.createDirectories(work.resolve("signed"));
    SignConfig.Keyless k = new SignConfig.Keyless(SignConfig.Instance.CUSTOM, sigstore.trustedRoot(),
        sigstore.signingConfig(), new SignConfig.TokenSource.Explicit(FakeSigstore.token(IDENTITY), "test"));
    SignResult signed = new ImageSigner(Log.silent(), new SigstoreJavaKeyless(k, Map.of(), new Redactor()))
        .sign(new SignConfig(ref(digest), false, SignConfig.Mode.KEYLESS, k, null, Map.of(), out, true, List.of(),
            null, true, null));
    // only @sigstore/oci's referrer remains in the referrers index, and no .sig layer with a certificate
    RegistryClient c = client();
    CosignCompatibilityTest.rewriteReferrersIndex(c, digest, ArrayNode::removeAll);
    c.putManifest(dev.slipway.image.sign.CosignLayout.tag(digest, CosignLayout.SIG),
        dev.slipway.common.registry.MediaTypes.OCI_INDEX,
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}".getBytes());
    Path bundle = out.resolve("signatures").resolve(signed.signatures().get(0).signatureBundle());
    String attached = NodeVerifier.locate().attach(registry.hostPort() + "/" + REPO, digest, bundle,
        Statements.COSIGN_SIGN_V1).path("digest").asText();
    VerifiedImage v = new ImageVerifier(Log.silent()).verify(new VerifyConfig(ref(digest),
        new VerifyConfig.Keyless(IDENTITY, null, FakeSigstore.GITHUB_ISSUER, SignConfig.Instance.CUSTOM,
            sigstore.trustedRoot()), List.of(), work, null, true));
    assertThat(v.signature().source()).isEqualTo("referrer " + attached);
    assertThat(v.signature().identity()).isEqualTo(IDENTITY);
  }

  @Test
  void anImageSignedWithACosignKeyVerifiesWithItsCosignPub() throws Exception {
    Path dir = Files.createDirectories(work.resolve("cosign"));
    String password = "canary-cosign-pass-3b7e";
    NodeVerifier.locate().cosignKey(dir, password, 32768, null);
    String digest = TestImages.pushManifest(client(), "arm64", "tools-cosign-key");
    KeySigner key = PemKeySigner.load(dir.resolve("cosign.key"), password.toCharArray(), "image.sign.key");
    new ImageSigner(Log.silent(), null).sign(new SignConfig(ref(digest), false, SignConfig.Mode.KEY, null, key,
        Map.of(), work.resolve("out"), true, List.of(), null, true, null));
    VerifyConfig.Key policy = new VerifyConfig.Key(PublicKeys.load(dir.resolve("cosign.pub"),
        "image.verify.publicKey"), "cosign.pub");
    assertThat(new ImageVerifier(Log.silent()).verify(new VerifyConfig(ref(digest), policy, List.of(), work, null,
        true)).passes(digest)).isTrue();
    assertThat(new CosignRules(registry.hostPort(), REPO).verifyV2(digest,
        CosignRules.Options.key(policy.key(), null, true)).accepted()).isTrue();
  }
}
