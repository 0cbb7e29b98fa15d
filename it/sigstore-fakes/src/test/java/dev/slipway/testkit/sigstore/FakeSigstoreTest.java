package dev.slipway.testkit.sigstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigstore.KeylessSigner;
import dev.sigstore.KeylessVerificationException;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.SigningConfigProvider;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.AlgorithmRegistry;
import dev.sigstore.oidc.client.OidcClients;
import dev.sigstore.oidc.client.TokenStringOidcClient;
import dev.sigstore.strings.StringMatcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class FakeSigstoreTest {
  @RegisterExtension static FakeSigstore sigstore = new FakeSigstore();
  @TempDir Path tmp;

  private static final String IDENTITY = "https://github.com/slipway-dev/demo/.github/workflows/ci.yml@refs/heads/main";

  private KeylessSigner signer(String token) throws Exception {
    return KeylessSigner.builder()
        .trustedRootProvider(TrustedRootProvider.from(sigstore.trustedRoot()))
        .signingConfigProvider(SigningConfigProvider.from(sigstore.signingConfig()))
        .forceCredentialProviders(OidcClients.of(TokenStringOidcClient.from(token)))
        .signingAlgorithm(AlgorithmRegistry.SigningAlgorithm.PKIX_ECDSA_P256_SHA_256)
        .build();
  }

  private static VerificationOptions options(String san, String issuer) {
    return VerificationOptions.builder().addCertificateMatchers(VerificationOptions.CertificateMatcher.fulcio()
        .subjectAlternativeName(StringMatcher.string(san)).issuer(StringMatcher.string(issuer)).build()).build();
  }

  @Test
  void sigstoreJavaSignsAgainstTheFakesAndBothImplementationsVerify() throws Exception {
    byte[] artifact = "hello sigstore".getBytes(StandardCharsets.UTF_8);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(artifact);
    int before = sigstore.rekorSize();
    Bundle bundle;
    try (KeylessSigner s = signer(FakeSigstore.token(IDENTITY))) {
      bundle = s.sign(digest);
    }
    assertThat(sigstore.rekorSize()).isEqualTo(before + 1);
    assertThat(sigstore.issuedIdentities()).contains(IDENTITY);
    Path bundleFile = tmp.resolve("bundle.sigstore.json");
    Files.writeString(bundleFile, bundle.toJson());
    assertThat(Files.readString(bundleFile)).contains("application/vnd.dev.sigstore.bundle.v0.3+json");

    KeylessVerifier verifier = KeylessVerifier.builder()
        .trustedRootProvider(TrustedRootProvider.from(sigstore.trustedRoot())).build();
    verifier.verify(digest, Bundle.from(Files.newBufferedReader(bundleFile)), options(IDENTITY, FakeSigstore.GITHUB_ISSUER));

    NodeVerifier node = NodeVerifier.locate();
    NodeVerifier.Result ok = node.verify(sigstore.trustedRoot(), bundleFile, artifact, IDENTITY, FakeSigstore.GITHUB_ISSUER);
    assertThat(ok.ok()).as(ok.toString()).isTrue();
    assertThat(ok.san()).isEqualTo(IDENTITY);
    assertThat(ok.issuer()).isEqualTo(FakeSigstore.GITHUB_ISSUER);

    // negative cases: both implementations reject them
    byte[] other = "hello sigstorf".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> verifier.verify(MessageDigest.getInstance("SHA-256").digest(other), bundle,
        options(IDENTITY, FakeSigstore.GITHUB_ISSUER))).isInstanceOf(KeylessVerificationException.class);
    assertThat(node.verify(sigstore.trustedRoot(), bundleFile, other, IDENTITY, FakeSigstore.GITHUB_ISSUER).ok()).isFalse();

    assertThatThrownBy(() -> verifier.verify(digest, bundle, options(IDENTITY + "x", FakeSigstore.GITHUB_ISSUER)))
        .isInstanceOf(KeylessVerificationException.class);
    assertThat(node.verify(sigstore.trustedRoot(), bundleFile, artifact, IDENTITY + "x", FakeSigstore.GITHUB_ISSUER).ok())
        .isFalse();

    assertThatThrownBy(() -> verifier.verify(digest, bundle, options(IDENTITY, "https://accounts.google.com")))
        .isInstanceOf(KeylessVerificationException.class);
    NodeVerifier.Result wrongIssuer =
        node.verify(sigstore.trustedRoot(), bundleFile, artifact, IDENTITY, "https://accounts.google.com");
    assertThat(wrongIssuer.ok()).isFalse();
    assertThat(wrongIssuer.message()).contains("issuer");
  }

  @Test
  void attestGoesThroughRekorV2AndTheTsaAndBothImplementationsVerify() throws Exception {
    String subjectHex = "ab".repeat(32);
    String statement = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"app\","
        + "\"digest\":{\"sha256\":\"" + subjectHex + "\"}}],\"predicateType\":\"https://slsa.dev/provenance/v1\","
        + "\"predicate\":{\"buildDefinition\":{\"buildType\":\"x\"}}}";
    int before = sigstore.rekorV2Size();
    Bundle bundle;
    try (KeylessSigner s = KeylessSigner.builder()
        .trustedRootProvider(TrustedRootProvider.from(sigstore.trustedRoot()))
        .signingConfigProvider(SigningConfigProvider.from(sigstore.signingConfig()))
        .forceCredentialProviders(OidcClients.of(TokenStringOidcClient.from(FakeSigstore.token(IDENTITY))))
        .signingAlgorithm(AlgorithmRegistry.SigningAlgorithm.PKIX_ECDSA_P256_SHA_256)
        .enableRekorV2(true)
        .build()) {
      bundle = s.attest(statement);
    }
    assertThat(sigstore.rekorV2Size()).isEqualTo(before + 1);
    Path bundleFile = tmp.resolve("attestation.sigstore.json");
    Files.writeString(bundleFile, bundle.toJson());
    byte[] subject = java.util.HexFormat.of().parseHex(subjectHex);
    KeylessVerifier verifier = KeylessVerifier.builder()
        .trustedRootProvider(TrustedRootProvider.from(sigstore.trustedRoot())).build();
    verifier.verify(subject, Bundle.from(Files.newBufferedReader(bundleFile)),
        options(IDENTITY, FakeSigstore.GITHUB_ISSUER));
    assertThatThrownBy(() -> verifier.verify(new byte[32], bundle, options(IDENTITY, FakeSigstore.GITHUB_ISSUER)))
        .isInstanceOf(KeylessVerificationException.class);
    NodeVerifier.Result ok = NodeVerifier.locate().verifyDsse(sigstore.trustedRoot(), bundleFile, IDENTITY,
        FakeSigstore.GITHUB_ISSUER);
    assertThat(ok.ok()).as(ok.toString()).isTrue();
    assertThat(ok.dssePayload()).isEqualTo(statement);
    assertThat(NodeVerifier.locate().verifyDsse(sigstore.trustedRoot(), bundleFile, IDENTITY,
        "https://accounts.google.com").ok()).isFalse();
  }

  @Test
  void nodeVerifierFailsWithTheSetupCommandWhenSigstoreJsIsMissing() throws Exception {
    Files.writeString(tmp.resolve("verify.js"), "// placeholder");
    System.setProperty("slipway.sigstore.node.dir", tmp.toString());
    try {
      assertThatThrownBy(NodeVerifier::locate)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("sigstore-js is not installed")
          .hasMessageContaining(".ci/setup.d/30-sigstore-node.sh");
    } finally {
      System.clearProperty("slipway.sigstore.node.dir");
    }
  }

  @Test
  void merkleAuditPathsVerifyForEveryLeafOfSeveralTreeSizes() {
    for (int size = 2; size <= 9; size++) {
      java.util.List<byte[]> leaves = new java.util.ArrayList<>();
      for (int i = 0; i < size; i++) {
        leaves.add(FakeRekor.Merkle.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8)));
      }
      byte[] root = FakeRekor.Merkle.root(leaves);
      for (int m = 0; m < size; m++) {
        assertThat(rootFromPath(m, size, leaves.get(m), FakeRekor.Merkle.path(m, leaves)))
            .as("leaf %d of %d", m, size).isEqualTo(root);
      }
    }
  }

  /** RFC 9162 §2.1.3.2: recompute the root from a leaf, its index, the tree size and the audit path. */
  private static byte[] rootFromPath(long index, long size, byte[] leaf, java.util.List<byte[]> path) {
    long fn = index;
    long sn = size - 1;
    byte[] r = leaf;
    for (byte[] p : path) {
      if ((fn & 1) == 1 || fn == sn) {
        r = FakeRekor.Merkle.nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = FakeRekor.Merkle.nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return r;
  }

  @Test
  void tokenWithoutSigstoreAudienceIsRefusedByFulcio() throws Exception {
    String token = FakeSigstore.token("ci@example.com").replaceFirst("\\.[^.]+\\.", "."
        + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
            "{\"iss\":\"https://x\",\"sub\":\"ci@example.com\",\"aud\":\"other\"}".getBytes(StandardCharsets.UTF_8)) + ".");
    try (KeylessSigner s = signer(token)) {
      assertThatThrownBy(() -> s.sign(new byte[32])).hasStackTraceContaining("audience");
    }
  }
}
