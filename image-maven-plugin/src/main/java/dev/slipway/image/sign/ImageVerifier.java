package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.image.VerifiedImage;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.image.registry.Referrers;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Verifies that an image digest is signed as a policy demands, and that required attestations exist, whoever wrote
 * them (Slipway, cosign v2 or v3, {@code @sigstore/oci} as GitHub's attest action uses it), then writes
 * {@code verified.json}: {@code PASS} with the digest and what satisfied the policy, or {@code FAIL} with the reason.
 *
 * <p>Where signatures are looked for, in cosign v3's order:
 * <ol>
 *   <li>Sigstore bundle referrers of the digest, from the registry's OCI 1.1 referrers API where it has one, else the
 *       {@code sha256-<hex>} referrers tag. As cosign v3 reads them: a referrer must have exactly one layer, a bundle
 *       (v0.3 or later) holding a DSSE envelope of an in-toto statement whose subject is the digest. A statement of
 *       predicate type {@value Statements#COSIGN_SIGN_V1} is a signature; any other predicate type is an attestation
 *       and never counts as a signature (cosign v3 itself would accept it as one).</li>
 *   <li>cosign's legacy {@code sha256-<hex>.sig} layers (simple-signing payloads naming the digest) and
 *       {@code .att} layers (DSSE envelopes).</li>
 * </ol>
 * Keyless bundles are verified by sigstore-java's {@code KeylessVerifier} (chain, SCT, Rekor proof, signature,
 * identity, issuer); keyless legacy layers by {@link CosignLegacyVerifier}; key signatures with the JCA, and their
 * Rekor entries against the trusted root when one is given.
 */
public final class ImageVerifier {
  public static final String FORMAT_V3 = "cosign-v3-bundle";
  public static final String FORMAT_SIG = "cosign-sig";
  public static final String FORMAT_ATT = "cosign-att";
  static final String BUNDLE_MEDIA_PREFIX = "application/vnd.dev.sigstore.bundle";

  /** A bundle referrer read back: where, the bundle, its DSSE envelope and in-toto statement. */
  private record BundleReferrer(String source, byte[] bundleJson, JsonNode bundle, Dsse.Envelope envelope,
      JsonNode statement, String predicateType, String digestProblem) {}

  /** What the registry holds for the digest. */
  private record Discovered(List<BundleReferrer> signatures, List<BundleReferrer> attestations,
      List<CosignLayout.Layer> sigLayers, List<CosignLayout.Layer> attLayers, List<String> skipped, String source) {}

  private final Log log;

  public ImageVerifier(Log log) {
    this.log = log;
  }

  /**
   * Verifies, writes {@code verified.json} either way, and returns the PASS record or throws the failure (whose
   * reason and message the FAIL record repeats).
   */
  public VerifiedImage verify(VerifyConfig config) throws IOException, VerificationException, SigningException {
    ImageRef ref = config.image();
    RegistryClient client = ref.client(config.credentials(), config.registryAccess(), log);
    String digest = ref.digest();
    if (digest == null) {
      digest = client.getManifest(ref.reference()).digest();
      log.info("Resolved " + ref + " to " + digest);
    }
    String where = ref.name() + "@" + digest;
    VerifiedImage.Policy policy = policyOf(config);
    Path file = config.outputDir().resolve("verified.json");
    try {
      Discovered found = discover(client, digest);
      log.info("Found for " + where + ": " + found.signatures().size() + " cosign v3 signature bundle(s) and "
          + found.attestations().size() + " attestation bundle(s) through " + found.source() + ", "
          + found.sigLayers().size() + " .sig and " + found.attLayers().size() + " .att layer(s)"
          + (found.skipped().isEmpty() ? "" : "; skipped " + found.skipped()));
      if (found.signatures().isEmpty() && found.sigLayers().isEmpty()) {
        throw new VerificationException(VerificationException.Reason.NO_SIGNATURE, "no signature for " + where
            + ": no cosign v3 signature bundle referrer (looked in " + found.source() + ") and no "
            + CosignLayout.tag(digest, CosignLayout.SIG) + " tag"
            + (found.attestations().isEmpty() ? "" : "; " + found.attestations().size()
                + " attestation bundle(s) exist, but an attestation is not a signature")
            + (found.skipped().isEmpty() ? "" : "; skipped " + found.skipped()));
      }
      VerifiedImage.Signature signature = config.policy() instanceof VerifyConfig.Keyless k
          ? verifyKeyless(k, digest, where, found)
          : verifyKey((VerifyConfig.Key) config.policy(), digest, where, found);
      List<VerifiedImage.Attestation> attestations = verifyAttestations(config, digest, where, found);
      VerifiedImage verified = new VerifiedImage(VerifiedImage.SCHEMA_VERSION, VerifiedImage.PASS, null, null, where,
          ref.name(), digest, Instant.now().toString(), policy, signature, attestations);
      verified.write(file);
      log.info("Verified " + where + " (" + signature.format() + " " + signature.source() + ", "
          + (signature.identity() != null ? signature.identity() + " from " + signature.issuer()
              : "key " + signature.keyId())
          + (attestations.isEmpty() ? "" : ", attestations " + attestations.stream()
              .map(VerifiedImage.Attestation::predicateType).toList()) + "); wrote PASS to " + file);
      return verified;
    } catch (VerificationException e) {
      new VerifiedImage(VerifiedImage.SCHEMA_VERSION, VerifiedImage.FAIL, e.reason().name(), e.getMessage(), where,
          ref.name(), digest, Instant.now().toString(), policy, null, List.of()).write(file);
      log.info("Wrote FAIL (" + e.reason() + ") to " + file);
      throw e;
    }
  }

  private static VerifiedImage.Policy policyOf(VerifyConfig config) {
    if (config.policy() instanceof VerifyConfig.Keyless k) {
      return new VerifiedImage.Policy("keyless", k.identity(), k.identityRegex(), k.issuer(), null,
          config.requiredPredicateTypes(), true);
    }
    VerifyConfig.Key k = (VerifyConfig.Key) config.policy();
    return new VerifiedImage.Policy("key", null, null, null, SigstoreBundles.keyId(k.key()),
        config.requiredPredicateTypes(), k.requireTlog());
  }

  // ---------------------------------------------------------------------------------------------- discovery

  private Discovered discover(RegistryClient client, String digest) throws IOException {
    Referrers.Listing listing = new Referrers(client, log).find(digest, null);
    List<BundleReferrer> signatures = new ArrayList<>();
    List<BundleReferrer> attestations = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Referrers.Referrer r : listing.referrers()) {
      String type = r.artifactType();
      if (type != null && !type.startsWith(BUNDLE_MEDIA_PREFIX)) {
        continue; // an SBOM or another tool's artifact
      }
      JsonNode manifest = client.getManifest(r.digest()).json();
      JsonNode layers = manifest.path("layers");
      if (type == null && !manifest.path("artifactType").asText("").startsWith(BUNDLE_MEDIA_PREFIX)) {
        continue;
      }
      String source = "referrer " + r.digest();
      // cosign v3 (pkg/oci/remote/signatures.go Bundle): exactly one layer, and it is the bundle
      if (layers.size() != 1 || !layers.get(0).path("mediaType").asText().startsWith(BUNDLE_MEDIA_PREFIX)) {
        skipped.add(source + " (" + layers.size() + " layers; cosign reads only one-layer bundle referrers)");
        continue;
      }
      byte[] bytes = client.getBlob(layers.get(0).path("digest").asText());
      JsonNode bundle;
      try {
        bundle = Json.mapper().readTree(bytes);
      } catch (IOException e) {
        skipped.add(source + " (not JSON)");
        continue;
      }
      if (!bundleV03OrLater(bundle.path("mediaType").asText())) {
        skipped.add(source + " (bundle media type " + bundle.path("mediaType").asText() + ": v0.3 or later needed)");
        continue;
      }
      if (!bundle.has("dsseEnvelope")) {
        skipped.add(source + " (a message-signature bundle: cosign v3 verifies DSSE statements only)");
        continue;
      }
      Dsse.Envelope env;
      JsonNode statement;
      try {
        env = Dsse.parse(bundle.path("dsseEnvelope"));
        statement = Json.mapper().readTree(env.payload());
      } catch (IOException | RuntimeException e) {
        skipped.add(source + " (unreadable DSSE envelope)");
        continue;
      }
      if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(env.payloadType())) {
        skipped.add(source + " (payload type " + env.payloadType() + ", not in-toto)");
        continue;
      }
      String predicateType = statement.path("predicateType").asText();
      String digestProblem = aboutDigest(statement, digest) ? null
          : source + " is a statement about " + subjects(statement) + ", not " + digest;
      BundleReferrer b = new BundleReferrer(source, bytes, bundle, env, statement, predicateType, digestProblem);
      (Statements.COSIGN_SIGN_V1.equals(predicateType) ? signatures : attestations).add(b);
    }
    CosignLayout cosign = new CosignLayout(client);
    return new Discovered(signatures, attestations, cosign.read(digest, CosignLayout.SIG),
        cosign.read(digest, CosignLayout.ATT), skipped, listing.source());
  }

  /** {@code application/vnd.dev.sigstore.bundle.v0.3+json} or {@code ...bundle+json;version=0.3} and later. */
  static boolean bundleV03OrLater(String mediaType) {
    java.util.regex.Matcher m = Pattern.compile("application/vnd\\.dev\\.sigstore\\.bundle(?:\\.v|\\+json;version=)"
        + "(\\d+)\\.(\\d+)(?:\\+json)?").matcher(mediaType);
    if (!m.matches()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    return major > 0 || Integer.parseInt(m.group(2)) >= 3;
  }

  static boolean aboutDigest(JsonNode statement, String digest) {
    for (JsonNode s : statement.path("subject")) {
      if (Digests.hex(digest).equals(s.path("digest").path("sha256").asText())) {
        return true;
      }
    }
    return false;
  }

  private static List<String> subjects(JsonNode statement) {
    List<String> out = new ArrayList<>();
    statement.path("subject").forEach(s -> out.add("sha256:" + s.path("digest").path("sha256").asText()));
    return out;
  }

  /** A legacy payload must be a simple-signing payload naming this very digest. */
  private static String payloadProblem(byte[] payload, String digest, String source) {
    try {
      SimpleSigning.Claims claims = SimpleSigning.parse(payload);
      if (!digest.equals(claims.manifestDigest())) {
        return source + " signs " + claims.manifestDigest() + ", not " + digest;
      }
      return null;
    } catch (IOException e) {
      return source + " holds no valid payload (" + e.getMessage() + ")";
    }
  }

  private static String layerSource(String digest, String suffix, CosignLayout.Layer layer) {
    return CosignLayout.tag(digest, suffix) + " layer " + layer.digest();
  }

  // ---------------------------------------------------------------------------------------------- keyless

  private VerifiedImage.Signature verifyKeyless(VerifyConfig.Keyless policy, String digest, String where,
      Discovered found) throws VerificationException, SigningException {
    Failures failures = new Failures();
    boolean sawKeyless = false;
    for (BundleReferrer b : found.signatures()) {
      if (b.digestProblem() != null) {
        failures.add(VerificationException.Reason.DIGEST_MISMATCH, b.digestProblem());
        continue;
      }
      if (!b.bundle().path("verificationMaterial").has("certificate")
          && !b.bundle().path("verificationMaterial").has("x509CertificateChain")) {
        continue; // a key-signed bundle: not for a keyless policy
      }
      sawKeyless = true;
      KeylessCheck check = keylessBundle(policy, b, digest);
      if (check.reason() != null) {
        failures.add(check.reason(), b.source() + ": " + check.message());
        continue;
      }
      return new VerifiedImage.Signature(FORMAT_V3, b.source(), check.id().subjectAlternativeName(),
          check.id().issuer(), null, firstLogIndex(b.bundle()));
    }
    CosignLegacyVerifier legacy = null;
    for (CosignLayout.Layer layer : found.sigLayers()) {
      if (!layer.annotations().containsKey(CosignLayout.ANN_CERTIFICATE)) {
        continue;
      }
      sawKeyless = true;
      String source = layerSource(digest, CosignLayout.SIG, layer);
      String digestProblem = payloadProblem(layer.content(), digest, source);
      if (digestProblem != null) {
        failures.add(VerificationException.Reason.DIGEST_MISMATCH, digestProblem);
        continue;
      }
      if (legacy == null) {
        legacy = new CosignLegacyVerifier(trustedRoot(policy));
      }
      X509Certificate[] leaf = new X509Certificate[1];
      CosignLegacyVerifier.Problem problem = legacy.verifySignature(layer.content(), layer.annotations(), leaf);
      if (problem != null) {
        failures.add(problem.reason(), source + ": " + problem.message());
        continue;
      }
      CertificateIdentity id = CertificateIdentity.of(leaf[0]);
      String identityProblem = identityProblem(policy, id);
      if (identityProblem != null) {
        failures.add(VerificationException.Reason.WRONG_IDENTITY, source + ": " + identityProblem);
        continue;
      }
      return new VerifiedImage.Signature(FORMAT_SIG, source, id.subjectAlternativeName(), id.issuer(), null,
          legacyLogIndex(layer));
    }
    if (!sawKeyless && failures.isEmpty()) {
      throw new VerificationException(VerificationException.Reason.NO_SIGNATURE, "no keyless signature for " + where
          + ": the signatures found carry no certificate (signed with a key? verify with image.verify.publicKey)");
    }
    throw failures.exception(where);
  }

  /** The outcome of a keyless bundle check: the signer, or a reason and message. */
  private record KeylessCheck(CertificateIdentity id, VerificationException.Reason reason, String message) {}

  private KeylessVerifier verifier;

  private KeylessCheck keylessBundle(VerifyConfig.Keyless policy, BundleReferrer b, String digest)
      throws SigningException {
    Bundle bundle;
    try {
      bundle = Bundle.from(new StringReader(new String(b.bundleJson(), StandardCharsets.UTF_8)));
    } catch (Exception e) {
      return new KeylessCheck(null, VerificationException.Reason.BAD_SIGNATURE, "unreadable bundle: "
          + e.getMessage());
    }
    CertificateIdentity id = CertificateIdentity.of((X509Certificate) bundle.getCertPath().getCertificates().get(0));
    String identityProblem = identityProblem(policy, id);
    if (identityProblem != null) {
      return new KeylessCheck(id, VerificationException.Reason.WRONG_IDENTITY, identityProblem);
    }
    try {
      if (verifier == null) {
        verifier = keylessVerifier(policy);
      }
      // for a DSSE bundle sigstore-java checks that the statement's subject is this digest
      verifier.verify(HexFormat.of().parseHex(Digests.hex(digest)), bundle, options(policy));
    } catch (SigningException e) {
      throw e;
    } catch (Exception e) {
      String msg = messages(e);
      VerificationException.Reason reason = msg.contains("signature was not valid") || msg.contains("signature")
          && msg.contains("verif") ? VerificationException.Reason.BAD_SIGNATURE
          : VerificationException.Reason.BAD_CHAIN;
      return new KeylessCheck(id, reason, msg);
    }
    return new KeylessCheck(id, null, null);
  }

  private KeylessVerifier keylessVerifier(VerifyConfig.Keyless policy) throws SigningException {
    try {
      KeylessVerifier.Builder b = KeylessVerifier.builder();
      if (policy.trustedRoot() != null) {
        b.trustedRootProvider(TrustedRootProvider.from(policy.trustedRoot()));
      } else if (policy.instance() == SignConfig.Instance.STAGING) {
        b.sigstoreStagingDefaults();
      } else {
        b.sigstorePublicDefaults();
      }
      return b.build();
    } catch (Exception e) {
      throw new SigningException("cannot load the Sigstore trusted root"
          + (policy.trustedRoot() != null ? " " + policy.trustedRoot() : " (TUF)") + ": " + messages(e), e);
    }
  }

  private static SigstoreTrustedRoot trustedRoot(VerifyConfig.Keyless policy) throws SigningException {
    try {
      if (policy.trustedRoot() != null) {
        return TrustedRootProvider.from(policy.trustedRoot()).get();
      }
      dev.sigstore.tuf.SigstoreTufClient.Builder tuf = policy.instance() == SignConfig.Instance.STAGING
          ? dev.sigstore.tuf.SigstoreTufClient.builder().useStagingInstance()
          : dev.sigstore.tuf.SigstoreTufClient.builder().usePublicGoodInstance();
      return TrustedRootProvider.from(tuf).get();
    } catch (Exception e) {
      throw new SigningException("cannot load the Sigstore trusted root: " + messages(e), e);
    }
  }

  private static VerificationOptions options(VerifyConfig.Keyless policy) {
    StringMatcher san;
    try {
      san = policy.identity() != null ? StringMatcher.string(policy.identity())
          : StringMatcher.regex(policy.identityRegex());
    } catch (dev.sigstore.strings.RegexSyntaxException e) {
      throw new IllegalArgumentException("image.verify.identityRegex is not a valid regular expression", e);
    }
    return VerificationOptions.builder().addCertificateMatchers(VerificationOptions.CertificateMatcher.fulcio()
        .subjectAlternativeName(san).issuer(StringMatcher.string(policy.issuer())).build()).build();
  }

  static String identityProblem(VerifyConfig.Keyless policy, CertificateIdentity id) {
    boolean sanOk = policy.identity() != null ? policy.identity().equals(id.subjectAlternativeName())
        : id.subjectAlternativeName() != null
            && Pattern.compile(policy.identityRegex()).matcher(id.subjectAlternativeName()).matches();
    if (!sanOk) {
      return "signed by " + id.subjectAlternativeName() + ", expected "
          + (policy.identity() != null ? policy.identity() : "an identity matching /" + policy.identityRegex() + "/");
    }
    if (!policy.issuer().equals(id.issuer())) {
      return "certificate issued for OIDC issuer " + id.issuer() + ", expected " + policy.issuer();
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------- key

  private VerifiedImage.Signature verifyKey(VerifyConfig.Key policy, String digest, String where, Discovered found)
      throws VerificationException, SigningException {
    Failures failures = new Failures();
    String keyId = SigstoreBundles.keyId(policy.key());
    SigstoreTrustedRoot root = keyTrustedRoot(policy);
    for (BundleReferrer b : found.signatures()) {
      if (b.digestProblem() != null) {
        failures.add(VerificationException.Reason.DIGEST_MISMATCH, b.digestProblem());
        continue;
      }
      KeyCheck check = keyBundle(policy, root, b);
      if (check.reason() != null) {
        failures.add(check.reason(), b.source() + ": " + check.message());
        continue;
      }
      return new VerifiedImage.Signature(FORMAT_V3, b.source(), null, null, keyId, check.logIndex());
    }
    for (CosignLayout.Layer layer : found.sigLayers()) {
      String source = layerSource(digest, CosignLayout.SIG, layer);
      String digestProblem = payloadProblem(layer.content(), digest, source);
      if (digestProblem != null) {
        failures.add(VerificationException.Reason.DIGEST_MISMATCH, digestProblem);
        continue;
      }
      String sigB64 = layer.annotations().get(CosignLayout.ANN_SIGNATURE);
      byte[] signature = sigB64 == null ? null : Base64.getDecoder().decode(sigB64);
      if (signature == null || !verifies(policy.key(), layer.content(), signature)) {
        failures.add(VerificationException.Reason.BAD_SIGNATURE,
            source + " does not verify with the public key " + policy.source());
        continue;
      }
      KeyCheck tlog = keyTlog(policy, root, layer.annotations().get(CosignLayout.ANN_BUNDLE), layer.content(), null,
          signature);
      if (tlog.reason() != null) {
        failures.add(tlog.reason(), source + ": " + tlog.message());
        continue;
      }
      return new VerifiedImage.Signature(FORMAT_SIG, source, null, null, keyId, tlog.logIndex());
    }
    throw failures.exception(where);
  }

  /** The outcome of a key check: the verified Rekor log index (or null), or a reason and message. */
  private record KeyCheck(Long logIndex, VerificationException.Reason reason, String message) {}

  /** A key-signed DSSE bundle: the envelope signature, then its Rekor entries. */
  private static KeyCheck keyBundle(VerifyConfig.Key policy, SigstoreTrustedRoot root, BundleReferrer b) {
    if (!verifies(policy.key(), b.envelope().pae(), b.envelope().signature())) {
      return new KeyCheck(null, VerificationException.Reason.BAD_SIGNATURE,
          "the DSSE signature does not verify with the public key " + policy.source());
    }
    Long logIndex = null;
    String problem = null;
    for (RekorEntries.Logged e : RekorEntries.fromBundle(b.bundle())) {
      if (root == null) {
        break;
      }
      problem = RekorEntries.verifySet(e, root);
      if (problem == null) {
        problem = RekorEntries.bodyProblem(e, null, b.envelope().payload(), b.envelope().signature(),
            policy.key().getEncoded());
      }
      if (problem == null) {
        logIndex = e.logIndex();
        break;
      }
    }
    if (logIndex == null && problem != null) {
      return new KeyCheck(null, VerificationException.Reason.BAD_CHAIN, problem);
    }
    if (logIndex == null && policy.requireTlog()) {
      return new KeyCheck(null, VerificationException.Reason.MISSING_TLOG, missingTlog(root));
    }
    return new KeyCheck(logIndex, null, null);
  }

  /** A legacy layer's {@code dev.sigstore.cosign/bundle} annotation, checked when there is a trusted root. */
  private static KeyCheck keyTlog(VerifyConfig.Key policy, SigstoreTrustedRoot root, String annotation, byte[] logged,
      byte[] dssePayload, byte[] signature) {
    if (annotation != null && !annotation.isEmpty() && root != null) {
      try {
        RekorEntries.Logged e = RekorEntries.fromCosignAnnotation(annotation);
        String problem = RekorEntries.verifySet(e, root);
        if (problem == null) {
          problem = RekorEntries.bodyProblem(e, logged, dssePayload, signature, policy.key().getEncoded());
        }
        if (problem != null) {
          return new KeyCheck(null, VerificationException.Reason.BAD_CHAIN, problem);
        }
        return new KeyCheck(e.logIndex(), null, null);
      } catch (IOException e) {
        return new KeyCheck(null, VerificationException.Reason.BAD_CHAIN, "unreadable Rekor bundle annotation");
      }
    }
    if (policy.requireTlog()) {
      return new KeyCheck(null, VerificationException.Reason.MISSING_TLOG, missingTlog(root));
    }
    return new KeyCheck(null, null, null);
  }

  private static String missingTlog(SigstoreTrustedRoot root) {
    return root == null ? "image.verify.requireTlog is set but no image.verify.trustedRoot names the Rekor to check "
        + "entries against" : "no verified transparency log entry, and image.verify.requireTlog is set (signed "
        + "without image.sign.rekorUrl?)";
  }

  private static SigstoreTrustedRoot keyTrustedRoot(VerifyConfig.Key policy) throws SigningException {
    if (policy.trustedRoot() == null) {
      return null;
    }
    try {
      return TrustedRootProvider.from(policy.trustedRoot()).get();
    } catch (Exception e) {
      throw new SigningException("cannot load the trusted root " + policy.trustedRoot() + ": " + messages(e), e);
    }
  }

  // ---------------------------------------------------------------------------------------------- attestations

  private List<VerifiedImage.Attestation> verifyAttestations(VerifyConfig config, String digest, String where,
      Discovered found) throws VerificationException, SigningException {
    if (config.requiredPredicateTypes().isEmpty()) {
      return List.of();
    }
    Map<String, VerifiedImage.Attestation> verified = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    if (config.policy() instanceof VerifyConfig.Keyless k) {
      for (BundleReferrer b : found.attestations()) {
        if (b.digestProblem() != null) {
          problems.add(b.digestProblem());
          continue;
        }
        KeylessCheck check = keylessBundle(k, b, digest);
        if (check.reason() != null) {
          problems.add(b.source() + ": " + check.message());
          continue;
        }
        verified.putIfAbsent(b.predicateType(), new VerifiedImage.Attestation(b.predicateType(), FORMAT_V3,
            b.source()));
      }
      CosignLegacyVerifier legacy = null;
      for (CosignLayout.Layer layer : found.attLayers()) {
        if (!layer.annotations().containsKey(CosignLayout.ANN_CERTIFICATE)) {
          continue;
        }
        String source = layerSource(digest, CosignLayout.ATT, layer);
        if (legacy == null) {
          legacy = new CosignLegacyVerifier(trustedRoot(k));
        }
        X509Certificate[] leaf = new X509Certificate[1];
        CosignLegacyVerifier.Problem p = legacy.verifyAttestation(layer.content(), layer.annotations(), leaf);
        String problem = p != null ? p.message() : identityProblem(k, CertificateIdentity.of(leaf[0]));
        JsonNode statement = problem == null ? statement(layer.content()) : null;
        if (problem == null && (statement == null || !aboutDigest(statement, digest))) {
          problem = "the statement is not about " + digest;
        }
        if (problem != null) {
          problems.add(source + ": " + problem);
          continue;
        }
        String type = statement.path("predicateType").asText();
        verified.putIfAbsent(type, new VerifiedImage.Attestation(type, FORMAT_ATT, source));
      }
    } else {
      VerifyConfig.Key k = (VerifyConfig.Key) config.policy();
      SigstoreTrustedRoot root = keyTrustedRoot(k);
      for (BundleReferrer b : found.attestations()) {
        if (b.digestProblem() != null) {
          problems.add(b.digestProblem());
          continue;
        }
        KeyCheck check = keyBundle(k, root, b);
        if (check.reason() != null) {
          problems.add(b.source() + ": " + check.message());
          continue;
        }
        verified.putIfAbsent(b.predicateType(), new VerifiedImage.Attestation(b.predicateType(), FORMAT_V3,
            b.source()));
      }
      for (CosignLayout.Layer layer : found.attLayers()) {
        String source = layerSource(digest, CosignLayout.ATT, layer);
        Dsse.Envelope env;
        try {
          env = Dsse.parse(layer.content());
        } catch (IOException | RuntimeException e) {
          problems.add(source + ": not a DSSE envelope");
          continue;
        }
        if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(env.payloadType()) || !verifies(k.key(), env.pae(), env.signature())) {
          problems.add(source + ": DSSE signature does not verify with " + k.source());
          continue;
        }
        KeyCheck tlog = keyTlog(k, root, layer.annotations().get(CosignLayout.ANN_BUNDLE), layer.content(),
            env.payload(), env.signature());
        JsonNode statement = statement(layer.content());
        if (tlog.reason() != null) {
          problems.add(source + ": " + tlog.message());
        } else if (statement == null || !aboutDigest(statement, digest)) {
          problems.add(source + ": statement is about another digest");
        } else {
          String type = statement.path("predicateType").asText();
          verified.putIfAbsent(type, new VerifiedImage.Attestation(type, FORMAT_ATT, source));
        }
      }
    }
    List<VerifiedImage.Attestation> out = new ArrayList<>();
    for (String required : config.requiredPredicateTypes()) {
      VerifiedImage.Attestation a = verified.get(required);
      if (a == null) {
        throw new VerificationException(VerificationException.Reason.MISSING_ATTESTATION, "no verified attestation "
            + "of predicate type " + required + " for " + where + (problems.isEmpty() ? "" : " (" + problems + ")"));
      }
      out.add(a);
    }
    return out;
  }

  private static JsonNode statement(byte[] envelope) {
    try {
      return Json.mapper().readTree(Dsse.parse(envelope).payload());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------- helpers

  private static Long firstLogIndex(JsonNode bundle) {
    JsonNode t = bundle.path("verificationMaterial").path("tlogEntries").path(0);
    return t.isMissingNode() ? null : t.path("logIndex").asLong();
  }

  private static Long legacyLogIndex(CosignLayout.Layer layer) {
    String ann = layer.annotations().get(CosignLayout.ANN_BUNDLE);
    try {
      return ann == null ? null : RekorEntries.fromCosignAnnotation(ann).logIndex();
    } catch (IOException e) {
      return null;
    }
  }

  static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      s.update(data);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static String messages(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 1000; t = t.getCause()) {
      if (!sb.isEmpty()) {
        sb.append(": ");
      }
      sb.append(t.getMessage() != null ? t.getMessage().strip() : t.getClass().getSimpleName());
    }
    return sb.toString();
  }

  /** Why each candidate failed; the reported reason is the one that got furthest. */
  private static final class Failures {
    private final List<String> messages = new ArrayList<>();
    private VerificationException.Reason worst;

    void add(VerificationException.Reason reason, String message) {
      messages.add(message);
      if (worst == null || rank(reason) > rank(worst)) {
        worst = reason;
      }
    }

    boolean isEmpty() {
      return messages.isEmpty();
    }

    private static int rank(VerificationException.Reason r) {
      return switch (r) {
        case DIGEST_MISMATCH -> 1;
        case WRONG_IDENTITY -> 2;
        case MISSING_TLOG -> 3;
        case BAD_CHAIN, BAD_SIGNATURE -> 4;
        default -> 0;
      };
    }

    VerificationException exception(String where) {
      return new VerificationException(worst == null ? VerificationException.Reason.NO_SIGNATURE : worst,
          "no signature of " + where + " satisfies the policy: " + String.join("; ", messages));
    }
  }
}
