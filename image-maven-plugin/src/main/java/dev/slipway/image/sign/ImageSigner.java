package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.AtomicFiles;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.registry.Digests;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.image.registry.Referrers;
import dev.slipway.common.registry.RegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signs a pushed image by digest, in cosign's layout, and records a Sigstore bundle for each signature.
 *
 * <p>For each digest (the index, and with {@code signPlatforms} every platform manifest) it builds cosign's
 * simple-signing payload, signs it (keylessly through {@link KeylessBackend}, or with a {@link KeySigner}), appends
 * the signature to the {@code sha256-<hex>.sig} tag, writes the Sigstore bundle to {@code signatures/} and attaches
 * bundle + payload as an OCI referrer. Attestations are in-toto Statements in DSSE envelopes, appended to the
 * {@code .att} tag and attached as referrers; keyless ones go through sigstore-java's {@code attest()}, which needs a
 * Sigstore with Rekor v2 and a timestamp authority (without them they are skipped with the reason).
 */
public final class ImageSigner {
  public static final String REFERRER_CONTENT = "dev.sigstore.bundle.content";
  public static final String REFERRER_PREDICATE = "dev.sigstore.bundle.predicateType";
  public static final String COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";

  private final Log log;
  private final KeylessBackend keyless;

  /** {@code keyless} may be null in key mode. */
  public ImageSigner(Log log, KeylessBackend keyless) {
    this.log = log;
    this.keyless = keyless;
  }

  public SignResult sign(SignConfig config) throws IOException, SigningException {
    ImageRef ref = config.image();
    RegistryClient client = ref.client(config.credentials(), config.insecureRegistry(), log);
    String digest = ref.digest();
    RegistryClient.Manifest top;
    if (digest == null) {
      top = client.getManifest(ref.reference());
      digest = top.digest();
      log.info("Resolved " + ref + " to " + digest + " (signatures always name a digest)");
    } else {
      top = client.getManifest(digest);
      if (!top.digest().equals(digest)) {
        throw new SigningException("registry returned a manifest with digest " + top.digest() + " for " + digest);
      }
    }
    List<RegistryClient.Manifest> targets = new ArrayList<>();
    targets.add(top);
    if (config.signPlatforms() && MediaTypes.isIndex(top.mediaType())) {
      for (JsonNode m : top.json().path("manifests")) {
        targets.add(client.getManifest(m.path("digest").asText()));
      }
    }

    String name = ref.name();
    List<byte[]> payloads = new ArrayList<>();
    for (RegistryClient.Manifest t : targets) {
      payloads.add(SimpleSigning.payload(name, t.digest(), config.annotations()));
    }

    Path sigDir = config.outputDir().resolve("signatures");
    Files.createDirectories(sigDir);
    CosignLayout cosign = new CosignLayout(client);
    Referrers referrers = new Referrers(client, log);
    List<SignResult.Signed> signed = new ArrayList<>();
    String signerId;
    String issuer = null;
    boolean keyMode = config.mode() == SignConfig.Mode.KEY;

    if (keyMode) {
      KeySigner key = config.key();
      signerId = SigstoreBundles.keyId(key.publicKey());
      log.info("Signing " + targets.size() + " manifest(s) of " + name + " with " + key.describe()
          + " (key id " + signerId.substring(0, 16) + "…)");
      for (int i = 0; i < targets.size(); i++) {
        byte[] payload = payloads.get(i);
        byte[] signature = key.sign(payload);
        byte[] bundle = SigstoreBundles.messageSignature(key.publicKey(), sha256(payload), signature);
        Map<String, String> ann = Map.of(CosignLayout.ANN_SIGNATURE, Base64.getEncoder().encodeToString(signature));
        signed.add(publish(config, client, cosign, referrers, targets.get(i), payload, ann, bundle, sigDir, null));
      }
    } else {
      if (keyless == null) {
        throw new IllegalStateException("keyless mode without a keyless backend");
      }
      List<byte[]> digests = payloads.stream().map(ImageSigner::sha256).toList();
      log.info("Signing " + targets.size() + " manifest(s) of " + name + " keylessly ("
          + config.keyless().token() + ")");
      List<KeylessBackend.Signature> sigs = keyless.sign(digests);
      signerId = sigs.get(0).identity();
      issuer = sigs.get(0).issuer();
      log.info("Fulcio certificate for " + signerId + " (issuer " + issuer + ")");
      for (int i = 0; i < targets.size(); i++) {
        KeylessBackend.Signature s = sigs.get(i);
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(CosignLayout.ANN_SIGNATURE, Base64.getEncoder().encodeToString(s.signature()));
        ann.put(CosignLayout.ANN_CERTIFICATE, s.certificatePem());
        ann.put(CosignLayout.ANN_CHAIN, s.chainPem());
        ann.put(CosignLayout.ANN_BUNDLE, CosignLayout.rekorBundleAnnotation(s.tlog()));
        signed.add(publish(config, client, cosign, referrers, targets.get(i), payloads.get(i), ann,
            s.bundleJson().getBytes(StandardCharsets.UTF_8), sigDir, s.tlog().logIndex()));
        log.info("Rekor entry " + s.tlog().logIndex() + " for " + targets.get(i).digest());
      }
    }

    List<SignResult.Attested> attested = new ArrayList<>();
    String skipped = null;
    if (!config.attestations().isEmpty()) {
      List<byte[]> statements = new ArrayList<>();
      for (SignConfig.Attestation a : config.attestations()) {
        JsonNode predicate = Statements.parsePredicate(a.predicateJson(), a.source());
        statements.add(Statements.statement(name, top.digest(), a.predicateType(), predicate));
      }
      List<Signed> envelopes = null;
      if (keyMode) {
        envelopes = new ArrayList<>();
        KeySigner key = config.key();
        String keyId = SigstoreBundles.keyId(key.publicKey());
        for (byte[] statement : statements) {
          byte[] signature = key.sign(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, statement));
          envelopes.add(new Signed(Dsse.envelope(Dsse.IN_TOTO_PAYLOAD_TYPE, statement, signature, keyId),
              SigstoreBundles.dsse(key.publicKey(), Dsse.IN_TOTO_PAYLOAD_TYPE, statement, signature), Map.of()));
        }
      } else {
        try {
          envelopes = new ArrayList<>();
          for (KeylessBackend.Attestation a : keyless.attest(statements)) {
            Map<String, String> ann = new LinkedHashMap<>();
            ann.put(CosignLayout.ANN_CERTIFICATE, a.certificatePem());
            ann.put(CosignLayout.ANN_CHAIN, a.chainPem());
            if (a.rfc3161Timestamp() != null) {
              ann.put(CosignLayout.ANN_RFC3161, "{\"SignedRFC3161Timestamp\":\""
                  + Base64.getEncoder().encodeToString(a.rfc3161Timestamp()) + "\"}");
            }
            envelopes.add(new Signed(Dsse.envelope(a.payloadType(), a.payload(), a.signature(), ""),
                a.bundleJson().getBytes(StandardCharsets.UTF_8), ann));
          }
        } catch (KeylessBackend.AttestationsUnavailable e) {
          envelopes = null;
          skipped = e.getMessage() + "; sign with a key (image.sign.mode=key) to attach "
              + config.attestations().size() + " attestation(s)";
          log.warn("Attestations not made: " + skipped);
        }
      }
      if (envelopes != null) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < statements.size(); i++) {
          SignConfig.Attestation a = config.attestations().get(i);
          int n = seen.merge(a.predicateType(), 1, Integer::sum);
          String fileSlug = slug(a.predicateType()) + (n > 1 ? "-" + n : "");
          attested.add(publishAttestation(config, cosign, referrers, top, a, envelopes.get(i), sigDir, fileSlug));
        }
      }
    }

    SignResult result = new SignResult(1, name + "@" + digest, keyMode ? "key" : "keyless", signerId, issuer,
        signed, attested, skipped);
    Json.writeFile(sigDir.resolve("signatures.json"), result);
    return result;
  }

  private SignResult.Signed publish(SignConfig config, RegistryClient client, CosignLayout cosign, Referrers referrers,
      RegistryClient.Manifest target, byte[] payload, Map<String, String> annotations, byte[] bundle, Path sigDir,
      Long logIndex) throws IOException {
    String digest = target.digest();
    String sigManifest = cosign.append(digest, CosignLayout.SIG,
        new Referrers.Blob(SimpleSigning.MEDIA_TYPE, payload, annotations));
    String hex = Digests.hex(digest);
    Path bundleFile = sigDir.resolve(hex + ".sigstore.json");
    AtomicFiles.write(bundleFile, bundle);
    AtomicFiles.write(sigDir.resolve(hex + ".payload.json"), payload);
    String referrer = null;
    if (config.attachReferrers()) {
      Referrers.Subject subject = new Referrers.Subject(target.mediaType(), digest, target.bytes().length);
      referrer = referrers.attach(subject, SigstoreBundles.MEDIA_TYPE,
          List.of(new Referrers.Blob(SigstoreBundles.MEDIA_TYPE, bundle),
              new Referrers.Blob(SimpleSigning.MEDIA_TYPE, payload)),
          Map.of(REFERRER_CONTENT, "message-signature"));
    }
    log.info("Signed " + digest + " → " + CosignLayout.tag(digest, CosignLayout.SIG)
        + (referrer != null ? " and referrer " + referrer : ""));
    return new SignResult.Signed(digest, Digests.sha256(payload), CosignLayout.tag(digest, CosignLayout.SIG),
        sigManifest, bundleFile.getFileName().toString(), referrer, logIndex);
  }

  /** A signed attestation ready to publish: the DSSE envelope, its Sigstore bundle, extra layer annotations. */
  private record Signed(byte[] envelope, byte[] bundle, Map<String, String> annotations) {}

  private SignResult.Attested publishAttestation(SignConfig config, CosignLayout cosign, Referrers referrers,
      RegistryClient.Manifest target, SignConfig.Attestation a, Signed signed, Path sigDir, String fileSlug)
      throws IOException {
    Map<String, String> ann = new LinkedHashMap<>(signed.annotations());
    ann.put(CosignLayout.ANN_PREDICATE_TYPE, a.predicateType());
    String attManifest = cosign.append(target.digest(), CosignLayout.ATT,
        new Referrers.Blob(Dsse.MEDIA_TYPE, signed.envelope(), ann));
    Path bundleFile = sigDir.resolve(Digests.hex(target.digest()) + "." + fileSlug + ".sigstore.json");
    AtomicFiles.write(bundleFile, signed.bundle());
    String referrer = null;
    if (config.attachReferrers()) {
      Referrers.Subject subject = new Referrers.Subject(target.mediaType(), target.digest(), target.bytes().length);
      referrer = referrers.attach(subject, SigstoreBundles.MEDIA_TYPE,
          List.of(new Referrers.Blob(SigstoreBundles.MEDIA_TYPE, signed.bundle())),
          Map.of(REFERRER_CONTENT, "dsse-envelope", REFERRER_PREDICATE, a.predicateType()));
    }
    log.info("Attested " + a.predicateType() + " (" + a.source() + ") for " + target.digest() + " in " + attManifest);
    return new SignResult.Attested(target.digest(), a.predicateType(), a.source(),
        CosignLayout.tag(target.digest(), CosignLayout.ATT), bundleFile.getFileName().toString(), referrer);
  }

  static String slug(String predicateType) {
    return switch (predicateType) {
      case Statements.CYCLONEDX -> "cyclonedx";
      case Statements.SLSA_PROVENANCE_V1 -> "slsa-provenance";
      default -> predicateType.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
    };
  }

  static byte[] sha256(byte[] data) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
