package dev.slipway.common.image;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The hand-over file {@code target/slipway/verified.json} that {@code image:verify} writes, after every run, so that a
 * deployment can refuse an image that was not verified: it passes only when {@link #passes(String)} is true for the
 * digest about to be deployed ({@code verdict} {@code PASS} and the same {@code digest}). A failed verification
 * overwrites an earlier {@code PASS} with {@code FAIL}, so a stale file never vouches for an image. Schema version 2;
 * documented in the image plugin's site ("verified.json").
 *
 * @param verdict {@code PASS} or {@code FAIL}
 * @param reason on {@code FAIL}, one word: NO_SIGNATURE, WRONG_IDENTITY, DIGEST_MISMATCH, BAD_CHAIN, BAD_SIGNATURE,
 *     MISSING_ATTESTATION, MISSING_TLOG (null on PASS)
 * @param message on {@code FAIL}, what was wrong (null on PASS)
 * @param reference {@code repository@digest} that was checked
 * @param digest the manifest (or index) digest the verdict is about: a verdict never covers another digest
 * @param verifiedAt when the check ran (ISO-8601)
 * @param policy what was required
 * @param signature the signature that satisfied the policy (null on FAIL)
 * @param attestations the attestations that satisfied the required predicate types
 */
public record VerifiedImage(
    int schemaVersion,
    String verdict,
    String reason,
    String message,
    String reference,
    String repository,
    String digest,
    String verifiedAt,
    Policy policy,
    Signature signature,
    List<Attestation> attestations) {

  public static final int SCHEMA_VERSION = 2;
  public static final String PASS = "PASS";
  public static final String FAIL = "FAIL";

  /**
   * Who had to sign: {@code mode} {@code keyless} (identity or identityRegex, and issuer) or {@code key} (keyId: hex
   * SHA-256 of the public key's DER); required predicate types; whether a transparency log entry was required.
   */
  public record Policy(String mode, String identity, String identityRegex, String issuer, String keyId,
      List<String> requiredPredicateTypes, boolean requireTlog) {}

  /**
   * The verified signature: {@code format} {@code cosign-v3-bundle} (an OCI referrer) or {@code cosign-sig} (the
   * {@code sha256-<hex>.sig} tag), where it was found, who signed, and its Rekor log index when it was logged.
   */
  public record Signature(String format, String source, String identity, String issuer, String keyId,
      Long rekorLogIndex) {}

  /** One verified attestation: predicate type, {@code cosign-v3-bundle} or {@code cosign-att}, and where. */
  public record Attestation(String predicateType, String format, String source) {}

  public VerifiedImage {
    attestations = attestations == null ? List.of() : List.copyOf(attestations);
  }

  /** True when this file says {@code digest} passed verification. */
  public boolean passes(String digest) {
    return PASS.equals(verdict) && digest != null && digest.equals(this.digest) && signature != null;
  }

  public void write(Path file) throws IOException {
    Json.writeFile(file, this);
  }

  public static VerifiedImage read(Path file) throws InvalidInputException {
    VerifiedImage v = Json.readFile(file, VerifiedImage.class, "a verified.json written by image:verify");
    if (v.schemaVersion() != SCHEMA_VERSION) {
      throw new InvalidInputException(file + ": /schemaVersion is " + v.schemaVersion() + ", this Slipway reads "
          + "version " + SCHEMA_VERSION + " (run image:verify again)");
    }
    if (v.verdict() == null || v.digest() == null) {
      throw new InvalidInputException(file + ": /verdict and /digest are required (run image:verify again)");
    }
    return v;
  }
}
