package dev.slipway.image.sign;

/**
 * Signing or verification could not be carried out because of the environment (Fulcio, Rekor, KMS or the registry
 * failed or was unreachable), as opposed to a configuration the user must fix. Messages never contain secrets.
 */
public class SigningException extends Exception {
  public SigningException(String message) {
    super(message);
  }

  public SigningException(String message, Throwable cause) {
    super(message, cause);
  }
}
