package dev.slipway.image.sign;

import java.util.List;

/**
 * The adapter to a Rekor v1 transparency log for key-mode signatures (keyless signing logs through sigstore-java).
 * Signatures over cosign's payload are logged as {@code hashedrekord} 0.0.1 entries, DSSE envelopes (attestations and
 * cosign v3 signature statements) as {@code dsse} 0.0.1 entries, as cosign does.
 */
public interface TransparencyLog {

  /** A logged entry with its signed entry timestamp (SET) and inclusion proof, as Rekor v1 answers. */
  record Entry(String uuid, String bodyBase64, long integratedTime, long logIndex, String logIdHex,
      String signedEntryTimestamp, InclusionProof proof, String kind, String kindVersion) {

    /** The part of the entry cosign's {@code dev.sigstore.cosign/bundle} annotation carries. */
    public KeylessBackend.TlogEntry asTlogEntry() {
      return new KeylessBackend.TlogEntry(bodyBase64, integratedTime, logIndex, logIdHex, signedEntryTimestamp);
    }
  }

  /** An RFC 6962 inclusion proof (hex hashes) with the log's signed checkpoint; null fields when Rekor sent none. */
  record InclusionProof(long logIndex, String rootHashHex, long treeSize, List<String> hashesHex, String checkpoint) {}

  /** Where the log is, for logs and {@code signatures.json}. */
  String url();

  /** Logs a signature over an artifact whose SHA-256 is {@code artifactSha256}, made by {@code publicKeyPem}. */
  Entry hashedRekord(byte[] artifactSha256, byte[] signature, String publicKeyPem) throws SigningException;

  /** Logs a DSSE envelope ({@code envelopeJson}, exactly the bytes stored elsewhere) signed by {@code publicKeyPem}. */
  Entry dsse(byte[] envelopeJson, String publicKeyPem) throws SigningException;
}
