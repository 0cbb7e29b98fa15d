package dev.slipway.testkit.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A test oracle: what {@code cosign} accepts, written from cosign's source and not from any signer's output. It
 * reads an image's signatures from a registry (plain HTTP, anonymous, its own HTTP client) and answers, for cosign
 * v2.6 ({@code verify}, {@code verify-attestation} on the {@code .sig}/{@code .att} tags) and cosign v3.1
 * ({@code verify}, {@code verify-attestation} on bundle referrers, falling back to v2 when there is none), whether
 * cosign would accept it, and which rule each rejected candidate broke. It shares no code with the image plugin.
 *
 * <p>Source references are to sigstore/cosign at tags v2.6.4 and v3.1.2 ({@code file:line}). Modelled as cosign runs
 * offline with a trusted root ({@code --trusted-root}, {@code --offline}): a missing Rekor entry is a rejection, not an
 * online lookup. Not modelled: SCT checks on certificates, Rekor v2 inclusion proofs and RFC 3161 timestamps (the
 * tests leave those to {@code @sigstore/verify}), cosign's {@code -a} annotation checks and certificate extension
 * matchers.
 */
public final class CosignRules {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SIG_ANN = "dev.cosignproject.cosign/signature";
  static final String CERT_ANN = "dev.sigstore.cosign/certificate";
  static final String BUNDLE_ANN = "dev.sigstore.cosign/bundle";
  static final String INTOTO = "application/vnd.in-toto+json";

  /** Rules, each named after what cosign checks. */
  public enum Rule {
    /** v2.6.4 pkg/cosign/verify.go:727-731 verifySignatures: no layer under sha256-hex.sig: "no signatures found". */
    SIG_TAG,
    /**
     * v2.6.4 pkg/oci/internal/signature/layer.go:93-97 (Base64Signature), called for every layer by static.Copy
     * (pkg/oci/static/signature.go:66) in verifySignatures (verify.go:743) and VerifyImageAttestation
     * (verify.go:1115): a layer without {@code dev.cosignproject.cosign/signature} fails, for .sig and .att alike.
     */
    SIGNATURE_ANNOTATION,
    /** v2.6.4 verify.go:314-328 verifyOCISignature: the base64 signature verifies over the layer's bytes. */
    SIG_CRYPTO,
    /** v2.6.4 pkg/cosign/verifiers.go:33-47 SimpleClaimVerifier (--check-claims defaults to true). */
    SIG_CLAIM,
    /** v2.6.4 verify.go:812-835: unless --insecure-ignore-tlog, a dev.sigstore.cosign/bundle (offline). */
    TLOG_PRESENT,
    /** v2.6.4 verify.go:1371-1395 compareSigs: the logged signature is the layer's (skipped when it is ""). */
    TLOG_SIGNATURE,
    /** v2.6.4 verify.go:1397-1433 comparePublicKey: the logged key is the verifier's key or certificate. */
    TLOG_KEY,
    /** v2.6.4 verify.go:1222-1231 + bundleHash 1440-1461: hashedrekord data hash / dsse envelopeHash = sha256(layer). */
    TLOG_HASH,
    /** v2.6.4 verify.go:1233-1247 (tlog.VerifySET with the trusted root) / VerifySET 1518: the SET verifies. */
    TLOG_SET,
    /**
     * v2.6.4 verify.go:855-887 (ErrNoCertificateFoundOnSignature at 860, ValidateAndUnpackCertWithIntermediates 340)
     * and CheckExpiry 1162 (called 913-928): keyless needs a certificate chaining to a Fulcio CA, valid when logged.
     */
    CERTIFICATE,
    /** v2.6.4 verify.go:434 CheckCertificatePolicy: the certificate's SAN and issuer are the expected identity. */
    IDENTITY,
    /** v2.6.4 verify.go:1016 VerifyImageAttestations (AttestationTag): attestations live under sha256-hex.att. */
    ATT_TAG,
    /** v2.6.4 verify.go:290-312 verifyOCIAttestation: payloadType must be application/vnd.in-toto+json. */
    ATT_PAYLOAD_TYPE,
    /** v2.6.4 verify.go:306-311: the DSSE signature verifies (over the PAE) with the key or certificate. */
    ATT_CRYPTO,
    /** v2.6.4 verifiers.go:59-90 IntotoSubjectClaimVerifier: a subject's sha256 is the image digest. */
    ATT_CLAIM,
    /** v2.6.4 cmd/cosign/cli/verify/verify_attestation.go:333-375: the statement's predicateType is --type. */
    ATT_PREDICATE_TYPE,
    /** v3.1.2 pkg/oci/remote/signatures.go:65-67 Bundle: "expected exactly one layer" (the referrer is skipped). */
    V3_ONE_LAYER,
    /** v3.1.2 signatures.go:72-74: the layer's media type starts with application/vnd.dev.sigstore.bundle. */
    V3_LAYER_TYPE,
    /** v3.1.2 signatures.go:89-91: "bundle version too old" below v0.3. */
    V3_BUNDLE_VERSION,
    /** v3.1.2 pkg/cosign/verify.go:1934-1937: "bundle does not contain a DSSE envelope". */
    V3_DSSE,
    /** v3.1.2 verify.go:1916 WithArtifactDigest + verifiers.go:59-96: a subject is the image digest. */
    V3_SUBJECT,
    /** v3.1.2 verify_bundle.go:25-43 (sigstore-go): the DSSE signature verifies with the key or certificate. */
    V3_CRYPTO,
    /** v3.1.2 verify.go:251-252 WithTransparencyLog(1) unless --insecure-ignore-tlog: a verified tlog entry. */
    V3_TLOG,
    /** v3.1.2 cmd/cosign/cli/verify/verify_attestation.go:226-268: verify-attestation --type filter. */
    V3_PREDICATE_TYPE
  }

  /** One rejected candidate: the rule, where, and what was wrong. */
  public record Violation(Rule rule, String where, String detail) {}

  /**
   * What cosign would do: accept (some candidate passed every rule) or not; the accepted candidates and the
   * predicate types of accepted bundles (cosign v3 {@code verify} accepts any verified bundle as a signature,
   * v3.1.2 cmd/cosign/cli/verify/verify.go:232-234); every violation seen.
   */
  public record Verdict(boolean accepted, List<String> acceptedSources, List<String> acceptedPredicateTypes,
      List<Violation> violations, String layout) {
    public boolean violated(Rule rule) {
      return violations.stream().anyMatch(v -> v.rule() == rule);
    }
  }

  /**
   * How cosign runs: {@code --key} (a public key) or keyless (Fulcio CAs of {@code trustedRoot}, identity and
   * issuer); {@code trustedRoot} also gives the Rekor keys; {@code ignoreTlog} is {@code --insecure-ignore-tlog=true}.
   */
  public record Options(PublicKey key, Path trustedRoot, String identity, String issuer, boolean ignoreTlog) {
    public static Options key(PublicKey key, Path trustedRoot, boolean ignoreTlog) {
      return new Options(key, trustedRoot, null, null, ignoreTlog);
    }

    public static Options keyless(Path trustedRoot, String identity, String issuer) {
      return new Options(null, trustedRoot, identity, issuer, false);
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String repository;

  /** An oracle over {@code repository} of the plain-HTTP registry at {@code hostPort}. */
  public CosignRules(String hostPort, String repository) {
    this.base = "http://" + hostPort + "/v2/" + repository;
    this.repository = repository;
  }

  // ------------------------------------------------------------------------------------------------ cosign v2.6

  /** {@code cosign verify} of cosign v2.6 (the {@code .sig} tag). */
  public Verdict verifyV2(String digest, Options o) throws IOException {
    List<Violation> violations = new ArrayList<>();
    List<String> accepted = new ArrayList<>();
    String tag = "sha256-" + hex(digest) + ".sig";
    List<JsonNode> layers = layers(tag);
    if (layers.isEmpty()) {
      violations.add(new Violation(Rule.SIG_TAG, tag, "no signatures found"));
    }
    for (JsonNode layer : layers) {
      String where = tag + " " + layer.path("digest").asText();
      byte[] payload = blob(layer.path("digest").asText());
      Map<String, String> ann = annotations(layer);
      List<Violation> v = new ArrayList<>();
      if (!ann.containsKey(SIG_ANN)) {
        v.add(new Violation(Rule.SIGNATURE_ANNOTATION, where, "missing " + SIG_ANN));
      } else {
        byte[] sig = Base64.getDecoder().decode(ann.get(SIG_ANN));
        Signer signer = signer(ann, o, where, v);
        if (signer != null) {
          if (!verify(signer.key(), payload, sig)) {
            v.add(new Violation(Rule.SIG_CRYPTO, where, "signature does not verify"));
          }
          JsonNode p = readJson(payload);
          String claimed = p == null ? null : p.path("critical").path("image").path("docker-manifest-digest").asText();
          if (!digest.equals(claimed)) {
            v.add(new Violation(Rule.SIG_CLAIM, where, "invalid or missing digest in claim: " + claimed));
          }
          tlog(ann, payload, null, ann.get(SIG_ANN), signer, o, where, v);
        }
      }
      settle(v, violations, accepted, where);
    }
    return new Verdict(!accepted.isEmpty(), accepted, List.of(), violations, "v2 .sig");
  }

  /** {@code cosign verify-attestation --type TYPE} of cosign v2.6 (the {@code .att} tag). */
  public Verdict verifyAttestationV2(String digest, String predicateType, Options o) throws IOException {
    List<Violation> violations = new ArrayList<>();
    List<String> accepted = new ArrayList<>();
    String tag = "sha256-" + hex(digest) + ".att";
    List<JsonNode> layers = layers(tag);
    if (layers.isEmpty()) {
      violations.add(new Violation(Rule.ATT_TAG, tag, "no attestations"));
    }
    List<String> types = new ArrayList<>();
    for (JsonNode layer : layers) {
      String where = tag + " " + layer.path("digest").asText();
      byte[] envelopeBytes = blob(layer.path("digest").asText());
      Map<String, String> ann = annotations(layer);
      List<Violation> v = new ArrayList<>();
      if (!ann.containsKey(SIG_ANN)) {
        v.add(new Violation(Rule.SIGNATURE_ANNOTATION, where, "missing " + SIG_ANN + " (cosign writes \"\")"));
      } else {
        Signer signer = signer(ann, o, where, v);
        JsonNode env = readJson(envelopeBytes);
        if (signer != null && env != null) {
          byte[] payload = Base64.getDecoder().decode(env.path("payload").asText());
          if (!INTOTO.equals(env.path("payloadType").asText())) {
            v.add(new Violation(Rule.ATT_PAYLOAD_TYPE, where, "payloadType " + env.path("payloadType").asText()));
          }
          byte[] sig = Base64.getDecoder().decode(env.path("signatures").path(0).path("sig").asText());
          if (!verify(signer.key(), pae(env.path("payloadType").asText(), payload), sig)) {
            v.add(new Violation(Rule.ATT_CRYPTO, where, "DSSE signature does not verify"));
          }
          JsonNode statement = readJson(payload);
          if (statement == null || !subjectIs(statement, digest)) {
            v.add(new Violation(Rule.ATT_CLAIM, where, "no matching subject digest found"));
          }
          String type = statement == null ? null : statement.path("predicateType").asText();
          types.add(type);
          if (predicateType != null && !predicateType.equals(type)) {
            v.add(new Violation(Rule.ATT_PREDICATE_TYPE, where, "predicate type " + type));
          }
          tlog(ann, envelopeBytes, payload, ann.get(SIG_ANN), signer, o, where, v);
        }
      }
      settle(v, violations, accepted, where);
    }
    return new Verdict(!accepted.isEmpty(), accepted, types, violations, "v2 .att");
  }

  // ------------------------------------------------------------------------------------------------ cosign v3.1

  /**
   * {@code cosign verify} of cosign v3.1: bundle referrers when there is at least one readable bundle (any predicate
   * type counts), else the v2 {@code .sig} rules (v3.1.2 cmd/cosign/cli/verify/verify.go:150-156, GetBundles at
   * pkg/cosign/verify.go:1713).
   */
  public Verdict verifyV3(String digest, Options o) throws IOException {
    return v3(digest, null, o, false);
  }

  /** {@code cosign verify-attestation --type TYPE} of cosign v3.1: bundles, else the v2 {@code .att} rules. */
  public Verdict verifyAttestationV3(String digest, String predicateType, Options o) throws IOException {
    return v3(digest, predicateType, o, true);
  }

  private Verdict v3(String digest, String predicateType, Options o, boolean attestation) throws IOException {
    List<Violation> violations = new ArrayList<>();
    List<String> accepted = new ArrayList<>();
    List<String> acceptedTypes = new ArrayList<>();
    int bundles = 0;
    for (JsonNode entry : referrers(digest)) {
      String where = "referrer " + entry.path("digest").asText();
      byte[] raw = manifestOrNull(entry.path("digest").asText());
      if (raw == null) {
        continue; // GetBundles skips what it cannot read as a bundle (v3.1.2 pkg/cosign/verify.go:1746-1751)
      }
      JsonNode manifest = readJson(raw);
      JsonNode layers = manifest.path("layers");
      // GetBundles (v3.1.2 verify.go:1713-1762) skips referrers that are not readable bundles
      if (layers.size() != 1) {
        violations.add(new Violation(Rule.V3_ONE_LAYER, where, layers.size() + " layers (skipped)"));
        continue;
      }
      if (!layers.get(0).path("mediaType").asText().startsWith("application/vnd.dev.sigstore.bundle")) {
        violations.add(new Violation(Rule.V3_LAYER_TYPE, where, layers.get(0).path("mediaType").asText()));
        continue;
      }
      JsonNode bundle = readJson(blob(layers.get(0).path("digest").asText()));
      if (bundle == null || !v03OrLater(bundle.path("mediaType").asText())) {
        violations.add(new Violation(Rule.V3_BUNDLE_VERSION, where, "bundle version too old or unreadable"));
        continue;
      }
      bundles++;
      List<Violation> v = new ArrayList<>();
      JsonNode env = bundle.path("dsseEnvelope");
      if (env.isMissingNode()) {
        v.add(new Violation(Rule.V3_DSSE, where, "bundle does not contain a DSSE envelope"));
        settle(v, violations, accepted, where);
        continue;
      }
      byte[] payload = Base64.getDecoder().decode(env.path("payload").asText());
      JsonNode statement = readJson(payload);
      if (statement == null || !subjectIs(statement, digest)) {
        v.add(new Violation(Rule.V3_SUBJECT, where, "no matching subject digest found"));
      }
      String type = statement == null ? null : statement.path("predicateType").asText();
      if (attestation && predicateType != null && !predicateType.equals(type)) {
        v.add(new Violation(Rule.V3_PREDICATE_TYPE, where, "predicate type " + type));
      }
      Signer signer = bundleSigner(bundle, o, where, v);
      byte[] sig = Base64.getDecoder().decode(env.path("signatures").path(0).path("sig").asText());
      if (signer != null && !verify(signer.key(), pae(env.path("payloadType").asText(), payload), sig)) {
        v.add(new Violation(Rule.V3_CRYPTO, where, "DSSE signature does not verify"));
      }
      if (!o.ignoreTlog() && signer != null) {
        bundleTlog(bundle, payload, sig, signer, o, where, v);
      }
      if (settle(v, violations, accepted, where)) {
        acceptedTypes.add(type);
      }
    }
    if (bundles == 0) {
      Verdict legacy = attestation ? verifyAttestationV2(digest, predicateType, o) : verifyV2(digest, o);
      List<Violation> all = new ArrayList<>(violations);
      all.addAll(legacy.violations());
      return new Verdict(legacy.accepted(), legacy.acceptedSources(), legacy.acceptedPredicateTypes(), all,
          "v3 fell back to " + legacy.layout());
    }
    return new Verdict(!accepted.isEmpty(), accepted, acceptedTypes, violations, "v3 bundles");
  }

  // ------------------------------------------------------------------------------------------------ shared rules

  /** The key (or certificate key) a candidate is verified with, and the DER the tlog body must name. */
  private record Signer(PublicKey key, byte[] logged, X509Certificate cert) {}

  private Signer signer(Map<String, String> ann, Options o, String where, List<Violation> v) throws IOException {
    if (o.key() != null) {
      return new Signer(o.key(), o.key().getEncoded(), null);
    }
    String pem = ann.get(CERT_ANN);
    if (pem == null || pem.isEmpty()) {
      v.add(new Violation(Rule.CERTIFICATE, where, "no certificate found on signature"));
      return null;
    }
    return certSigner(cert(pem.getBytes(StandardCharsets.US_ASCII)), o, where, v, integratedTime(ann));
  }

  private Signer bundleSigner(JsonNode bundle, Options o, String where, List<Violation> v) throws IOException {
    if (o.key() != null) {
      return new Signer(o.key(), o.key().getEncoded(), null);
    }
    JsonNode vm = bundle.path("verificationMaterial");
    String raw = vm.path("certificate").path("rawBytes").asText(
        vm.path("x509CertificateChain").path("certificates").path(0).path("rawBytes").asText(""));
    if (raw.isEmpty()) {
      v.add(new Violation(Rule.CERTIFICATE, where, "no certificate in the bundle"));
      return null;
    }
    long t = vm.path("tlogEntries").path(0).path("integratedTime").asLong(0);
    return certSigner(cert(Base64.getDecoder().decode(raw)), o, where, v, t == 0 ? null : Instant.ofEpochSecond(t));
  }

  private Signer certSigner(X509Certificate cert, Options o, String where, List<Violation> v, Instant at)
      throws IOException {
    try {
      Set<TrustAnchor> anchors = new java.util.HashSet<>();
      List<X509Certificate> intermediates = new ArrayList<>();
      for (JsonNode ca : trustedRoot(o).path("certificateAuthorities")) {
        JsonNode certs = ca.path("certChain").path("certificates");
        for (int i = 0; i < certs.size(); i++) {
          X509Certificate c = cert(Base64.getDecoder().decode(certs.get(i).path("rawBytes").asText()));
          if (i == certs.size() - 1) {
            anchors.add(new TrustAnchor(c, null));
          } else {
            intermediates.add(c);
          }
        }
      }
      List<X509Certificate> path = new ArrayList<>(List.of(cert));
      path.addAll(intermediates);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(at != null ? at : Instant.now()));
      CertPathValidator.getInstance("PKIX").validate(
          CertificateFactory.getInstance("X.509").generateCertPath(path.subList(0, 1 + intermediates.size())),
          params);
    } catch (Exception e) {
      v.add(new Violation(Rule.CERTIFICATE, where, "certificate does not chain to a Fulcio CA at the log time: "
          + e.getMessage()));
      return null;
    }
    String san = san(cert);
    if (o.identity() != null && !o.identity().equals(san)) {
      v.add(new Violation(Rule.IDENTITY, where, "SAN " + san + ", expected " + o.identity()));
    }
    return new Signer(cert.getPublicKey(), encoded(cert), cert);
  }

  /** The legacy {@code dev.sigstore.cosign/bundle} rules (VerifyBundle). */
  private void tlog(Map<String, String> ann, byte[] layerBytes, byte[] dssePayload, String layerSig, Signer signer,
      Options o, String where, List<Violation> v) throws IOException {
    if (o.ignoreTlog()) {
      return;
    }
    String bundle = ann.get(BUNDLE_ANN);
    if (bundle == null || bundle.isEmpty()) {
      v.add(new Violation(Rule.TLOG_PRESENT, where, "signature not found in transparency log (no "
          + BUNDLE_ANN + "; cosign verify would need --insecure-ignore-tlog=true)"));
      return;
    }
    JsonNode b = JSON.readTree(bundle);
    JsonNode p = b.path("Payload");
    JsonNode body = JSON.readTree(Base64.getDecoder().decode(p.path("body").asText()));
    String kind = body.path("kind").asText();
    JsonNode spec = body.path("spec");
    String loggedSig;
    String loggedKey;
    String loggedHash;
    switch (kind) {
      case "hashedrekord" -> {
        loggedSig = spec.path("signature").path("content").asText();
        loggedKey = spec.path("signature").path("publicKey").path("content").asText();
        loggedHash = spec.path("data").path("hash").path("value").asText();
      }
      case "dsse" -> {
        loggedSig = spec.path("signatures").path(0).path("signature").asText();
        loggedKey = spec.path("signatures").path(0).path("verifier").asText();
        loggedHash = spec.path("envelopeHash").path("value").asText();
      }
      default -> {
        v.add(new Violation(Rule.TLOG_HASH, where, "unsupported entry kind " + kind));
        return;
      }
    }
    if (!layerSig.isEmpty() && !layerSig.equals(loggedSig)) {
      v.add(new Violation(Rule.TLOG_SIGNATURE, where, "signature in bundle does not match signature being verified"));
    }
    if (!Arrays.equals(signer.logged(), pemDer(Base64.getDecoder().decode(loggedKey)))) {
      v.add(new Violation(Rule.TLOG_KEY, where, "comparing public key PEMs"));
    }
    if (!hex(sha256(layerBytes)).equals(loggedHash)) {
      v.add(new Violation(Rule.TLOG_HASH, where, "matching bundle to payload"));
    }
    if (!setVerifies(o, p.path("body").asText(), p.path("integratedTime").asLong(), p.path("logIndex").asLong(),
        p.path("logID").asText(), b.path("SignedEntryTimestamp").asText())) {
      v.add(new Violation(Rule.TLOG_SET, where, "unable to verify SET"));
    }
    if (signer.cert() != null) {
      Instant t = Instant.ofEpochSecond(p.path("integratedTime").asLong());
      if (t.isBefore(signer.cert().getNotBefore().toInstant()) || t.isAfter(signer.cert().getNotAfter().toInstant())) {
        v.add(new Violation(Rule.CERTIFICATE, where, "certificate expired at the log time"));
      }
    }
  }

  /** sigstore-go's transparency log rule for a bundle: at least one entry; Rekor v1 entries need a valid SET. */
  private void bundleTlog(JsonNode bundle, byte[] payload, byte[] sig, Signer signer, Options o, String where,
      List<Violation> v) throws IOException {
    JsonNode entries = bundle.path("verificationMaterial").path("tlogEntries");
    if (entries.isEmpty()) {
      v.add(new Violation(Rule.V3_TLOG, where, "expected 1 tlog entries, got 0 (needs --insecure-ignore-tlog=true)"));
      return;
    }
    for (JsonNode e : entries) {
      String set = e.path("inclusionPromise").path("signedEntryTimestamp").asText("");
      if (set.isEmpty()) {
        continue; // Rekor v2: inclusion proof + signed timestamp, checked by @sigstore/verify in the tests
      }
      String body = e.path("canonicalizedBody").asText();
      String logId = HexFormat.of().formatHex(Base64.getDecoder().decode(e.path("logId").path("keyId").asText()));
      if (!setVerifies(o, body, e.path("integratedTime").asLong(), e.path("logIndex").asLong(), logId, set)) {
        v.add(new Violation(Rule.V3_TLOG, where, "unable to verify SET"));
        continue;
      }
      JsonNode spec = JSON.readTree(Base64.getDecoder().decode(body)).path("spec");
      String payloadHash = spec.path("payloadHash").path("value").asText();
      String loggedSig = spec.path("signatures").path(0).path("signature").asText();
      String loggedKey = spec.path("signatures").path(0).path("verifier").asText();
      if (!hex(sha256(payload)).equals(payloadHash)
          || !Arrays.equals(sig, Base64.getDecoder().decode(loggedSig))
          || !Arrays.equals(signer.logged(), pemDer(Base64.getDecoder().decode(loggedKey)))) {
        v.add(new Violation(Rule.V3_TLOG, where, "tlog entry is about another envelope, signature or key"));
      }
    }
  }

  private boolean setVerifies(Options o, String body, long integratedTime, long logIndex, String logIdHex,
      String set) throws IOException {
    if (o.trustedRoot() == null) {
      return false;
    }
    String canonical = "{\"body\":\"" + body + "\",\"integratedTime\":" + integratedTime + ",\"logID\":\"" + logIdHex
        + "\",\"logIndex\":" + logIndex + "}";
    for (JsonNode log : trustedRoot(o).path("tlogs")) {
      String id = HexFormat.of().formatHex(Base64.getDecoder().decode(log.path("logId").path("keyId").asText()));
      if (!id.equals(logIdHex)) {
        continue;
      }
      try {
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(
            Base64.getDecoder().decode(log.path("publicKey").path("rawBytes").asText())));
        return verify(key, canonical.getBytes(StandardCharsets.UTF_8), Base64.getDecoder().decode(set));
      } catch (Exception e) {
        return false;
      }
    }
    return false;
  }

  private static boolean settle(List<Violation> v, List<Violation> all, List<String> accepted, String where) {
    all.addAll(v);
    if (v.isEmpty()) {
      accepted.add(where);
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  private List<JsonNode> layers(String tag) throws IOException {
    byte[] m = manifestOrNull(tag);
    List<JsonNode> out = new ArrayList<>();
    if (m != null) {
      readJson(m).path("layers").forEach(out::add);
    }
    return out;
  }

  /** The referrers API where the registry has it, else the sha256-hex tag (go-containerregistry remote.Referrers). */
  private List<JsonNode> referrers(String digest) throws IOException {
    HttpResponse<byte[]> r = get(base + "/referrers/" + digest, "application/vnd.oci.image.index.v1+json");
    byte[] index = r.statusCode() == 200 ? r.body() : manifestOrNull("sha256-" + hex(digest));
    List<JsonNode> out = new ArrayList<>();
    if (index != null) {
      readJson(index).path("manifests").forEach(out::add);
    }
    return out;
  }

  private byte[] manifest(String ref) throws IOException {
    byte[] m = manifestOrNull(ref);
    if (m == null) {
      throw new IOException("no manifest " + ref + " in " + repository);
    }
    return m;
  }

  private byte[] manifestOrNull(String ref) throws IOException {
    HttpResponse<byte[]> r = get(base + "/manifests/" + ref, "application/vnd.oci.image.manifest.v1+json,"
        + "application/vnd.oci.image.index.v1+json,application/vnd.docker.distribution.manifest.v2+json");
    return r.statusCode() == 200 ? r.body() : null;
  }

  private byte[] blob(String digest) throws IOException {
    HttpResponse<byte[]> r = get(base + "/blobs/" + digest, "*/*");
    if (r.statusCode() != 200) {
      throw new IOException("GET blob " + digest + ": HTTP " + r.statusCode());
    }
    return r.body();
  }

  private HttpResponse<byte[]> get(String url, String accept) throws IOException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private final Map<Path, JsonNode> roots = new LinkedHashMap<>();

  private JsonNode trustedRoot(Options o) throws IOException {
    if (o.trustedRoot() == null) {
      return JSON.createObjectNode();
    }
    JsonNode root = roots.get(o.trustedRoot());
    if (root == null) {
      root = JSON.readTree(o.trustedRoot().toFile());
      roots.put(o.trustedRoot(), root);
    }
    return root;
  }

  private static Instant integratedTime(Map<String, String> ann) {
    try {
      String b = ann.get(BUNDLE_ANN);
      return b == null ? null : Instant.ofEpochSecond(JSON.readTree(b).path("Payload").path("integratedTime").asLong());
    } catch (IOException e) {
      return null;
    }
  }

  private static Map<String, String> annotations(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    node.path("annotations").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  static boolean v03OrLater(String mediaType) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "application/vnd\\.dev\\.sigstore\\.bundle(?:\\.v|\\+json;version=)(\\d+)\\.(\\d+)(?:\\+json)?")
        .matcher(mediaType);
    return m.matches() && (Integer.parseInt(m.group(1)) > 0 || Integer.parseInt(m.group(2)) >= 3);
  }

  private static boolean subjectIs(JsonNode statement, String digest) {
    for (JsonNode s : statement.path("subject")) {
      if (hex(digest).equals(s.path("digest").path("sha256").asText())) {
        return true;
      }
    }
    return false;
  }

  static byte[] pae(String type, byte[] payload) {
    byte[] t = type.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(("DSSEv1 " + t.length + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(t);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static boolean verify(PublicKey key, byte[] data, byte[] sig) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(key);
      s.update(data);
      return s.verify(sig);
    } catch (Exception e) {
      return false;
    }
  }

  private static JsonNode readJson(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
  }

  private static X509Certificate cert(byte[] pemOrDer) throws IOException {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pemOrDer));
    } catch (Exception e) {
      throw new IOException("not a certificate: " + e.getMessage(), e);
    }
  }

  private static byte[] encoded(X509Certificate c) throws IOException {
    try {
      return c.getEncoded();
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private static byte[] pemDer(byte[] pem) throws IOException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    if (text.contains("BEGIN CERTIFICATE")) {
      return encoded(cert(pem));
    }
    return Base64.getDecoder().decode(text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
  }

  private static String san(X509Certificate c) {
    try {
      for (List<?> n : c.getSubjectAlternativeNames()) {
        return String.valueOf(n.get(1));
      }
    } catch (Exception e) {
      return null;
    }
    return null;
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static String hex(String digest) {
    return digest.substring(digest.indexOf(':') + 1);
  }
}
