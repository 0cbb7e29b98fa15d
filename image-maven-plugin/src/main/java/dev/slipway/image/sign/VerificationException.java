package dev.slipway.image.sign;

/** The image is not signed as the policy requires; {@link #reason()} says why in one word. */
public class VerificationException extends Exception {
  /** Why verification failed. */
  public enum Reason {
    /** Neither a cosign {@code .sig} tag nor a cosign v3 signature bundle referrer exists for the digest. */
    NO_SIGNATURE,
    /** A signature exists, but its certificate names another identity or OIDC issuer. */
    WRONG_IDENTITY,
    /** A signature exists, but for another manifest digest (it was copied or the image changed). */
    DIGEST_MISMATCH,
    /** The certificate does not chain to the trusted root, or its SCT / transparency log proof is invalid. */
    BAD_CHAIN,
    /** The signature does not verify (wrong key, or the payload was altered). */
    BAD_SIGNATURE,
    /** A required attestation predicate type is missing or its signature does not verify. */
    MISSING_ATTESTATION,
    /** A key signature verifies but has no verified transparency log entry, and the policy requires one. */
    MISSING_TLOG
  }

  private final Reason reason;

  public VerificationException(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
