package dev.slipway.image.sign;

import dev.sigstore.fulcio.client.FulcioVerifier;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Verifies keyless signatures and attestations in cosign's legacy layout from the layer's annotations alone, the way
 * {@code cosign verify} / {@code verify-attestation} (v2) do: the certificate chains to a Fulcio CA of the trusted
 * root and carries a valid SCT (sigstore-java's {@code FulcioVerifier}), the Rekor signed entry timestamp of the
 * {@code dev.sigstore.cosign/bundle} annotation verifies with a log key of the trusted root, the logged entry is about
 * exactly this payload (or envelope), signature and certificate, it was integrated while the certificate was valid,
 * and the signature verifies. There is no inclusion proof in this layout: the SET is the proof.
 */
final class CosignLegacyVerifier {
  /** Why a legacy layer failed, as a reason and a message. */
  record Problem(VerificationException.Reason reason, String message) {}

  private final SigstoreTrustedRoot trustedRoot;

  CosignLegacyVerifier(SigstoreTrustedRoot trustedRoot) {
    this.trustedRoot = trustedRoot;
  }

  /** A {@code .sig} layer: null when it verifies; the leaf certificate goes to {@code leafOut[0]}. */
  Problem verifySignature(byte[] payload, Map<String, String> annotations, X509Certificate[] leafOut) {
    String sigB64 = annotations.get(CosignLayout.ANN_SIGNATURE);
    if (sigB64 == null || sigB64.isEmpty()) {
      return new Problem(VerificationException.Reason.BAD_SIGNATURE, "the layer has no signature annotation");
    }
    byte[] signature = Base64.getDecoder().decode(sigB64);
    return verify(payload, null, payload, signature, annotations, leafOut);
  }

  /** An {@code .att} layer (a DSSE envelope): null when it verifies; the leaf goes to {@code leafOut[0]}. */
  Problem verifyAttestation(byte[] envelopeJson, Map<String, String> annotations, X509Certificate[] leafOut) {
    Dsse.Envelope env;
    try {
      env = Dsse.parse(envelopeJson);
    } catch (Exception e) {
      return new Problem(VerificationException.Reason.BAD_SIGNATURE, "the layer is not a DSSE envelope");
    }
    return verify(envelopeJson, env.payload(), env.pae(), env.signature(), annotations, leafOut);
  }

  private Problem verify(byte[] logged, byte[] dssePayload, byte[] signedBytes, byte[] signature,
      Map<String, String> annotations, X509Certificate[] leafOut) {
    String certPem = annotations.get(CosignLayout.ANN_CERTIFICATE);
    String rekorBundle = annotations.get(CosignLayout.ANN_BUNDLE);
    if (certPem == null || certPem.isEmpty()) {
      return new Problem(VerificationException.Reason.BAD_SIGNATURE, "the layer has no certificate annotation");
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
    if (rekorBundle == null || rekorBundle.isEmpty()) {
      return new Problem(VerificationException.Reason.BAD_CHAIN, "the layer has no Rekor v1 entry (annotation "
          + CosignLayout.ANN_BUNDLE + "), which proves when a short-lived certificate signed"
          + (dssePayload != null ? " (attestations logged in Rekor v2 verify from their bundle referrer)" : ""));
    }
    try {
      RekorEntries.Logged entry = RekorEntries.fromCosignAnnotation(rekorBundle);
      String setProblem = RekorEntries.verifySet(entry, trustedRoot);
      if (setProblem != null) {
        return new Problem(VerificationException.Reason.BAD_CHAIN, setProblem);
      }
      String bodyProblem = RekorEntries.bodyProblem(entry, logged, dssePayload, signature, leaf.getEncoded());
      if (bodyProblem != null) {
        return new Problem(VerificationException.Reason.BAD_SIGNATURE, bodyProblem);
      }
      Instant t = Instant.ofEpochSecond(entry.integratedTime());
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
      s.update(signedBytes);
      if (!s.verify(signature)) {
        return new Problem(VerificationException.Reason.BAD_SIGNATURE, "the signature does not verify");
      }
    } catch (Exception e) {
      return new Problem(VerificationException.Reason.BAD_SIGNATURE, "the signature does not verify: " + e.getMessage());
    }
    return null;
  }
}
