package dev.slipway.image.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sigstore.fulcio.client.FulcioVerifier;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import dev.sigstore.trustroot.TransparencyLog;
import dev.slipway.common.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies a keyless signature in cosign's legacy layout, from the {@code .sig} layer's annotations alone, the way
 * {@code cosign verify} does for images signed before bundles existed (the old pipeline's images): the certificate
 * chains to a Fulcio CA of the trusted root and carries a valid SCT (sigstore-java's {@code FulcioVerifier}), the
 * Rekor signed entry timestamp verifies with a transparency log key of the trusted root, the Rekor entry is the
 * hashedrekord of exactly this payload, signature and certificate, it was integrated while the certificate was valid,
 * and the signature verifies over the payload. There is no inclusion proof in this layout: the SET is the proof.
 */
final class CosignLegacyVerifier {
  /** Why a legacy signature failed, as a reason and a message. */
  record Problem(VerificationException.Reason reason, String message) {}

  private final SigstoreTrustedRoot trustedRoot;

  CosignLegacyVerifier(SigstoreTrustedRoot trustedRoot) {
    this.trustedRoot = trustedRoot;
  }

  /** Null when the layer verifies; the leaf certificate goes to {@code leafOut[0]}. */
  Problem verify(byte[] payload, Map<String, String> annotations, X509Certificate[] leafOut) {
    String sigB64 = annotations.get(CosignLayout.ANN_SIGNATURE);
    String certPem = annotations.get(CosignLayout.ANN_CERTIFICATE);
    String rekorBundle = annotations.get(CosignLayout.ANN_BUNDLE);
    if (sigB64 == null || certPem == null || rekorBundle == null) {
      return new Problem(VerificationException.Reason.BAD_SIGNATURE,
          "the layer lacks the signature, certificate or Rekor bundle annotation");
    }
    X509Certificate leaf;
    try {
      leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(certPem.getBytes(StandardCharsets.US_ASCII)));
      leafOut[0] = leaf;
      FulcioVerifier.newFulcioVerifier(trustedRoot).verifySigningCertificate(
          CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)));
    } catch (Exception e) {
      return new Problem(VerificationException.Reason.BAD_CHAIN, "certificate: " + e.getMessage());
    }
    byte[] signature = Base64.getDecoder().decode(sigB64);
    try {
      JsonNode bundle = Json.mapper().readTree(rekorBundle);
      JsonNode p = bundle.path("Payload");
      String body = p.path("body").asText();
      long integratedTime = p.path("integratedTime").asLong();
      long logIndex = p.path("logIndex").asLong();
      String logId = p.path("logID").asText();
      Optional<TransparencyLog> tlog = TransparencyLog.find(trustedRoot.getTLogs(), HexFormat.of().parseHex(logId));
      if (tlog.isEmpty()) {
        return new Problem(VerificationException.Reason.BAD_CHAIN, "Rekor log " + logId + " is not in the trusted root");
      }
      // RFC 8785 form of the four fields: sorted keys, no spaces; base64 and hex need no escaping
      String canonical = "{\"body\":\"" + body + "\",\"integratedTime\":" + integratedTime + ",\"logID\":\"" + logId
          + "\",\"logIndex\":" + logIndex + "}";
      Signature set = Signature.getInstance("SHA256withECDSA");
      set.initVerify(tlog.get().getPublicKey().toJavaPublicKey());
      set.update(canonical.getBytes(StandardCharsets.UTF_8));
      if (!set.verify(Base64.getDecoder().decode(bundle.path("SignedEntryTimestamp").asText()))) {
        return new Problem(VerificationException.Reason.BAD_CHAIN, "the Rekor signed entry timestamp does not verify");
      }
      JsonNode entry = Json.mapper().readTree(Base64.getDecoder().decode(body));
      JsonNode spec = entry.path("spec");
      if (!"hashedrekord".equals(entry.path("kind").asText())) {
        return new Problem(VerificationException.Reason.BAD_CHAIN, "Rekor entry kind " + entry.path("kind").asText());
      }
      String payloadHash = HexFormat.of().formatHex(ImageSigner.sha256(payload));
      if (!payloadHash.equals(spec.path("data").path("hash").path("value").asText())) {
        return new Problem(VerificationException.Reason.BAD_SIGNATURE, "the Rekor entry is for another payload");
      }
      if (!Arrays.equals(signature, Base64.getDecoder().decode(spec.path("signature").path("content").asText()))) {
        return new Problem(VerificationException.Reason.BAD_SIGNATURE, "the Rekor entry holds another signature");
      }
      X509Certificate logged = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
          new ByteArrayInputStream(Base64.getDecoder().decode(
              spec.path("signature").path("publicKey").path("content").asText())));
      if (!Arrays.equals(logged.getEncoded(), leaf.getEncoded())) {
        return new Problem(VerificationException.Reason.BAD_SIGNATURE, "the Rekor entry names another certificate");
      }
      Instant t = Instant.ofEpochSecond(integratedTime);
      if (t.isBefore(leaf.getNotBefore().toInstant()) || t.isAfter(leaf.getNotAfter().toInstant())) {
        return new Problem(VerificationException.Reason.BAD_CHAIN,
            "logged at " + t + ", outside the certificate's validity");
      }
    } catch (Exception e) {
      return new Problem(VerificationException.Reason.BAD_CHAIN, "Rekor bundle annotation: " + e.getMessage());
    }
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initVerify(leaf.getPublicKey());
      s.update(payload);
      if (!s.verify(signature)) {
        return new Problem(VerificationException.Reason.BAD_SIGNATURE, "the signature does not verify");
      }
    } catch (Exception e) {
      return new Problem(VerificationException.Reason.BAD_SIGNATURE, "the signature does not verify: " + e.getMessage());
    }
    return null;
  }
}
