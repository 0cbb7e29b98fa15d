package dev.slipway.image.sign;

import java.security.PublicKey;

/**
 * The adapter to a signing key held elsewhere: a PEM file read through the JCA, or a cloud KMS. Signatures are
 * ECDSA P-256 over SHA-256, DER-encoded (what cosign, openssl and every verifier expect).
 */
public interface KeySigner {
  /** Signs {@code data} (hashing it with SHA-256 first). */
  byte[] sign(byte[] data) throws SigningException;

  PublicKey publicKey() throws SigningException;

  /** What the key is, for logs: never the key material or a password. */
  String describe();
}
