package dev.slipway.image.sign;

import java.util.List;

/**
 * What {@link ImageSigner} did, as written to {@code target/slipway/signatures/signatures.json}.
 *
 * @param signer the certificate identity (keyless) or key id (key mode)
 * @param issuer the OIDC issuer (keyless only)
 * @param attestationsSkipped why attestations were not made, or null (bundle fields are file names in
 *     {@code signatures/})
 * @param transparencyLog where the signatures were logged, or what a verifier must be told since they were not
 */
public record SignResult(
    int schemaVersion,
    String reference,
    String mode,
    String signer,
    String issuer,
    List<Signed> signatures,
    List<Attested> attestations,
    String attestationsSkipped,
    TransparencyLogUse transparencyLog) {

  /**
   * One signed manifest digest: the legacy {@code .sig} layer, the message-signature bundle over its payload
   * ({@code bundle}), and the cosign v3 signature ({@code signatureBundle}, attached as {@code referrer}; null when
   * none was made, with the reason in {@code referrerSkipped}).
   */
  public record Signed(String digest, String payloadDigest, String signatureTag, String signatureManifest,
      String bundle, String signatureBundle, String referrer, String referrerSkipped, Long rekorLogIndex) {}

  /** One attestation. */
  public record Attested(String digest, String predicateType, String source, String attestationTag, String bundle,
      String referrer, Long rekorLogIndex) {}

  /**
   * Whether the signatures were logged: the log's URL, or null with what a verifier then needs ({@code cosign}'s
   * flags, e.g. {@code --insecure-ignore-tlog=true}) and why.
   */
  public record TransparencyLogUse(String url, List<String> cosignVerifyFlags, String note) {}
}
