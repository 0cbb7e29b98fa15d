package dev.slipway.image.sign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.image.VerifiedImage;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.image.registry.Referrers;
import dev.slipway.image.registry.TestImages;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.sigstore.CosignRules;
import dev.slipway.testkit.sigstore.CosignRules.Options;
import dev.slipway.testkit.sigstore.CosignRules.Rule;
import dev.slipway.testkit.sigstore.FakeSigstore;
import dev.slipway.testkit.sigstore.NodeVerifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Slipway writes, judged by {@link CosignRules} (cosign's checks, written from cosign's source) and by
 * sigstore-js, against the real local registry and the Sigstore fakes; and every cosign rule shown failing on an
 * artifact broken on purpose, with image:verify's core rejecting the same artifacts.
 */
class CosignCompatibilityTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static FakeSigstore sigstore = new FakeSigstore();
  @TempDir static Path keys;
  @TempDir static Path out;
  @TempDir Path work;

  static final String REPO = "compat/app";
  static final String IDENTITY = "https://github.com/slipway-dev/demo/.github/workflows/release.yml@refs/heads/main";
  static final byte[] SBOM = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}".getBytes(StandardCharsets.UTF_8);
  static KeySigner key;
  static PublicKey pub;
  static String logged;
  static String unlogged;
  static String keyless;
  static SignResult loggedResult;
  static SignResult unloggedResult;

  static RegistryClient client() {
    return new RegistryClient(registry.hostPort(), REPO, null, true, Log.silent());
  }

  static ImageRef ref(String digest) throws Exception {
    return ImageRef.parse(registry.hostPort() + "/" + REPO + "@" + digest, "image.ref");
  }

  static TransparencyLog rekor() {
    return new RekorV1Client(URI.create(sigstore.rekorUrl()), Duration.ofSeconds(30));
  }

  static SignResult signWithKey(String digest, TransparencyLog rekor, boolean sbom) throws Exception {
    return new ImageSigner(Log.silent(), null).sign(new SignConfig(ref(digest), false, SignConfig.Mode.KEY, null, key,
        Map.of(), out.resolve(Digests.hex(digest)), true,
        sbom ? List.of(new SignConfig.Attestation(Statements.CYCLONEDX, SBOM, "app.cdx.json")) : List.of(), null,
        true, rekor));
  }

  @BeforeAll
  static void sign() throws Exception {
    Openssl.ecKey(keys, null);
    key = PemKeySigner.load(keys.resolve("key.pem"), null, "image.sign.key");
    pub = key.publicKey();
    RegistryClient c = client();
    logged = TestImages.pushIndex(c, "logged", "compat-logged").digest();
    loggedResult = signWithKey(logged, rekor(), true);
    unlogged = TestImages.pushIndex(c, "unlogged", "compat-unlogged").digest();
    unloggedResult = signWithKey(unlogged, null, true);
    keyless = TestImages.pushManifest(c, "arm64", "compat-keyless");
    SignConfig.Keyless k = new SignConfig.Keyless(SignConfig.Instance.CUSTOM, sigstore.trustedRoot(),
        sigstore.signingConfig(), new SignConfig.TokenSource.Explicit(FakeSigstore.token(IDENTITY), "test"));
    new ImageSigner(Log.silent(), new SigstoreJavaKeyless(k, Map.of(), new Redactor())).sign(new SignConfig(
        ref(keyless), false, SignConfig.Mode.KEYLESS, k, null, Map.of(), out.resolve("keyless"), true,
        List.of(new SignConfig.Attestation(Statements.CYCLONEDX, SBOM, "app.cdx.json")), null, true, null));
  }

  static CosignRules oracle() {
    return new CosignRules(registry.hostPort(), REPO);
  }

  static Options withTlog() {
    return Options.key(pub, sigstore.trustedRoot(), false);
  }

  static Options ignoringTlog() {
    return Options.key(pub, sigstore.trustedRoot(), true);
  }

  VerifiedImage verifyKey(String digest, boolean requireTlog, List<String> predicates) throws Exception {
    return new ImageVerifier(Log.silent()).verify(new VerifyConfig(ref(digest),
        new VerifyConfig.Key(pub, "pub.pem", sigstore.trustedRoot(), requireTlog), predicates, work, null, true));
  }

  VerificationException.Reason keyReason(String digest, boolean requireTlog) {
    try {
      verifyKey(digest, requireTlog, List.of());
      return null;
    } catch (VerificationException e) {
      return e.reason();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void keyModeWithRekorIsAcceptedByEveryCosignVerifyAndBySigstoreJs() throws Exception {
    assertThat(loggedResult.transparencyLog().url()).isEqualTo(sigstore.rekorUrl());
    assertThat(loggedResult.signatures().get(0).rekorLogIndex()).isNotNull();
    assertThat(loggedResult.attestations().get(0).rekorLogIndex()).isNotNull();

    CosignRules.Verdict v2 = oracle().verifyV2(logged, withTlog());
    assertThat(v2.accepted()).as(v2.toString()).isTrue();
    CosignRules.Verdict att2 = oracle().verifyAttestationV2(logged, Statements.CYCLONEDX, withTlog());
    assertThat(att2.accepted()).as(att2.toString()).isTrue();
    CosignRules.Verdict v3 = oracle().verifyV3(logged, withTlog());
    assertThat(v3.accepted()).as(v3.toString()).isTrue();
    assertThat(v3.layout()).isEqualTo("v3 bundles");
    assertThat(v3.acceptedPredicateTypes()).contains(Statements.COSIGN_SIGN_V1);
    CosignRules.Verdict att3 = oracle().verifyAttestationV3(logged, Statements.CYCLONEDX, withTlog());
    assertThat(att3.accepted()).as(att3.toString()).isTrue();

    // sigstore-js, with the key as its only trust and one Rekor entry required, accepts the v3 signature bundle
    Path pubPem = keys.resolve("pub.pem");
    Path signBundle = out.resolve(Digests.hex(logged)).resolve("signatures")
        .resolve(loggedResult.signatures().get(0).signatureBundle());
    NodeVerifier.Result node = NodeVerifier.locate().verifyWithKey(sigstore.trustedRoot(), signBundle, pubPem, 1);
    assertThat(node.ok()).as(node.toString()).isTrue();
    assertThat(Json.mapper().readTree(node.dssePayload()).path("predicateType").asText())
        .isEqualTo(Statements.COSIGN_SIGN_V1);
    Path attBundle = out.resolve(Digests.hex(logged)).resolve("signatures")
        .resolve(loggedResult.attestations().get(0).bundle());
    assertThat(NodeVerifier.locate().verifyWithKey(sigstore.trustedRoot(), attBundle, pubPem, 1).ok()).isTrue();

    // image:verify's core: the v3 bundle, with its Rekor entry checked against the trusted root
    VerifiedImage verified = verifyKey(logged, true, List.of(Statements.CYCLONEDX));
    assertThat(verified.signature().format()).isEqualTo(ImageVerifier.FORMAT_V3);
    assertThat(verified.signature().rekorLogIndex()).isNotNull();
    assertThat(verified.passes(logged)).isTrue();
  }

  @Test
  void keyModeWithoutRekorNeedsInsecureIgnoreTlogAndSaysSo() throws Exception {
    assertThat(unloggedResult.transparencyLog().cosignVerifyFlags()).containsExactly("--insecure-ignore-tlog=true");
    CosignRules.Verdict v2 = oracle().verifyV2(unlogged, withTlog());
    assertThat(v2.accepted()).isFalse();
    assertThat(v2.violated(Rule.TLOG_PRESENT)).isTrue();
    assertThat(oracle().verifyV2(unlogged, ignoringTlog()).accepted()).isTrue();
    assertThat(oracle().verifyAttestationV2(unlogged, Statements.CYCLONEDX, withTlog()).violated(Rule.TLOG_PRESENT))
        .isTrue();
    assertThat(oracle().verifyAttestationV2(unlogged, Statements.CYCLONEDX, ignoringTlog()).accepted()).isTrue();
    CosignRules.Verdict v3 = oracle().verifyV3(unlogged, withTlog());
    assertThat(v3.accepted()).isFalse();
    assertThat(v3.violated(Rule.V3_TLOG)).isTrue();
    assertThat(oracle().verifyV3(unlogged, ignoringTlog()).accepted()).isTrue();

    Path signBundle = out.resolve(Digests.hex(unlogged)).resolve("signatures")
        .resolve(unloggedResult.signatures().get(0).signatureBundle());
    assertThat(NodeVerifier.locate().verifyWithKey(sigstore.trustedRoot(), signBundle, keys.resolve("pub.pem"), 1)
        .ok()).isFalse();
    assertThat(NodeVerifier.locate().verifyWithKey(sigstore.trustedRoot(), signBundle, keys.resolve("pub.pem"), 0)
        .ok()).isTrue();

    assertThat(keyReason(unlogged, true)).isEqualTo(VerificationException.Reason.MISSING_TLOG);
    assertThat(keyReason(unlogged, false)).isNull();
  }

  @Test
  void keylessIsAcceptedByCosignV2AndV3Rules() throws Exception {
    Options o = Options.keyless(sigstore.trustedRoot(), IDENTITY, FakeSigstore.GITHUB_ISSUER);
    CosignRules.Verdict v2 = oracle().verifyV2(keyless, o);
    assertThat(v2.accepted()).as(v2.toString()).isTrue();
    CosignRules.Verdict v3 = oracle().verifyV3(keyless, o);
    assertThat(v3.accepted()).as(v3.toString()).isTrue();
    assertThat(v3.acceptedPredicateTypes()).contains(Statements.COSIGN_SIGN_V1);
    assertThat(oracle().verifyAttestationV3(keyless, Statements.CYCLONEDX, o).accepted()).isTrue();
    // rule CERTIFICATE / IDENTITY, each broken: another identity, a trusted root without the Fulcio CA
    CosignRules.Verdict other = oracle().verifyV2(keyless, Options.keyless(sigstore.trustedRoot(),
        "https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main", FakeSigstore.GITHUB_ISSUER));
    assertThat(other.accepted()).isFalse();
    assertThat(other.violated(Rule.IDENTITY)).isTrue();
    ObjectNode root = (ObjectNode) Json.mapper().readTree(sigstore.trustedRoot().toFile());
    root.putArray("certificateAuthorities");
    Path noCa = work.resolve("no-ca.json");
    Json.writeFile(noCa, root);
    CosignRules.Verdict untrusted = oracle().verifyV2(keyless, Options.keyless(noCa, IDENTITY, FakeSigstore.GITHUB_ISSUER));
    assertThat(untrusted.violated(Rule.CERTIFICATE)).isTrue();
    assertThat(untrusted.accepted()).isFalse();
  }

  /** What Slipway wrote before: a two-layer message-signature referrer, which cosign v3 skips. */
  @Test
  void theOldReferrerLetAnAttestationStandInForTheSignatureInCosignV3ButNotInImageVerify() throws Exception {
    RegistryClient c = client();
    String digest = TestImages.pushManifest(c, "amd64", "compat-old");
    SignResult signed = signWithKey(digest, rekor(), true);
    // replace the v3 signature referrer by the old two-layer form: drop the index entry, attach the old artifact
    rewriteReferrersIndex(c, digest, manifests -> {
      for (int i = manifests.size() - 1; i >= 0; i--) {
        if (Statements.COSIGN_SIGN_V1.equals(manifests.get(i).path("annotations")
            .path(ImageSigner.REFERRER_PREDICATE).asText())) {
          manifests.remove(i);
        }
      }
    });
    Path msgBundle = out.resolve(Digests.hex(digest)).resolve("signatures").resolve(signed.signatures().get(0).bundle());
    byte[] payload = Files.readAllBytes(out.resolve(Digests.hex(digest)).resolve("signatures")
        .resolve(Digests.hex(digest) + ".payload.json"));
    new Referrers(c, Log.silent()).attach(new Referrers(c, Log.silent()).subject(digest), SigstoreBundles.MEDIA_TYPE,
        List.of(new Referrers.Blob(SigstoreBundles.MEDIA_TYPE, Files.readAllBytes(msgBundle)),
            new Referrers.Blob(SimpleSigning.MEDIA_TYPE, payload)),
        Map.of(ImageSigner.REFERRER_CONTENT, "message-signature"));
    CosignRules.Verdict v3 = oracle().verifyV3(digest, withTlog());
    assertThat(v3.violated(Rule.V3_ONE_LAYER)).isTrue();
    // cosign v3 "verifies the signature" with the SBOM attestation: the defect of the old layout
    assertThat(v3.accepted()).isTrue();
    assertThat(v3.acceptedPredicateTypes()).containsExactly(Statements.CYCLONEDX);
    // image:verify never takes an attestation for a signature: it falls back to the .sig layer, which is signed
    VerifiedImage v = verifyKey(digest, false, List.of());
    assertThat(v.signature().format()).isEqualTo(ImageVerifier.FORMAT_SIG);
  }

  @Test
  void eachLegacyRuleRejectsAnArtifactBrokenOnPurpose() throws Exception {
    RegistryClient c = client();

    // SIGNATURE_ANNOTATION on .att: Slipway's layers before this change (no dev.cosignproject.cosign/signature)
    String noAttAnn = fresh(c, "no-att-ann");
    editLayer(c, CosignLayout.tag(noAttAnn, CosignLayout.ATT), 0, ann -> ann.remove(CosignLayout.ANN_SIGNATURE));
    CosignRules.Verdict att = oracle().verifyAttestationV2(noAttAnn, Statements.CYCLONEDX, withTlog());
    assertThat(att.accepted()).isFalse();
    assertThat(att.violated(Rule.SIGNATURE_ANNOTATION)).isTrue();

    // SIGNATURE_ANNOTATION on .sig
    String noSigAnn = fresh(c, "no-sig-ann");
    editLayer(c, CosignLayout.tag(noSigAnn, CosignLayout.SIG), 0, ann -> ann.remove(CosignLayout.ANN_SIGNATURE));
    assertThat(oracle().verifyV2(noSigAnn, withTlog()).violated(Rule.SIGNATURE_ANNOTATION)).isTrue();

    // SIG_CRYPTO: another payload's signature in the annotation (tlog ignored, to isolate the rule)
    String badSig = fresh(c, "bad-sig");
    byte[] otherSig = key.sign("another payload".getBytes(StandardCharsets.UTF_8));
    editLayer(c, CosignLayout.tag(badSig, CosignLayout.SIG), 0,
        ann -> ann.put(CosignLayout.ANN_SIGNATURE, Base64.getEncoder().encodeToString(otherSig)));
    CosignRules.Verdict crypto = oracle().verifyV2(badSig, ignoringTlog());
    assertThat(crypto.violations()).extracting(CosignRules.Violation::rule).containsExactly(Rule.SIG_CRYPTO);
    assertThat(oracle().verifyV2(badSig, withTlog()).violated(Rule.TLOG_SIGNATURE)).isTrue();
    assertThat(keyReasonLegacy(c, badSig)).isEqualTo(VerificationException.Reason.BAD_SIGNATURE);

    // SIG_CLAIM: a valid signature over a payload naming another digest
    String claim = TestImages.pushManifest(c, "amd64", "compat-claim");
    byte[] foreign = SimpleSigning.payload(registry.hostPort() + "/" + REPO, logged, Map.of());
    new CosignLayout(c).append(claim, CosignLayout.SIG, new Referrers.Blob(SimpleSigning.MEDIA_TYPE, foreign,
        Map.of(CosignLayout.ANN_SIGNATURE, Base64.getEncoder().encodeToString(key.sign(foreign)))));
    CosignRules.Verdict claimed = oracle().verifyV2(claim, ignoringTlog());
    assertThat(claimed.violations()).extracting(CosignRules.Violation::rule).containsExactly(Rule.SIG_CLAIM);
    assertThat(keyReason(claim, false)).isEqualTo(VerificationException.Reason.DIGEST_MISMATCH);

    // TLOG_SET: one flipped byte of the signed entry timestamp
    String badSet = fresh(c, "bad-set");
    editLayer(c, CosignLayout.tag(badSet, CosignLayout.SIG), 0, ann -> {
      ObjectNode b = (ObjectNode) readJson(ann.path(CosignLayout.ANN_BUNDLE).asText());
      byte[] set = Base64.getDecoder().decode(b.path("SignedEntryTimestamp").asText());
      set[set.length - 3] ^= 0x5a;
      b.put("SignedEntryTimestamp", Base64.getEncoder().encodeToString(set));
      ann.put(CosignLayout.ANN_BUNDLE, b.toString());
    });
    CosignRules.Verdict set = oracle().verifyV2(badSet, withTlog());
    assertThat(set.violations()).extracting(CosignRules.Violation::rule).containsExactly(Rule.TLOG_SET);
    assertThat(keyReasonLegacy(c, badSet)).isEqualTo(VerificationException.Reason.BAD_CHAIN);

    // TLOG_HASH (and TLOG_SIGNATURE): the .att layer's Rekor entry moved onto the .sig layer
    String moved = fresh(c, "moved-entry");
    String attEntry = new CosignLayout(c).read(moved, CosignLayout.ATT).get(0).annotations().get(CosignLayout.ANN_BUNDLE);
    editLayer(c, CosignLayout.tag(moved, CosignLayout.SIG), 0, ann -> ann.put(CosignLayout.ANN_BUNDLE, attEntry));
    CosignRules.Verdict hash = oracle().verifyV2(moved, withTlog());
    assertThat(hash.violated(Rule.TLOG_HASH)).isTrue();
    assertThat(hash.accepted()).isFalse();

    // TLOG_KEY: verified with another key, whose PEM the log entry does not hold
    Path other = Files.createDirectories(work.resolve("other"));
    Openssl.ecKey(other, null);
    PublicKey otherKey = PemKeySigner.load(other.resolve("key.pem"), null, "k").publicKey();
    assertThat(oracle().verifyV2(logged, Options.key(otherKey, sigstore.trustedRoot(), false)).violated(Rule.TLOG_KEY))
        .isTrue();

    // ATT_CLAIM: image A's attestation layer (envelope + Rekor entry) copied onto image B
    String copied = TestImages.pushManifest(c, "arm64", "compat-att-copy");
    CosignLayout.Layer foreignAtt = new CosignLayout(c).read(logged, CosignLayout.ATT).get(0);
    new CosignLayout(c).append(copied, CosignLayout.ATT,
        new Referrers.Blob(Dsse.MEDIA_TYPE, foreignAtt.content(), foreignAtt.annotations()));
    CosignRules.Verdict attClaim = oracle().verifyAttestationV2(copied, Statements.CYCLONEDX, withTlog());
    assertThat(attClaim.violations()).extracting(CosignRules.Violation::rule).containsExactly(Rule.ATT_CLAIM);

    // ATT_PAYLOAD_TYPE and ATT_PREDICATE_TYPE
    String plain = TestImages.pushManifest(c, "amd64", "compat-plain");
    byte[] statement = Statements.statement(REPO, plain, Statements.CYCLONEDX, Json.mapper().createObjectNode());
    byte[] sig = key.sign(Dsse.pae("text/plain", statement));
    new CosignLayout(c).append(plain, CosignLayout.ATT, new Referrers.Blob(Dsse.MEDIA_TYPE,
        Dsse.envelope("text/plain", statement, sig, ""), Map.of(CosignLayout.ANN_SIGNATURE, "")));
    assertThat(oracle().verifyAttestationV2(plain, Statements.CYCLONEDX, ignoringTlog()).violations())
        .extracting(CosignRules.Violation::rule).containsExactly(Rule.ATT_PAYLOAD_TYPE);
    CosignRules.Verdict type = oracle().verifyAttestationV2(logged, Statements.SLSA_PROVENANCE_V1, withTlog());
    assertThat(type.accepted()).isFalse();
    assertThat(type.violations()).extracting(CosignRules.Violation::rule).containsOnly(Rule.ATT_PREDICATE_TYPE);

    // ATT_CRYPTO: a flipped envelope signature
    String badEnv = fresh(c, "bad-envelope");
    CosignLayout.Layer good = new CosignLayout(c).read(badEnv, CosignLayout.ATT).get(0);
    ObjectNode env = (ObjectNode) Json.mapper().readTree(good.content());
    byte[] envSig = Base64.getDecoder().decode(env.path("signatures").get(0).path("sig").asText());
    envSig[envSig.length - 1] ^= 1;
    ((ObjectNode) env.path("signatures").get(0)).put("sig", Base64.getEncoder().encodeToString(envSig));
    String attTag = CosignLayout.tag(badEnv, CosignLayout.ATT);
    replaceLayer(c, attTag, compact(env));
    assertThat(oracle().verifyAttestationV2(badEnv, Statements.CYCLONEDX, ignoringTlog()).violations())
        .extracting(CosignRules.Violation::rule).containsExactly(Rule.ATT_CRYPTO);

    // SIG_TAG / ATT_TAG: nothing signed
    String nothing = TestImages.pushManifest(c, "arm64", "compat-nothing");
    assertThat(oracle().verifyV2(nothing, withTlog()).violated(Rule.SIG_TAG)).isTrue();
    assertThat(oracle().verifyAttestationV2(nothing, null, withTlog()).violated(Rule.ATT_TAG)).isTrue();
  }

  @Test
  void eachCosignV3RuleRejectsAReferrerBrokenOnPurpose() throws Exception {
    RegistryClient c = client();
    Referrers referrers = new Referrers(c, Log.silent());
    byte[] signBundle = Files.readAllBytes(out.resolve(Digests.hex(logged)).resolve("signatures")
        .resolve(loggedResult.signatures().get(0).signatureBundle()));
    Map<String, String> ann = Map.of(ImageSigner.REFERRER_CONTENT, "dsse-envelope", ImageSigner.REFERRER_PREDICATE,
        Statements.COSIGN_SIGN_V1);

    // V3_SUBJECT: image A's signature bundle attached to image B
    String b = TestImages.pushManifest(c, "amd64", "compat-v3-subject");
    referrers.attach(referrers.subject(b), SigstoreBundles.MEDIA_TYPE,
        List.of(new Referrers.Blob(SigstoreBundles.MEDIA_TYPE, signBundle)), ann);
    CosignRules.Verdict subject = oracle().verifyV3(b, withTlog());
    assertThat(subject.accepted()).isFalse();
    assertThat(subject.violations()).extracting(CosignRules.Violation::rule).containsExactly(Rule.V3_SUBJECT);
    assertThat(keyReason(b, false)).isEqualTo(VerificationException.Reason.DIGEST_MISMATCH);

    // V3_CRYPTO: the bundle's DSSE signature flipped (the log entry then holds another signature too)
    String d = TestImages.pushManifest(c, "arm64", "compat-v3-crypto");
    SignResult r = signWithKey(d, rekor(), false);
    Path file = out.resolve(Digests.hex(d)).resolve("signatures").resolve(r.signatures().get(0).signatureBundle());
    ObjectNode bundle = (ObjectNode) Json.mapper().readTree(file.toFile());
    ObjectNode sig = (ObjectNode) bundle.path("dsseEnvelope").path("signatures").get(0);
    byte[] s = Base64.getDecoder().decode(sig.path("sig").asText());
    s[s.length - 1] ^= 1;
    sig.put("sig", Base64.getEncoder().encodeToString(s));
    rewriteReferrersIndex(c, d, ArrayNode::removeAll);
    new CosignLayout(c).read(d, CosignLayout.SIG); // the .sig stays: cosign v3 must not fall back while a bundle exists
    referrers.attach(referrers.subject(d), SigstoreBundles.MEDIA_TYPE,
        List.of(new Referrers.Blob(SigstoreBundles.MEDIA_TYPE, compact(bundle))), ann);
    CosignRules.Verdict crypto = oracle().verifyV3(d, ignoringTlog());
    assertThat(crypto.violations()).extracting(CosignRules.Violation::rule).containsExactly(Rule.V3_CRYPTO);
    assertThat(crypto.accepted()).isFalse();
    assertThat(oracle().verifyV3(d, withTlog()).violated(Rule.V3_TLOG)).isTrue();

    // V3_DSSE: a one-layer referrer holding a message-signature bundle
    String m = TestImages.pushManifest(c, "amd64", "compat-v3-message");
    byte[] msg = Files.readAllBytes(out.resolve(Digests.hex(logged)).resolve("signatures")
        .resolve(loggedResult.signatures().get(0).bundle()));
    referrers.attach(referrers.subject(m), SigstoreBundles.MEDIA_TYPE,
        List.of(new Referrers.Blob(SigstoreBundles.MEDIA_TYPE, msg)), Map.of());
    assertThat(oracle().verifyV3(m, withTlog()).violations()).extracting(CosignRules.Violation::rule)
        .containsExactly(Rule.V3_DSSE);

    // V3_BUNDLE_VERSION: a v0.1 bundle; V3_LAYER_TYPE: a one-layer referrer of another media type
    String old = TestImages.pushManifest(c, "arm64", "compat-v3-old");
    ObjectNode v01 = (ObjectNode) Json.mapper().readTree(signBundle);
    v01.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.1");
    referrers.attach(referrers.subject(old), SigstoreBundles.MEDIA_TYPE,
        List.of(new Referrers.Blob(SigstoreBundles.MEDIA_TYPE, compact(v01))), ann);
    referrers.attach(referrers.subject(old), SigstoreBundles.MEDIA_TYPE,
        List.of(new Referrers.Blob("application/json", signBundle)), ann);
    CosignRules.Verdict oldV = oracle().verifyV3(old, withTlog());
    assertThat(oldV.violated(Rule.V3_BUNDLE_VERSION)).isTrue();
    assertThat(oldV.violated(Rule.V3_LAYER_TYPE)).isTrue();
    assertThat(oldV.layout()).startsWith("v3 fell back");

    // V3_PREDICATE_TYPE
    CosignRules.Verdict type = oracle().verifyAttestationV3(logged, Statements.SLSA_PROVENANCE_V1, withTlog());
    assertThat(type.accepted()).isFalse();
    assertThat(type.violations()).extracting(CosignRules.Violation::rule).containsOnly(Rule.V3_PREDICATE_TYPE);
  }

  // ------------------------------------------------------------------------------------------------ helpers

  /** A new image signed with the key, logged in Rekor, with an SBOM attestation. */
  static String fresh(RegistryClient c, String seed) throws Exception {
    String digest = TestImages.pushManifest(c, "amd64", "compat-" + seed);
    signWithKey(digest, rekor(), true);
    return digest;
  }

  /** image:verify's core on the legacy layout only (the bundle referrers of the digest removed). */
  VerificationException.Reason keyReasonLegacy(RegistryClient c, String digest) throws Exception {
    rewriteReferrersIndex(c, digest, ArrayNode::removeAll);
    return keyReason(digest, true);
  }

  static void editLayer(RegistryClient c, String tag, int index, Consumer<ObjectNode> edit) throws Exception {
    ObjectNode manifest = (ObjectNode) c.getManifest(tag).json();
    edit.accept((ObjectNode) manifest.path("layers").get(index).path("annotations"));
    c.putManifest(tag, MediaTypes.OCI_MANIFEST, compact(manifest));
  }

  static void replaceLayer(RegistryClient c, String tag, byte[] content) throws Exception {
    ObjectNode manifest = (ObjectNode) c.getManifest(tag).json();
    ObjectNode layer = (ObjectNode) manifest.path("layers").get(0);
    c.pushBlob(Digests.sha256(content), content);
    layer.put("digest", Digests.sha256(content));
    layer.put("size", content.length);
    c.putManifest(tag, MediaTypes.OCI_MANIFEST, compact(manifest));
  }

  static void rewriteReferrersIndex(RegistryClient c, String digest, Consumer<ArrayNode> edit) throws Exception {
    String tag = Referrers.tagFor(digest);
    ObjectNode index = (ObjectNode) c.getManifest(tag).json();
    edit.accept((ArrayNode) index.path("manifests"));
    c.putManifest(tag, MediaTypes.OCI_INDEX, compact(index));
  }

  static JsonNode readJson(String s) {
    try {
      return Json.mapper().readTree(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] compact(JsonNode node) throws Exception {
    return Json.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(node);
  }

}
