package dev.slipway.image.sign;

import java.util.List;

/**
 * The adapter to a Sigstore instance (OIDC token → Fulcio certificate → signature → Rekor entry). One certificate
 * serves every digest of a call.
 */
public interface KeylessBackend {

  /** A signature over one digest, with the material cosign and Sigstore bundles carry. */
  record Signature(byte[] signature, String certificatePem, String chainPem, String bundleJson, TlogEntry tlog,
      String identity, String issuer) {}

  /** The Rekor v1 entry of a signature, as cosign's {@code dev.sigstore.cosign/bundle} annotation needs it. */
  record TlogEntry(String body, long integratedTime, long logIndex, String logIdHex, String signedEntryTimestamp) {}

  /** A DSSE-signed in-toto statement with its Sigstore bundle (Rekor v2 entry, RFC 3161 timestamp). */
  record Attestation(String payloadType, byte[] payload, byte[] signature, String bundleJson, String certificatePem,
      String chainPem, byte[] rfc3161Timestamp) {}

  /** The Sigstore instance cannot make DSSE attestations (no Rekor v2 or no timestamp authority). */
  class AttestationsUnavailable extends SigningException {
    public AttestationsUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Signs each SHA-256 digest (32 bytes); returns one signature per digest, in order. */
  List<Signature> sign(List<byte[]> sha256Digests) throws SigningException;

  /** Signs each in-toto statement (JSON, {@code _type} Statement v1) as a DSSE envelope; one result each, in order. */
  List<Attestation> attest(List<byte[]> statements) throws SigningException;
}
