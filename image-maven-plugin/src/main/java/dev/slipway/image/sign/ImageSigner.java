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
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Signs a pushed image by digest, in both of cosign's layouts, and records a Sigstore bundle for each signature.
 *
 * <p>For each digest (the index, and with {@code signPlatforms} every platform manifest):
 * <ul>
 *   <li>cosign v2 ("legacy"): cosign's simple-signing payload, signed (keylessly through {@link KeylessBackend}, or
 *       with a {@link KeySigner}) and appended to the {@code sha256-<hex>.sig} tag; the message-signature bundle over
 *       that payload goes to {@code signatures/<hex>.sigstore.json};</li>
 *   <li>cosign v3: an in-toto statement of predicate type {@value Statements#COSIGN_SIGN_V1} about the digest, in a
 *       DSSE envelope, in a Sigstore bundle attached as an OCI referrer with exactly one layer (the bundle), as
 *       {@code cosign sign} writes it since v3 ({@code signatures/<hex>.sign.sigstore.json}).</li>
 * </ul>
 * Attestations are in-toto statements in DSSE envelopes, appended to the {@code .att} tag (each layer with an empty
 * {@code dev.cosignproject.cosign/signature} annotation, which cosign's reader requires, and the Rekor entry where
 * there is one) and attached as one-layer bundle referrers. Since cosign v3 verifies every bundle referrer it finds
 * and ignores {@code .sig} once there is one, a bundle referrer is only attached together with the signature
 * bundle: keyless DSSE bundles need sigstore-java's {@code attest()}, which needs a Sigstore with Rekor v2 and a
 * timestamp authority; without them keyless signing writes the legacy layout only and says why.
 *
 * <p>Key mode logs to Rekor v1 when {@link SignConfig#rekor()} is set (hashedrekord for payload signatures, dsse for
 * envelopes, as cosign does by default); without it, every output says that {@code cosign verify} needs
 * {@code --insecure-ignore-tlog=true}.
 */
public final class ImageSigner {
  public static final String REFERRER_CONTENT = "dev.sigstore.bundle.content";
  public static final String REFERRER_PREDICATE = "dev.sigstore.bundle.predicateType";
  public static final String REFERRER_CREATED = "org.opencontainers.image.created";
  public static final String COSIGN_SIGN_PREDICATE = Statements.COSIGN_SIGN_V1;
  public static final String IGNORE_TLOG_FLAG = "--insecure-ignore-tlog=true";

  private final Log log;
  private final KeylessBackend keyless;

  /** {@code keyless} may be null in key mode. */
  public ImageSigner(Log log, KeylessBackend keyless) {
    this.log = log;
    this.keyless = keyless;
  }

  /** A signed DSSE envelope ready to publish: the envelope, its Sigstore bundle, extra layer annotations. */
  private record Enveloped(byte[] envelope, byte[] bundle, Map<String, String> annotations, Long logIndex) {}

  public SignResult sign(SignConfig config) throws IOException, SigningException {
    ImageRef ref = config.image();
    RegistryClient client = ref.client(config.credentials(), config.registryAccess(), log);
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
    List<byte[]> signStatements = new ArrayList<>();
    for (RegistryClient.Manifest t : targets) {
      payloads.add(SimpleSigning.payload(name, t.digest(), config.annotations()));
      signStatements.add(Statements.cosignSignature(name, t.digest(), config.annotations()));
    }
    List<byte[]> attStatements = new ArrayList<>();
    for (SignConfig.Attestation a : config.attestations()) {
      JsonNode predicate = Statements.parsePredicate(a.predicateJson(), a.source());
      attStatements.add(Statements.statement(name, top.digest(), a.predicateType(), predicate));
    }

    Path sigDir = config.outputDir().resolve("signatures");
    Files.createDirectories(sigDir);
    CosignLayout cosign = new CosignLayout(client);
    Referrers referrers = new Referrers(client, log);
    List<SignResult.Signed> signed = new ArrayList<>();
    String signerId;
    String issuer = null;
    boolean keyMode = config.mode() == SignConfig.Mode.KEY;
    List<Enveloped> signEnvelopes = null;
    List<Enveloped> attEnvelopes = null;
    String v3Skipped = config.attachReferrers() ? null : "image.sign.referrers=false";
    String attestationsSkipped = null;
    SignResult.TransparencyLogUse tlogUse;

    if (keyMode) {
      KeySigner key = config.key();
      TransparencyLog rekor = config.rekor();
      String pem = pem(key.publicKey());
      signerId = SigstoreBundles.keyId(key.publicKey());
      log.info("Signing " + targets.size() + " manifest(s) of " + name + " with " + key.describe()
          + " (key id " + signerId.substring(0, 16) + "…)");
      if (rekor != null) {
        log.info("Recording signatures in the transparency log " + rekor.url());
        tlogUse = new SignResult.TransparencyLogUse(rekor.url(), List.of(), null);
      } else {
        String note = "key-mode signatures are in no transparency log (set image.sign.rekorUrl to record them): "
            + "cosign verify/verify-attestation --key need " + IGNORE_TLOG_FLAG + " for them";
        log.warn(note);
        tlogUse = new SignResult.TransparencyLogUse(null, List.of(IGNORE_TLOG_FLAG), note);
      }
      if (config.attachReferrers()) {
        signEnvelopes = new ArrayList<>();
        for (byte[] statement : signStatements) {
          signEnvelopes.add(keyEnvelope(key, rekor, pem, statement));
        }
      }
      for (int i = 0; i < targets.size(); i++) {
        byte[] payload = payloads.get(i);
        byte[] signature = key.sign(payload);
        TransparencyLog.Entry entry = rekor == null ? null : rekor.hashedRekord(sha256(payload), signature, pem);
        byte[] bundle = SigstoreBundles.messageSignature(key.publicKey(), sha256(payload), signature, entry);
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(CosignLayout.ANN_SIGNATURE, Base64.getEncoder().encodeToString(signature));
        if (entry != null) {
          ann.put(CosignLayout.ANN_BUNDLE, CosignLayout.rekorBundleAnnotation(entry.asTlogEntry()));
        }
        signed.add(publish(cosign, referrers, targets.get(i), payload, ann, bundle,
            signEnvelopes == null ? null : signEnvelopes.get(i), v3Skipped, sigDir,
            entry == null ? null : entry.logIndex()));
      }
      if (!attStatements.isEmpty()) {
        attEnvelopes = new ArrayList<>();
        for (byte[] statement : attStatements) {
          attEnvelopes.add(keyEnvelope(key, rekor, pem, statement));
        }
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
      tlogUse = new SignResult.TransparencyLogUse("the Rekor of the Sigstore instance", List.of(), null);
      // one attest() call: one certificate for every DSSE envelope of this run
      List<byte[]> dsseStatements = new ArrayList<>();
      if (config.attachReferrers()) {
        dsseStatements.addAll(signStatements);
      }
      dsseStatements.addAll(attStatements);
      if (!dsseStatements.isEmpty()) {
        try {
          List<Enveloped> all = new ArrayList<>();
          for (KeylessBackend.Attestation a : keyless.attest(dsseStatements)) {
            Map<String, String> ann = new LinkedHashMap<>();
            ann.put(CosignLayout.ANN_SIGNATURE, "");
            ann.put(CosignLayout.ANN_CERTIFICATE, a.certificatePem());
            ann.put(CosignLayout.ANN_CHAIN, a.chainPem());
            if (a.rfc3161Timestamp() != null) {
              ann.put(CosignLayout.ANN_RFC3161, "{\"SignedRFC3161Timestamp\":\""
                  + Base64.getEncoder().encodeToString(a.rfc3161Timestamp()) + "\"}");
            }
            all.add(new Enveloped(Dsse.envelope(a.payloadType(), a.payload(), a.signature(), ""),
                a.bundleJson().getBytes(StandardCharsets.UTF_8), ann, null));
          }
          int n = config.attachReferrers() ? signStatements.size() : 0;
          signEnvelopes = config.attachReferrers() ? all.subList(0, n) : null;
          attEnvelopes = all.subList(n, all.size());
        } catch (KeylessBackend.AttestationsUnavailable e) {
          v3Skipped = e.getMessage() + "; cosign v3 then verifies the .sig tag";
          log.warn("No cosign v3 signature bundle and no attestations: " + e.getMessage()
              + " (the legacy .sig signature is written; cosign v3 falls back to it when an image has no bundle)");
          if (!attStatements.isEmpty()) {
            attestationsSkipped = e.getMessage() + "; sign with a key (image.sign.mode=key) to attach "
                + attStatements.size() + " attestation(s)";
          }
        }
      }
      for (int i = 0; i < targets.size(); i++) {
        KeylessBackend.Signature s = sigs.get(i);
        Map<String, String> ann = new LinkedHashMap<>();
        ann.put(CosignLayout.ANN_SIGNATURE, Base64.getEncoder().encodeToString(s.signature()));
        ann.put(CosignLayout.ANN_CERTIFICATE, s.certificatePem());
        ann.put(CosignLayout.ANN_CHAIN, s.chainPem());
        ann.put(CosignLayout.ANN_BUNDLE, CosignLayout.rekorBundleAnnotation(s.tlog()));
        signed.add(publish(cosign, referrers, targets.get(i), payloads.get(i), ann,
            s.bundleJson().getBytes(StandardCharsets.UTF_8), signEnvelopes == null ? null : signEnvelopes.get(i),
            v3Skipped, sigDir, s.tlog().logIndex()));
        log.info("Rekor entry " + s.tlog().logIndex() + " for " + targets.get(i).digest());
      }
    }

    List<SignResult.Attested> attested = new ArrayList<>();
    if (attEnvelopes != null) {
      Map<String, Integer> seen = new LinkedHashMap<>();
      for (int i = 0; i < attStatements.size(); i++) {
        SignConfig.Attestation a = config.attestations().get(i);
        int n = seen.merge(a.predicateType(), 1, Integer::sum);
        String fileSlug = slug(a.predicateType()) + (n > 1 ? "-" + n : "");
        attested.add(publishAttestation(config, cosign, referrers, top, a, attEnvelopes.get(i), sigDir, fileSlug));
      }
    }

    SignResult result = new SignResult(2, name + "@" + digest, keyMode ? "key" : "keyless", signerId, issuer,
        signed, attested, attestationsSkipped, tlogUse);
    Json.writeFile(sigDir.resolve("signatures.json"), result);
    return result;
  }

  /** Signs {@code statement} as a DSSE envelope with {@code key}, logs it when there is a log, and bundles it. */
  private static Enveloped keyEnvelope(KeySigner key, TransparencyLog rekor, String pem, byte[] statement)
      throws SigningException {
    String keyId = SigstoreBundles.keyId(key.publicKey());
    byte[] signature = key.sign(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, statement));
    byte[] envelope = Dsse.envelope(Dsse.IN_TOTO_PAYLOAD_TYPE, statement, signature, keyId);
    TransparencyLog.Entry entry = rekor == null ? null : rekor.dsse(envelope, pem);
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put(CosignLayout.ANN_SIGNATURE, "");
    if (entry != null) {
      ann.put(CosignLayout.ANN_BUNDLE, CosignLayout.rekorBundleAnnotation(entry.asTlogEntry()));
    }
    return new Enveloped(envelope,
        SigstoreBundles.dsse(key.publicKey(), Dsse.IN_TOTO_PAYLOAD_TYPE, statement, signature, entry), ann,
        entry == null ? null : entry.logIndex());
  }

  private SignResult.Signed publish(CosignLayout cosign, Referrers referrers, RegistryClient.Manifest target,
      byte[] payload, Map<String, String> annotations, byte[] bundle, Enveloped v3, String v3Skipped, Path sigDir,
      Long logIndex) throws IOException {
    String digest = target.digest();
    String sigManifest = cosign.append(digest, CosignLayout.SIG,
        new Referrers.Blob(SimpleSigning.MEDIA_TYPE, payload, annotations));
    String hex = Digests.hex(digest);
    Path bundleFile = sigDir.resolve(hex + ".sigstore.json");
    AtomicFiles.write(bundleFile, bundle);
    AtomicFiles.write(sigDir.resolve(hex + ".payload.json"), payload);
    String referrer = null;
    String v3File = null;
    if (v3 != null) {
      v3File = hex + ".sign.sigstore.json";
      AtomicFiles.write(sigDir.resolve(v3File), v3.bundle());
      referrer = attachBundle(referrers, target, v3.bundle(), COSIGN_SIGN_PREDICATE);
    }
    log.info("Signed " + digest + " → " + CosignLayout.tag(digest, CosignLayout.SIG)
        + (referrer != null ? " and cosign v3 bundle referrer " + referrer : ""));
    return new SignResult.Signed(digest, Digests.sha256(payload), CosignLayout.tag(digest, CosignLayout.SIG),
        sigManifest, bundleFile.getFileName().toString(), v3File, referrer, v3 == null ? v3Skipped : null, logIndex);
  }

  /**
   * Attaches one bundle as cosign v3 does: a referrer whose only layer is the bundle, artifact type the bundle media
   * type, annotations naming the content (a DSSE envelope) and the statement's predicate type.
   */
  private static String attachBundle(Referrers referrers, RegistryClient.Manifest target, byte[] bundle,
      String predicateType) throws IOException {
    Referrers.Subject subject = new Referrers.Subject(target.mediaType(), target.digest(), target.bytes().length);
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put(REFERRER_CONTENT, "dsse-envelope");
    ann.put(REFERRER_PREDICATE, predicateType);
    ann.put(REFERRER_CREATED, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return referrers.attach(subject, SigstoreBundles.MEDIA_TYPE,
        List.of(new Referrers.Blob(SigstoreBundles.MEDIA_TYPE, bundle)), ann);
  }

  private SignResult.Attested publishAttestation(SignConfig config, CosignLayout cosign, Referrers referrers,
      RegistryClient.Manifest target, SignConfig.Attestation a, Enveloped signed, Path sigDir, String fileSlug)
      throws IOException {
    Map<String, String> ann = new LinkedHashMap<>(signed.annotations());
    ann.put(CosignLayout.ANN_PREDICATE_TYPE, a.predicateType());
    String attManifest = cosign.append(target.digest(), CosignLayout.ATT,
        new Referrers.Blob(Dsse.MEDIA_TYPE, signed.envelope(), ann));
    Path bundleFile = sigDir.resolve(Digests.hex(target.digest()) + "." + fileSlug + ".sigstore.json");
    AtomicFiles.write(bundleFile, signed.bundle());
    String referrer = config.attachReferrers()
        ? attachBundle(referrers, target, signed.bundle(), a.predicateType()) : null;
    log.info("Attested " + a.predicateType() + " (" + a.source() + ") for " + target.digest() + " in " + attManifest
        + (referrer != null ? " and bundle referrer " + referrer : ""));
    return new SignResult.Attested(target.digest(), a.predicateType(), a.source(),
        CosignLayout.tag(target.digest(), CosignLayout.ATT), bundleFile.getFileName().toString(), referrer,
        signed.logIndex());
  }

  static String pem(java.security.PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
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
