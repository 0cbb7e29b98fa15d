package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.registry.Digests;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.image.registry.Referrers;
import dev.slipway.common.registry.RegistryClient;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies that an image digest is signed as a policy demands, and that required attestations exist, then writes
 * {@code verified.json} (the digest a deployment may use). Keyless signatures are checked from their Sigstore bundle
 * referrer with sigstore-java's {@code KeylessVerifier} (certificate chain, SCT, Rekor inclusion proof and SET, the
 * signature, identity and issuer); key signatures from cosign's {@code .sig} tag or the bundle referrer with the JCA.
 * In both modes the signed payload must name exactly this digest.
 */
public final class ImageVerifier {
  /** The result, as written to {@code verified.json}. */
  public record Verified(int schemaVersion, String reference, String repository, String digest, String verifiedAt,
      String mode, String identity, String issuer, String keyId, String signature, List<String> predicateTypes) {}

  /** One signature found for the digest: the payload it signs and where it came from. */
  private record Candidate(String source, byte[] payload, byte[] signature, byte[] bundleJson,
      Map<String, String> annotations) {}

  private final Log log;

  public ImageVerifier(Log log) {
    this.log = log;
  }

  public Verified verify(VerifyConfig config) throws IOException, VerificationException, SigningException {
    ImageRef ref = config.image();
    RegistryClient client = ref.client(config.credentials(), config.insecureRegistry(), log);
    String digest = ref.digest();
    if (digest == null) {
      digest = client.getManifest(ref.reference()).digest();
      log.info("Resolved " + ref + " to " + digest);
    }
    String where = ref.name() + "@" + digest;
    List<Candidate> candidates = candidates(client, digest);
    if (candidates.isEmpty()) {
      throw new VerificationException(VerificationException.Reason.NO_SIGNATURE, "no signature for " + where
          + ": no " + CosignLayout.tag(digest, CosignLayout.SIG) + " tag and no Sigstore bundle referrer");
    }

    Verified verified = config.policy() instanceof VerifyConfig.Keyless k
        ? verifyKeyless(config, k, ref, digest, candidates)
        : verifyKey(config, (VerifyConfig.Key) config.policy(), ref, digest, candidates);
    List<String> predicates = verifyAttestations(config, client, digest, where);
    verified = new Verified(verified.schemaVersion(), verified.reference(), verified.repository(), verified.digest(),
        verified.verifiedAt(), verified.mode(), verified.identity(), verified.issuer(), verified.keyId(),
        verified.signature(), predicates);
    Path file = config.outputDir().resolve("verified.json");
    Json.writeFile(file, verified);
    log.info("Verified " + where + " (" + verified.mode() + ", "
        + (verified.identity() != null ? verified.identity() + " from " + verified.issuer() : "key " + verified.keyId())
        + (predicates.isEmpty() ? "" : ", attestations " + predicates) + "); wrote " + file);
    return verified;
  }

  private List<Candidate> candidates(RegistryClient client, String digest) throws IOException {
    List<Candidate> out = new ArrayList<>();
    for (CosignLayout.Layer layer : new CosignLayout(client).read(digest, CosignLayout.SIG)) {
      String sig = layer.annotations().get(CosignLayout.ANN_SIGNATURE);
      out.add(new Candidate(CosignLayout.tag(digest, CosignLayout.SIG) + " layer " + layer.digest(),
          layer.content(), sig == null ? null : Base64.getDecoder().decode(sig), null, layer.annotations()));
    }
    Referrers referrers = new Referrers(client, log);
    for (Referrers.Referrer r : referrers.list(digest, SigstoreBundles.MEDIA_TYPE)) {
      if (!"message-signature".equals(r.annotations().get(ImageSigner.REFERRER_CONTENT))) {
        continue;
      }
      JsonNode manifest = client.getManifest(r.digest()).json();
      byte[] bundle = null;
      byte[] payload = null;
      for (JsonNode l : manifest.path("layers")) {
        if (SigstoreBundles.MEDIA_TYPE.equals(l.path("mediaType").asText())) {
          bundle = client.getBlob(l.path("digest").asText());
        } else if (SimpleSigning.MEDIA_TYPE.equals(l.path("mediaType").asText())) {
          payload = client.getBlob(l.path("digest").asText());
        }
      }
      if (bundle != null && payload != null) {
        byte[] signature = null;
        JsonNode sig = Json.mapper().readTree(bundle).path("messageSignature").path("signature");
        if (sig.isTextual()) {
          signature = Base64.getDecoder().decode(sig.asText());
        }
        out.add(new Candidate("referrer " + r.digest(), payload, signature, bundle, Map.of()));
      }
    }
    return out;
  }

  /** The payload must be a simple-signing payload naming this very digest. */
  private static String digestProblem(Candidate c, String digest) {
    try {
      SimpleSigning.Claims claims = SimpleSigning.parse(c.payload());
      if (!digest.equals(claims.manifestDigest())) {
        return c.source() + " signs " + claims.manifestDigest() + ", not " + digest;
      }
      return null;
    } catch (IOException e) {
      return c.source() + " holds no valid payload (" + e.getMessage() + ")";
    }
  }

  private Verified verifyKeyless(VerifyConfig config, VerifyConfig.Keyless policy, ImageRef ref, String digest,
      List<Candidate> candidates) throws VerificationException, SigningException {
    KeylessVerifier verifier = keylessVerifier(policy);
    Failures failures = new Failures();
    boolean sawKeyless = false;
    CosignLegacyVerifier legacy = null;
    // bundles first: they carry the inclusion proof; cosign's legacy annotations only the SET
    List<Candidate> ordered = new ArrayList<>(candidates);
    ordered.sort(java.util.Comparator.comparing(c -> c.bundleJson() == null));
    for (Candidate c : ordered) {
      if (c.bundleJson() == null) {
        if (!c.annotations().containsKey(CosignLayout.ANN_CERTIFICATE)) {
          continue;
        }
        // cosign's legacy keyless layout: certificate, chain and Rekor SET in annotations, no bundle
        sawKeyless = true;
        String digestProblem = digestProblem(c, digest);
        if (digestProblem != null) {
          failures.add(VerificationException.Reason.DIGEST_MISMATCH, digestProblem);
          continue;
        }
        if (legacy == null) {
          legacy = new CosignLegacyVerifier(trustedRoot(policy));
        }
        X509Certificate[] leafOut = new X509Certificate[1];
        CosignLegacyVerifier.Problem problem = legacy.verify(c.payload(), c.annotations(), leafOut);
        if (problem != null) {
          failures.add(problem.reason(), c.source() + ": " + problem.message());
          continue;
        }
        CertificateIdentity id = CertificateIdentity.of(leafOut[0]);
        String identityProblem = identityProblem(policy, id);
        if (identityProblem != null) {
          failures.add(VerificationException.Reason.WRONG_IDENTITY, c.source() + ": " + identityProblem);
          continue;
        }
        return new Verified(1, ref.name() + "@" + digest, ref.name(), digest, Instant.now().toString(), "keyless",
            id.subjectAlternativeName(), id.issuer(), null, c.source(), List.of());
      }
      sawKeyless = true;
      String digestProblem = digestProblem(c, digest);
      if (digestProblem != null) {
        failures.add(VerificationException.Reason.DIGEST_MISMATCH, digestProblem);
        continue;
      }
      Bundle bundle;
      try {
        bundle = Bundle.from(new StringReader(new String(c.bundleJson(), StandardCharsets.UTF_8)));
      } catch (Exception e) {
        failures.add(VerificationException.Reason.BAD_SIGNATURE, c.source() + ": unreadable bundle: " + e.getMessage());
        continue;
      }
      X509Certificate leaf = (X509Certificate) bundle.getCertPath().getCertificates().get(0);
      CertificateIdentity id = CertificateIdentity.of(leaf);
      String identityProblem = identityProblem(policy, id);
      if (identityProblem != null) {
        failures.add(VerificationException.Reason.WRONG_IDENTITY, c.source() + ": " + identityProblem);
        continue;
      }
      try {
        verifier.verify(ImageSigner.sha256(c.payload()), bundle, options(policy));
      } catch (Exception e) {
        String msg = messages(e);
        VerificationException.Reason reason = msg.contains("signature was not valid")
            || msg.contains("Artifact signature") ? VerificationException.Reason.BAD_SIGNATURE
            : VerificationException.Reason.BAD_CHAIN;
        failures.add(reason, c.source() + ": " + msg);
        continue;
      }
      return new Verified(1, ref.name() + "@" + digest, ref.name(), digest, Instant.now().toString(), "keyless",
          id.subjectAlternativeName(), id.issuer(), null, c.source(), List.of());
    }
    if (!sawKeyless) {
      throw new VerificationException(VerificationException.Reason.NO_SIGNATURE, "no keyless signature for "
          + ref.name() + "@" + digest + ": the .sig layers carry no certificate and there is no Sigstore bundle "
          + "referrer (signed with a key? verify with image.verify.publicKey)");
    }
    throw failures.exception(ref.name() + "@" + digest);
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

  private static dev.sigstore.trustroot.SigstoreTrustedRoot trustedRoot(VerifyConfig.Keyless policy)
      throws SigningException {
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

  private Verified verifyKey(VerifyConfig config, VerifyConfig.Key policy, ImageRef ref, String digest,
      List<Candidate> candidates) throws VerificationException {
    Failures failures = new Failures();
    String keyId = SigstoreBundles.keyId(policy.key());
    for (Candidate c : candidates) {
      String digestProblem = digestProblem(c, digest);
      if (digestProblem != null) {
        failures.add(VerificationException.Reason.DIGEST_MISMATCH, digestProblem);
        continue;
      }
      if (c.signature() == null) {
        failures.add(VerificationException.Reason.BAD_SIGNATURE, c.source() + " carries no signature");
        continue;
      }
      if (!verifies(policy.key(), c.payload(), c.signature())) {
        failures.add(VerificationException.Reason.BAD_SIGNATURE,
            c.source() + " does not verify with the public key " + policy.source());
        continue;
      }
      return new Verified(1, ref.name() + "@" + digest, ref.name(), digest, Instant.now().toString(), "key", null,
          null, keyId, c.source(), List.of());
    }
    throw failures.exception(ref.name() + "@" + digest);
  }

  private List<String> verifyAttestations(VerifyConfig config, RegistryClient client, String digest, String where)
      throws IOException, VerificationException {
    List<String> found = new ArrayList<>();
    if (config.requiredPredicateTypes().isEmpty()) {
      return found;
    }
    Set<String> verified = new LinkedHashSet<>();
    List<String> problems = new ArrayList<>();
    if (config.policy() instanceof VerifyConfig.Key k) {
      for (CosignLayout.Layer layer : new CosignLayout(client).read(digest, CosignLayout.ATT)) {
        check(Dsse.parse(layer.content()), k, digest, layer.digest(), verified, problems);
      }
    } else if (config.policy() instanceof VerifyConfig.Keyless k) {
      KeylessVerifier verifier = null;
      for (Referrers.Referrer r : new Referrers(client, log).list(digest, SigstoreBundles.MEDIA_TYPE)) {
        if (!"dsse-envelope".equals(r.annotations().get(ImageSigner.REFERRER_CONTENT))) {
          continue;
        }
        JsonNode manifest = client.getManifest(r.digest()).json();
        byte[] bundleJson = client.getBlob(manifest.path("layers").get(0).path("digest").asText());
        try {
          if (verifier == null) {
            verifier = keylessVerifier(k);
          }
          Bundle bundle = Bundle.from(new StringReader(new String(bundleJson, StandardCharsets.UTF_8)));
          verifier.verify(HexFormat.of().parseHex(Digests.hex(digest)), bundle, options(k));
          JsonNode statement = Json.mapper().readTree(bundle.getDsseEnvelope().orElseThrow().getPayload());
          verified.add(statement.path("predicateType").asText());
        } catch (Exception e) {
          problems.add("referrer " + r.digest() + ": " + messages(e));
        }
      }
    }
    for (String required : config.requiredPredicateTypes()) {
      if (!verified.contains(required)) {
        throw new VerificationException(VerificationException.Reason.MISSING_ATTESTATION, "no verified attestation "
            + "of predicate type " + required + " for " + where + (problems.isEmpty() ? "" : " (" + problems + ")")
            + (config.policy() instanceof VerifyConfig.Keyless
                ? "; keyless attestations are read from Sigstore DSSE bundle referrers" : ""));
      }
      found.add(required);
    }
    return found;
  }

  private static void check(Dsse.Envelope env, VerifyConfig.Key k, String digest, String source, Set<String> verified,
      List<String> problems) throws IOException {
    if (!verifies(k.key(), env.pae(), env.signature())) {
      problems.add(source + ": DSSE signature does not verify with " + k.source());
      return;
    }
    JsonNode statement = Json.mapper().readTree(env.payload());
    boolean aboutThis = false;
    for (JsonNode s : statement.path("subject")) {
      aboutThis |= Digests.hex(digest).equals(s.path("digest").path("sha256").asText());
    }
    if (!aboutThis) {
      problems.add(source + ": statement is about another digest");
      return;
    }
    verified.add(statement.path("predicateType").asText());
  }

  private static boolean verifies(java.security.PublicKey key, byte[] data, byte[] signature) {
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

    private static int rank(VerificationException.Reason r) {
      return switch (r) {
        case DIGEST_MISMATCH -> 1;
        case WRONG_IDENTITY -> 2;
        case BAD_CHAIN, BAD_SIGNATURE -> 3;
        default -> 0;
      };
    }

    VerificationException exception(String where) {
      return new VerificationException(worst == null ? VerificationException.Reason.NO_SIGNATURE : worst,
          "no signature of " + where + " satisfies the policy: " + String.join("; ", messages));
    }
  }
}
