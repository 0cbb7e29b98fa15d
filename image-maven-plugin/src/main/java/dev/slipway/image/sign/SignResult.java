package dev.slipway.image.sign;

import java.util.List;

/**
 * What {@link ImageSigner} did, as written to {@code target/slipway/signatures/signatures.json}.
 *
 * @param signer the certificate identity (keyless) or key id (key mode)
 * @param issuer the OIDC issuer (keyless only)
 * @param attestationsSkipped why attestations were not made, or null (bundle fields are file names in
 *     {@code signatures/})
 */
public record SignResult(
    int schemaVersion,
    String reference,
    String mode,
    String signer,
    String issuer,
    List<Signed> signatures,
    List<Attested> attestations,
    String attestationsSkipped) {

  /** One signed manifest digest. */
  public record Signed(String digest, String payloadDigest, String signatureTag, String signatureManifest,
      String bundle, String referrer, Long rekorLogIndex) {}

  /** One attestation. */
  public record Attested(String digest, String predicateType, String source, String attestationTag, String bundle,
      String referrer) {}
}
